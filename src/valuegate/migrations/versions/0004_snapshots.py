"""month-end snapshots: each measure's stage and recurring figures as known at a date, and their sums per scope

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import valuegate.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIGURES = ("plan", "baseline", "forecast", "actual", "estimate")


def upgrade() -> None:
    op.create_table(
        "snapshot_date",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("known_at", valuegate.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("measures", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("as_of"),
    )
    op.create_table(
        "measure_snapshot",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("measure_id", sa.BigInteger(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        *[
            sa.Column(f"{series}_{part}", sa.BigInteger(), nullable=False)
            for series in FIGURES
            for part in ("total", "rr")
        ],
        sa.ForeignKeyConstraint(["as_of"], ["snapshot_date.as_of"]),
        sa.PrimaryKeyConstraint("as_of", "measure_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "snapshot_total",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("scope", sa.String(length=24), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("measures", sa.BigInteger(), nullable=False),
        *[
            sa.Column(f"{series}_{part}", sa.BigInteger(), nullable=False)
            for series in FIGURES
            for part in ("total", "rr")
        ],
        sa.ForeignKeyConstraint(["as_of"], ["snapshot_date.as_of"]),
        sa.PrimaryKeyConstraint("as_of", "scope", "stage"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("snapshot_total")
    op.drop_table("measure_snapshot")
    op.drop_table("snapshot_date")
