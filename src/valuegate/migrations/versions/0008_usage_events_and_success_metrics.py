"""usage events, daily activity, audience members, success metrics and readings

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 18:07:22.001244
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import valuegate.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "usage_actor",
        sa.Column("system", sa.String(length=100), nullable=False),
        sa.Column("actor_key", sa.String(length=32), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("system", "actor_key", name=op.f("pk_usage_actor")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "usage_day",
        sa.Column("system", sa.String(length=100), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("actor_key", sa.String(length=32), nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("system", "day", "actor_key", "event", name=op.f("pk_usage_day")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "usage_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("system", sa.String(length=100), nullable=False),
        sa.Column("actor_key", sa.String(length=32), nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("occurred_at", valuegate.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_event")),
    )
    with op.batch_alter_table("usage_event", schema=None) as batch_op:
        batch_op.create_index("ix_usage_event_system_time", ["system", "occurred_at"], unique=False)

    op.create_table(
        "audience_member",
        sa.Column("group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("actor_key", sa.String(length=32), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["audience_group.id"], name=op.f("fk_audience_member_group_id_audience_group")
        ),
        sa.PrimaryKeyConstraint("group_id", "actor_key", name=op.f("pk_audience_member")),
    )
    op.create_table(
        "success_metric",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("node_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("system", sa.String(length=100), nullable=True),
        sa.Column("events", sa.String(length=1000), nullable=True),
        sa.Column("start_event", sa.String(length=100), nullable=True),
        sa.Column("end_event", sa.String(length=100), nullable=True),
        sa.Column("legacy_system", sa.String(length=100), nullable=True),
        sa.Column("audience_group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("min_active_days", sa.Integer(), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("comparator", sa.String(length=2), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("collection_method", sa.String(length=24), nullable=False),
        sa.Column("data_owner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("behaviour", sa.Text(), nullable=True),
        sa.Column("created_at", valuegate.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_group_id"],
            ["audience_group.id"],
            name=op.f("fk_success_metric_audience_group_id_audience_group"),
        ),
        sa.ForeignKeyConstraint(["data_owner_id"], ["person.id"], name=op.f("fk_success_metric_data_owner_id_person")),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_success_metric_node_id_node")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_success_metric")),
    )
    with op.batch_alter_table("success_metric", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_success_metric_node_id"), ["node_id"], unique=False)

    op.create_table(
        "metric_reading",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("metric_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["metric_id"], ["success_metric.id"], name=op.f("fk_metric_reading_metric_id_success_metric")
        ),
        sa.ForeignKeyConstraint(["recorded_by"], ["person.id"], name=op.f("fk_metric_reading_recorded_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_reading")),
    )
    with op.batch_alter_table("metric_reading", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_metric_reading_metric_id"), ["metric_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("metric_reading", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_metric_reading_metric_id"))

    op.drop_table("metric_reading")
    with op.batch_alter_table("success_metric", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_success_metric_node_id"))

    op.drop_table("success_metric")
    op.drop_table("audience_member")
    with op.batch_alter_table("usage_event", schema=None) as batch_op:
        batch_op.drop_index("ix_usage_event_system_time")

    op.drop_table("usage_event")
    op.drop_table("usage_day")
    op.drop_table("usage_actor")
