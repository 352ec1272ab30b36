"""feedback loops: named check-ins, the open channel, anonymous responses (no rowid on SQLite)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 17:57:19.178237
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "anonymous_response",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("node_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("awareness", sa.Integer(), nullable=True),
        sa.Column("desire", sa.Integer(), nullable=True),
        sa.Column("knowledge", sa.Integer(), nullable=True),
        sa.Column("ability", sa.Integer(), nullable=True),
        sa.Column("reinforcement", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("you_said", sa.Text(), nullable=True),
        sa.Column("we_did", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["audience_group.id"], name=op.f("fk_anonymous_response_group_id_audience_group")
        ),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_anonymous_response_node_id_node")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anonymous_response")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("anonymous_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_anonymous_response_node_id"), ["node_id"], unique=False)

    op.create_table(
        "feedback_checkin",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("node_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("awareness", sa.Integer(), nullable=True),
        sa.Column("desire", sa.Integer(), nullable=True),
        sa.Column("knowledge", sa.Integer(), nullable=True),
        sa.Column("ability", sa.Integer(), nullable=True),
        sa.Column("reinforcement", sa.Integer(), nullable=True),
        sa.Column("blocker", sa.Text(), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["audience_group.id"], name=op.f("fk_feedback_checkin_group_id_audience_group")
        ),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_feedback_checkin_node_id_node")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_feedback_checkin_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_checkin")),
        sa.UniqueConstraint(
            "node_id", "person_id", "week_start", name=op.f("uq_feedback_checkin_node_id_person_id_week_start")
        ),
    )
    with op.batch_alter_table("feedback_checkin", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_checkin_node_id"), ["node_id"], unique=False)

    op.create_table(
        "feedback_item",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("node_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("author_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("you_said", sa.Text(), nullable=True),
        sa.Column("we_did", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["person.id"], name=op.f("fk_feedback_item_author_id_person")),
        sa.ForeignKeyConstraint(
            ["group_id"], ["audience_group.id"], name=op.f("fk_feedback_item_group_id_audience_group")
        ),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_feedback_item_node_id_node")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_item")),
    )
    with op.batch_alter_table("feedback_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_item_node_id"), ["node_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("feedback_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_item_node_id"))

    op.drop_table("feedback_item")
    with op.batch_alter_table("feedback_checkin", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_checkin_node_id"))

    op.drop_table("feedback_checkin")
    with op.batch_alter_table("anonymous_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_anonymous_response_node_id"))

    op.drop_table("anonymous_response")
