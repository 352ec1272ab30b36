"""kept values of success metrics per date (computed by the daily pass, dropped when usage arrives)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 18:32:56.625787
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import valuegate.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "metric_point",
        sa.Column("metric_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("system", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("computed_at", valuegate.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["metric_id"], ["success_metric.id"], name=op.f("fk_metric_point_metric_id_success_metric")
        ),
        sa.PrimaryKeyConstraint("metric_id", "on_date", name=op.f("pk_metric_point")),
    )
    with op.batch_alter_table("metric_point", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_metric_point_system"), ["system"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("metric_point", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_metric_point_system"))

    op.drop_table("metric_point")
