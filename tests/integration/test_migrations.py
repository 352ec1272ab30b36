"""The migrations create exactly the schema the models describe (no drift), on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import valuegate.models  # noqa: F401  (registers every table)
from valuegate.db import Base


def test_models_and_migrations_agree(db) -> None:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], "models differ from the migrations; add a migration:\n" + "\n".join(map(str, diff))
