"""data feeds and their submissions (quality reports; the files are not kept)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 19:27:35.805071
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import valuegate.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_feed",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("node_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("owner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("due_business_day", sa.Integer(), nullable=False),
        sa.Column("contract", sa.Text(), nullable=False),
        sa.Column("key_columns", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("amount_column", sa.String(length=100), nullable=True),
        sa.Column("tag_column", sa.String(length=100), nullable=True),
        sa.Column("required_tags", sa.Text(), nullable=False),
        sa.Column("created_at", valuegate.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_data_feed_node_id_node")),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"], name=op.f("fk_data_feed_owner_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_feed")),
        sa.UniqueConstraint("node_id", "name", name=op.f("uq_data_feed_node_id_name")),
    )
    with op.batch_alter_table("data_feed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_feed_node_id"), ["node_id"], unique=False)

    op.create_table(
        "feed_submission",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("feed_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("received_at", valuegate.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("submitted_by", sa.BigInteger(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("fingerprint", sa.String(length=16), nullable=True),
        sa.Column("rows", sa.BigInteger(), nullable=True),
        sa.Column("amount_total", sa.String(length=40), nullable=True),
        sa.Column("tag_coverage", sa.Float(), nullable=True),
        sa.Column("schema", sa.Text(), nullable=True),
        sa.Column("key_values", sa.Text(), nullable=True),
        sa.Column("report", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["feed_id"], ["data_feed.id"], name=op.f("fk_feed_submission_feed_id_data_feed")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_submission")),
    )
    with op.batch_alter_table("feed_submission", schema=None) as batch_op:
        batch_op.create_index("ix_feed_submission_feed_period", ["feed_id", "period"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("feed_submission", schema=None) as batch_op:
        batch_op.drop_index("ix_feed_submission_feed_period")

    op.drop_table("feed_submission")
    with op.batch_alter_table("data_feed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_feed_node_id"))

    op.drop_table("data_feed")
