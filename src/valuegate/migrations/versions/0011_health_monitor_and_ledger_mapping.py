"""The health monitor: model catalogue, artefact use, decision citations, health profiles, weekly readings, plays
taken up as actions, minimum viable outcomes; ledger mapping rules and proposed actuals.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 16:11:23.182284
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import valuegate.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_change_notice",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("feed_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("announced_by", sa.BigInteger(), nullable=True),
        sa.Column("announced_at", valuegate.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["feed_id"], ["data_feed.id"], name=op.f("fk_feed_change_notice_feed_id_data_feed")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_change_notice")),
    )
    with op.batch_alter_table("feed_change_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feed_change_notice_feed_id"), ["feed_id"], unique=False)
    op.create_table(
        "health_action",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("node_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("detector", sa.String(length=4), nullable=False),
        sa.Column("play", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", valuegate.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_health_action_node_id_node")),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"], name=op.f("fk_health_action_owner_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_action")),
    )
    with op.batch_alter_table("health_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_health_action_node_id"), ["node_id"], unique=False)

    op.create_table(
        "health_profile",
        sa.Column("node_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("live_on", sa.Date(), nullable=True),
        sa.Column("maturity_level", sa.Integer(), nullable=True),
        sa.Column("analyst_fte", sa.Float(), nullable=True),
        sa.Column("thresholds", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_health_profile_node_id_node")),
        sa.PrimaryKeyConstraint("node_id", name=op.f("pk_health_profile")),
    )
    op.create_table(
        "health_reading",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("node_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("computed_at", valuegate.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("trigger", sa.String(length=12), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("band", sa.String(length=8), nullable=False),
        sa.Column("signals", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_health_reading_node_id_node")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_reading")),
        sa.UniqueConstraint("node_id", "week", name=op.f("uq_health_reading_node_id_week")),
    )
    op.create_table(
        "mapping_rule",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("feed_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("match", sa.Text(), nullable=False),
        sa.Column("measure_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("negate", sa.Boolean(), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("owner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", valuegate.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["feed_id"], ["data_feed.id"], name=op.f("fk_mapping_rule_feed_id_data_feed")),
        sa.ForeignKeyConstraint(["measure_id"], ["measure.node_id"], name=op.f("fk_mapping_rule_measure_id_measure")),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"], name=op.f("fk_mapping_rule_owner_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mapping_rule")),
    )
    with op.batch_alter_table("mapping_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mapping_rule_feed_id"), ["feed_id"], unique=False)

    op.create_table(
        "model_artefact",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("node_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("audience_group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("audience", sa.String(length=300), nullable=True),
        sa.Column("audience_size", sa.Integer(), nullable=True),
        sa.Column("decisions", sa.Text(), nullable=True),
        sa.Column("layer", sa.String(length=20), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("feed_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("usage_system", sa.String(length=100), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("created_at", valuegate.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_group_id"],
            ["audience_group.id"],
            name=op.f("fk_model_artefact_audience_group_id_audience_group"),
        ),
        sa.ForeignKeyConstraint(["feed_id"], ["data_feed.id"], name=op.f("fk_model_artefact_feed_id_data_feed")),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_model_artefact_node_id_node")),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"], name=op.f("fk_model_artefact_owner_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_artefact")),
        sa.UniqueConstraint("node_id", "name", name=op.f("uq_model_artefact_node_id_name")),
    )
    with op.batch_alter_table("model_artefact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_model_artefact_node_id"), ["node_id"], unique=False)

    op.create_table(
        "viable_outcome",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("node_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("good_looks_like", sa.Text(), nullable=False),
        sa.Column("parts", sa.Text(), nullable=False),
        sa.Column("cadence", sa.Text(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("agreed_by", sa.BigInteger(), nullable=True),
        sa.Column("agreed_at", valuegate.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"], ["health_action.id"], name=op.f("fk_viable_outcome_action_id_health_action")
        ),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_viable_outcome_node_id_node")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_viable_outcome")),
    )
    with op.batch_alter_table("viable_outcome", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_viable_outcome_node_id"), ["node_id"], unique=False)

    op.create_table(
        "artefact_use",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("artefact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("used_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["artefact_id"], ["model_artefact.id"], name=op.f("fk_artefact_use_artefact_id_model_artefact")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_artefact_use_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artefact_use")),
    )
    with op.batch_alter_table("artefact_use", schema=None) as batch_op:
        batch_op.create_index("ix_artefact_use_artefact_day", ["artefact_id", "used_on"], unique=False)

    op.create_table(
        "proposed_actual",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("submission_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("measure_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("amount", sa.String(length=40), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("rule_ids", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("booked_amount", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", valuegate.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measure.node_id"], name=op.f("fk_proposed_actual_measure_id_measure")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["feed_submission.id"], name=op.f("fk_proposed_actual_submission_id_feed_submission")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposed_actual")),
    )
    with op.batch_alter_table("proposed_actual", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposed_actual_measure_id"), ["measure_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposed_actual_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "decision_citation",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("decision_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("artefact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["artefact_id"], ["model_artefact.id"], name=op.f("fk_decision_citation_artefact_id_model_artefact")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_decision_citation_decision_id_decision")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_citation")),
        sa.UniqueConstraint("decision_id", "artefact_id", name=op.f("uq_decision_citation_decision_id_artefact_id")),
    )
    with op.batch_alter_table("decision_citation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_citation_artefact_id"), ["artefact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_citation_decision_id"), ["decision_id"], unique=False)

    with op.batch_alter_table("feed_submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unallocated_share", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feed_change_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_change_notice_feed_id"))
    op.drop_table("feed_change_notice")
    with op.batch_alter_table("feed_submission", schema=None) as batch_op:
        batch_op.drop_column("unallocated_share")

    with op.batch_alter_table("decision_citation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_citation_decision_id"))
        batch_op.drop_index(batch_op.f("ix_decision_citation_artefact_id"))

    op.drop_table("decision_citation")
    with op.batch_alter_table("proposed_actual", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposed_actual_submission_id"))
        batch_op.drop_index(batch_op.f("ix_proposed_actual_measure_id"))

    op.drop_table("proposed_actual")
    with op.batch_alter_table("artefact_use", schema=None) as batch_op:
        batch_op.drop_index("ix_artefact_use_artefact_day")

    op.drop_table("artefact_use")
    with op.batch_alter_table("viable_outcome", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_viable_outcome_node_id"))

    op.drop_table("viable_outcome")
    with op.batch_alter_table("model_artefact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_model_artefact_node_id"))

    op.drop_table("model_artefact")
    with op.batch_alter_table("mapping_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mapping_rule_feed_id"))

    op.drop_table("mapping_rule")
    op.drop_table("health_reading")
    op.drop_table("health_profile")
    with op.batch_alter_table("health_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_health_action_node_id"))

    op.drop_table("health_action")
