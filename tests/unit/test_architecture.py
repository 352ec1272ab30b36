"""The shape every request follows, checked at grep level: only the unit of work commits."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "valuegate"


def _sources() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]


def test_only_the_unit_of_work_commits() -> None:
    offenders = [
        f"{p.relative_to(SRC)}:{n}"
        for p in _sources()
        if p.name != "uow.py"
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if re.search(r"\.commit\(\)", line)
    ]
    assert offenders == [], "commit only through valuegate.uow (use_case, commit_batch): " + ", ".join(offenders)
