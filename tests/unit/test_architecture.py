"""The shape every request follows, checked at grep level: only the unit of work commits, and the adapters (API,
pages, command line) hold no query and no policy check of their own — they call the use-cases."""

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


ADAPTERS = ("api.py", "web.py", "browse.py", "cli.py")
# What an adapter must leave to the services: a query, a row read by hand, a permission check.
NOT_IN_ADAPTERS = re.compile(r"\bselect\(|\bsession\.(get|scalar|scalars|execute)\(|\brequire\(|\.commit\(\)")


def _adapters() -> list[Path]:
    return [
        p for p in _sources() if p.name in ADAPTERS or p.name.endswith("_web.py") or p.parent.name in ("admin", "web")
    ]


def test_adapters_hold_no_query_and_no_policy_check() -> None:
    adapters = _adapters()
    assert len(adapters) > 30, "the walk found the API, page and command-line modules"
    offenders = [
        f"{p.relative_to(SRC)}:{n}: {line.strip()}"
        for p in adapters
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if NOT_IN_ADAPTERS.search(line)
    ]
    assert offenders == [], "move these into the package's service:\n" + "\n".join(offenders)
