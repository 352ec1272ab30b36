"""Feed contracts and what a submission is checked against, without a database (reference §4.3, §6).

A contract lists columns with a type (string, integer, decimal, date, datetime, boolean, json), whether they must
be present and filled, and allowed values. A submission's schema is compared with the contract and with the last
accepted submission: added, removed, renamed (similar name and overlapping values), retyped and reordered
columns, each with a fingerprint of the ordered (column, type) pairs. Key columns are checked for new values and
for variants of one key (``CostCenter`` vs ``costcenter``); volume and amounts against recent periods (median ±
3 × MAD); FOCUS tags for coverage of the required keys. Findings carry a DAMA dimension.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from importlib import resources
from typing import Any

TYPES = ("string", "integer", "decimal", "date", "datetime", "boolean", "json")
DIMENSIONS = ("completeness", "uniqueness", "timeliness", "validity", "accuracy", "consistency")
RENAME_SIMILARITY = 0.8
RENAME_OVERLAP = 0.9
MAD_BAND = 3.0
SAMPLE = 5  # failing rows listed per finding


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "string"
    required: bool = False  # must be present
    nullable: bool = True
    allowed: tuple[str, ...] | None = None


@dataclass
class Finding:
    check: str
    dimension: str
    severity: str  # error (rejects the submission) or warning
    message: str
    column: str | None = None
    rows: list[int] = field(default_factory=list)
    count: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "dimension": self.dimension,
            "severity": self.severity,
            "message": self.message,
            "column": self.column,
            "rows": self.rows,
            "count": self.count,
        }


def focus_contract() -> list[Column]:
    """The FinOps FOCUS columns as a contract: mandatory columns required, their null rules and allowed values."""
    doc = json.loads(resources.files("valuegate.feeds").joinpath("contracts/focus.json").read_text())
    return [
        Column(
            c["name"],
            c["type"],
            required=c["level"] == "mandatory",
            nullable=c["nullable"],
            allowed=tuple(c["allowed"]) if c.get("allowed") else None,
        )
        for c in doc["columns"]
    ]


# --- values and types -------------------------------------------------------------------------------------------

_MONEY = re.compile(r"^\s*[-+]?[$€£¥]?\s*[-+]?[\d,]*\.?\d+\s*$")
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y", "%m/%d/%y", "%d/%m/%Y")


def parse_decimal(text: str) -> Decimal | None:
    """A number as exports write it: '1234.5', '-3', '$10,000.00 ', '1.5e3'; None when it is not one."""
    cleaned = text.strip().replace("$", "").replace("€", "").replace("£", "").replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _is_date(text: str) -> bool:
    t = text.strip()
    try:
        date.fromisoformat(t)
        return True
    except ValueError:
        pass
    for fmt in _DATE_FORMATS[1:]:
        try:
            datetime.strptime(t, fmt)
            return True
        except ValueError:
            continue
    return False


def _is_datetime(text: str) -> bool:
    t = text.strip().replace("Z", "+00:00")
    try:
        datetime.fromisoformat(t)
        return True
    except ValueError:
        return _is_date(t)


def value_fits(text: str, kind: str) -> bool:
    t = text.strip()
    if kind == "string":
        return True
    if kind == "integer":
        return re.fullmatch(r"[-+]?\d+", t.replace(",", "")) is not None
    if kind == "decimal":
        return parse_decimal(t) is not None
    if kind == "date":
        return _is_date(t)
    if kind == "datetime":
        return _is_datetime(t)
    if kind == "boolean":
        return t.lower() in ("true", "false", "yes", "no", "0", "1")
    if kind == "json":
        try:
            json.loads(t)
            return True
        except ValueError:
            return False
    raise ValueError(f"unknown type {kind!r}")


def infer_type(values: Iterable[str | None], sample: int = 500) -> str:
    """The narrowest type every non-empty value in a sample fits (string when none is narrower)."""
    seen = [v for v in values if v is not None][:sample]
    if not seen:
        return "string"
    for kind in ("integer", "decimal", "date", "datetime", "boolean", "json"):
        if kind == "json" and not all(v.strip().startswith(("{", "[")) for v in seen):
            continue
        if all(value_fits(v, kind) for v in seen):
            return kind
    return "string"


def fingerprint(columns: Sequence[tuple[str, str]]) -> str:
    return hashlib.sha256(json.dumps([list(c) for c in columns]).encode()).hexdigest()[:16]


# --- schema -----------------------------------------------------------------------------------------------------


def similarity(a: str, b: str) -> float:
    def norm(s: str) -> str:
        return re.sub(r"[^a-z0-9]", "", s.casefold())

    return SequenceMatcher(None, norm(a), norm(b)).ratio()


def overlap(a: set[str], b: set[str]) -> float:
    """Share of the smaller value set found in the other (1.0 when one holds the other)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def schema_changes(
    before: Sequence[tuple[str, str]],
    after: Sequence[tuple[str, str]],
    before_values: Mapping[str, set[str]] | None = None,
    after_values: Mapping[str, set[str]] | None = None,
) -> list[dict[str, Any]]:
    """What changed between two schemas (ordered (name, type) pairs): removed, added, renamed, retyped, reordered.

    A removed and an added column are one rename when their names are similar (≥ 0.8) and, where values are
    known, their values overlap (≥ 0.9); values alone (a complete overlap) also make a rename of a column whose
    name changed beyond recognition."""
    old, new = dict(before), dict(after)
    removed = [n for n, _ in before if n not in new]
    added = [n for n, _ in after if n not in old]
    changes: list[dict[str, Any]] = []
    for r in list(removed):
        best = None
        for a in added:
            name_score = similarity(r, a)
            vals = (
                overlap(before_values.get(r, set()), after_values.get(a, set()))
                if before_values is not None and after_values is not None
                else None
            )
            same_type = old[r] == new[a]
            by_name = name_score >= RENAME_SIMILARITY and (vals is None or vals >= RENAME_OVERLAP or not same_type)
            by_values = vals is not None and vals >= 0.999 and same_type and len(before_values.get(r, ())) >= 3  # type: ignore[union-attr]
            if (by_name or by_values) and (best is None or name_score > best[1]):
                best = (a, name_score, vals)
        if best is not None:
            changes.append(
                {
                    "change": "renamed",
                    "from": r,
                    "to": best[0],
                    "similarity": round(best[1], 2),
                    "value_overlap": None if best[2] is None else round(best[2], 2),
                }
            )
            removed.remove(r)
            added.remove(best[0])
    changes += [{"change": "removed", "column": n} for n in removed]
    changes += [{"change": "added", "column": n} for n in added]
    renamed = {c["from"]: c["to"] for c in changes if c["change"] == "renamed"}
    for name, kind in before:
        target = renamed.get(name, name)
        if target in new and new[target] != kind:
            changes.append({"change": "retyped", "column": target, "from": kind, "to": new[target]})
    common_before = [renamed.get(n, n) for n, _ in before if renamed.get(n, n) in new]
    common_after = [n for n, _ in after if n in set(common_before)]
    if common_before != common_after:
        changes.append({"change": "reordered", "before": common_before, "after": common_after})
    return changes


