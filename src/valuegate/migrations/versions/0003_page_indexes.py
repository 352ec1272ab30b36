"""indexes for the pages: nodes by kind in path order, open milestones by due date, measures by last update
and by annual estimate

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_node_kind", table_name="node")
    op.create_index("ix_node_kind_path", "node", ["kind", "path"])
    op.create_index("ix_measure_last_update_at", "measure", ["last_update_at"])
    op.create_index("ix_measure_annual_estimate", "measure", ["annual_estimate"])
    op.create_index(
        "ix_milestone_open_due",
        "milestone",
        ["due_on"],
        sqlite_where=sa.text("done_on IS NULL"),
        postgresql_where=sa.text("done_on IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_milestone_open_due", table_name="milestone")
    op.drop_index("ix_measure_annual_estimate", table_name="measure")
    op.drop_index("ix_measure_last_update_at", table_name="measure")
    op.drop_index("ix_node_kind_path", table_name="node")
    op.create_index("ix_node_kind", "node", ["kind"])
