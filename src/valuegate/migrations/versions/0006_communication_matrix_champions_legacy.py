"""communication matrix, champions and legacy retirement

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 17:48:16.169493
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import valuegate.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "legacy_process",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("node_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("owner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("replacement", sa.Text(), nullable=False),
        sa.Column("retire_by", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("parallel_since", sa.Date(), nullable=True),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("double_work_hours", sa.Integer(), nullable=True),
        sa.Column("people_still_using", sa.Integer(), nullable=True),
        sa.Column("usage_system", sa.String(length=100), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_legacy_process_node_id_node")),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"], name=op.f("fk_legacy_process_owner_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legacy_process")),
        sa.UniqueConstraint("node_id", "name", name=op.f("uq_legacy_process_node_id_name")),
    )
    with op.batch_alter_table("legacy_process", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legacy_process_node_id"), ["node_id"], unique=False)

    op.create_table(
        "champion",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("node_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("time_percent", sa.Integer(), nullable=False),
        sa.Column("early_access", sa.Boolean(), nullable=False),
        sa.Column("design_involvement", sa.Text(), nullable=True),
        sa.Column("nominated_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("time_percent BETWEEN 0 AND 100", name=op.f("ck_champion_champion_time")),
        sa.ForeignKeyConstraint(["group_id"], ["audience_group.id"], name=op.f("fk_champion_group_id_audience_group")),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_champion_node_id_node")),
        sa.ForeignKeyConstraint(["nominated_by_id"], ["person.id"], name=op.f("fk_champion_nominated_by_id_person")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_champion_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_champion")),
        sa.UniqueConstraint("node_id", "person_id", name=op.f("uq_champion_node_id_person_id")),
    )
    with op.batch_alter_table("champion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_champion_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_champion_node_id"), ["node_id"], unique=False)

    op.create_table(
        "communication_item",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("node_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("audience_group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key_message", sa.String(length=200), nullable=False),
        sa.Column("message_type", sa.String(length=20), nullable=False),
        sa.Column("adkar_target", sa.String(length=20), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("messenger_role", sa.String(length=20), nullable=False),
        sa.Column("messenger_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("author_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("recurrence", sa.String(length=300), nullable=True),
        sa.Column("desired_action", sa.Text(), nullable=True),
        sa.Column("action_metric", sa.Text(), nullable=True),
        sa.Column("covers_why", sa.Boolean(), nullable=False),
        sa.Column("covers_why_now", sa.Boolean(), nullable=False),
        sa.Column("covers_risk", sa.Boolean(), nullable=False),
        sa.Column("repetition_target", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", valuegate.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_group_id"],
            ["audience_group.id"],
            name=op.f("fk_communication_item_audience_group_id_audience_group"),
        ),
        sa.ForeignKeyConstraint(["author_id"], ["person.id"], name=op.f("fk_communication_item_author_id_person")),
        sa.ForeignKeyConstraint(
            ["messenger_id"], ["person.id"], name=op.f("fk_communication_item_messenger_id_person")
        ),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_communication_item_node_id_node")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communication_item")),
    )
    with op.batch_alter_table("communication_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_communication_item_audience_group_id"), ["audience_group_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_communication_item_node_id"), ["node_id"], unique=False)

    op.create_table(
        "champion_activity",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("champion_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["champion_id"], ["champion.id"], name=op.f("fk_champion_activity_champion_id_champion")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_champion_activity")),
    )
    with op.batch_alter_table("champion_activity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_champion_activity_champion_id"), ["champion_id"], unique=False)

    op.create_table(
        "communication_sent",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("occurrence_on", sa.Date(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["communication_item.id"], name=op.f("fk_communication_sent_item_id_communication_item")
        ),
        sa.ForeignKeyConstraint(["recorded_by"], ["person.id"], name=op.f("fk_communication_sent_recorded_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communication_sent")),
        sa.UniqueConstraint("item_id", "occurrence_on", name=op.f("uq_communication_sent_item_id_occurrence_on")),
    )
    with op.batch_alter_table("communication_sent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_communication_sent_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("communication_sent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_communication_sent_item_id"))

    op.drop_table("communication_sent")
    with op.batch_alter_table("champion_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_champion_activity_champion_id"))

    op.drop_table("champion_activity")
    with op.batch_alter_table("communication_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_communication_item_node_id"))
        batch_op.drop_index(batch_op.f("ix_communication_item_audience_group_id"))

    op.drop_table("communication_item")
    with op.batch_alter_table("champion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_champion_node_id"))
        batch_op.drop_index(batch_op.f("ix_champion_group_id"))

    op.drop_table("champion")
    with op.batch_alter_table("legacy_process", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legacy_process_node_id"))

    op.drop_table("legacy_process")