def key_variants(values: Iterable[str]) -> list[list[str]]:
    """Groups of distinct values that are one key written differently (case, spaces, punctuation)."""
    groups: dict[str, set[str]] = {}
    for v in values:
        groups.setdefault(re.sub(r"[^a-z0-9]", "", v.casefold()), set()).add(v)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


def anomaly(value: float, history: Sequence[float], band: float = MAD_BAND) -> dict[str, Any] | None:
    """Whether a period's figure falls outside median ± band × MAD of recent periods (needs three of them)."""
    if len(history) < 3:
        return None
    med = statistics.median(history)
    # A floor of 5 % of the median: steady feeds have a tiny MAD, and ordinary variation is not an anomaly.
    mad = max(statistics.median(abs(h - med) for h in history), abs(med) * 0.05, 1e-9)
    low, high = med - band * mad, med + band * mad
    if low <= value <= high:
        return None
    return {"value": value, "median": med, "low": low, "high": high, "ratio": (value / med) if med else None}


def tag_coverage(
    tags: Sequence[str | None], amounts: Sequence[Decimal | None], required: Sequence[str]
) -> dict[str, Any]:
    """FOCUS Tags: the share of cost carrying every required key, and key variants among all keys."""
    covered = total = Decimal(0)
    keys: set[str] = set()
    invalid: list[int] = []
    for i, (raw, amount) in enumerate(zip(tags, amounts, strict=True)):
        amount = amount or Decimal(0)
        total += abs(amount)
        parsed: dict[str, Any] = {}
        if raw:
            try:
                value = json.loads(raw)
                parsed = value if isinstance(value, dict) else {}
                if not isinstance(value, dict):
                    invalid.append(i)
            except ValueError:
                invalid.append(i)
        keys |= set(parsed)
        if all(k in parsed for k in required):
            covered += abs(amount)
    return {
        "coverage": float(covered / total) if total else None,
        "key_variants": key_variants(keys),
        "invalid_rows": invalid,
    }
