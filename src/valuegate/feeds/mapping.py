"""Ledger rows to measures by mapping rules, without a database (reference §4.2, the allocation contract).

A rule matches rows on one or more columns (``{"CostCenter": "CC-410", "Account": "6*"}``: an exact value, or a
prefix when the value ends with ``*``) and sends a share of their amount to a measure. When several rules match a
row, the most specific match wins (more columns, then exact before prefix, then the longer prefix); rules with the
same match split the row by their shares. Whatever no rule takes stays *unallocated* and is listed by key, so the
fallout is visible. Conservation holds to the cent: allocated + unallocated = the file's total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from valuegate.feeds.rules import parse_decimal

UNALLOCATED_LISTED = 20
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rule:
    id: int
    match: tuple[tuple[str, str], ...]  # sorted (column, value) pairs
    measure_id: int
    share: Decimal
    kind: str = "one_time_cost"
    negate: bool = False


def canonical(match: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k), str(v).strip()) for k, v in match.items()))


def _matches(pattern: str, value: str) -> bool:
    return value.startswith(pattern[:-1]) if pattern.endswith("*") else value == pattern


def _specificity(match: tuple[tuple[str, str], ...]) -> tuple[int, int, int]:
    exact = sum(1 for _c, v in match if not v.endswith("*"))
    return (len(match), exact, sum(len(v) for _c, v in match))


def check_shares(rules: Sequence[Rule]) -> list[str]:
    """Rule groups (same match) whose shares add up to more than the whole row."""
    totals: dict[tuple[tuple[str, str], ...], Decimal] = defaultdict(Decimal)
    for r in rules:
        totals[r.match] += r.share
    return [", ".join(f"{c}={v}" for c, v in m) for m, total in totals.items() if total > 1]


def allocate(columns: Mapping[str, Sequence[str | None]], amount_column: str, rules: Sequence[Rule]) -> dict[str, Any]:
    """Sum the file by the columns the rules read, then send each distinct key to its rules."""
    used = sorted({c for r in rules for c, _v in r.match})
    amounts = columns.get(amount_column, [])
    n = len(amounts)
    keyed: dict[tuple[str, ...], list[Any]] = {}
    key_columns = [columns.get(c, [None] * n) for c in used]
    for i in range(n):
        raw = amounts[i]
        value = parse_decimal(raw) if raw is not None else None
        if value is None:
            continue
        key = tuple((col[i] or "").strip() for col in key_columns)
        slot = keyed.get(key)
        if slot is None:
            keyed[key] = [value, 1]
        else:
            slot[0] += value
            slot[1] += 1
    groups: dict[tuple[tuple[str, str], ...], list[Rule]] = defaultdict(list)
    for r in rules:
        groups[r.match].append(r)
    ordered = sorted(groups, key=_specificity, reverse=True)
    index = {c: i for i, c in enumerate(used)}
    target_amount: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    target_rows: dict[tuple[int, str], int] = defaultdict(int)
    target_rules: dict[tuple[int, str], set[int]] = defaultdict(set)
    by_rule: dict[int, Decimal] = defaultdict(Decimal)
    unallocated: dict[tuple[str, ...], list[Any]] = {}
    total = Decimal(0)
    rows_total = 0
    allocated = Decimal(0)
    for key, (amount, rows) in keyed.items():
        total += amount
        rows_total += rows
        match = next((m for m in ordered if all(_matches(v, key[index[c]]) for c, v in m)), None)
        taken = Decimal(0)
        for rule in groups.get(match, []) if match else []:
            part = amount * rule.share
            taken += part
            by_rule[rule.id] += part
            target = (rule.measure_id, rule.kind)
            target_amount[target] += -part if rule.negate else part
            target_rows[target] += rows
            target_rules[target].add(rule.id)
        allocated += taken
        rest = amount - taken
        if rest != 0:
            un = unallocated.setdefault(key, [Decimal(0), 0])
            un[0] += rest
            un[1] += rows
    left = total - allocated
    listed = sorted(unallocated.items(), key=lambda kv: abs(kv[1][0]), reverse=True)[:UNALLOCATED_LISTED]
    return {
        "columns": used,
        "total": str(total.quantize(CENT)),
        "rows": rows_total,
        "allocated": str(allocated.quantize(CENT)),
        "unallocated": str(left.quantize(CENT)),
        "unallocated_share": float(abs(left) / abs(total)) if total else 0.0,
        "unallocated_rows": sum(v[1] for v in unallocated.values()),
        "unallocated_keys": [
            {"key": dict(zip(used, key, strict=True)), "amount": str(v[0].quantize(CENT)), "rows": v[1]}
            for key, v in listed
        ],
        "targets": [
            {
                "measure_id": mid,
                "kind": kind,
                "amount": str(v.quantize(CENT)),
                "rows": target_rows[(mid, kind)],
                "rule_ids": sorted(target_rules[(mid, kind)]),
            }
            for (mid, kind), v in sorted(target_amount.items())
        ],
        "rules": {rid: str(v.quantize(CENT)) for rid, v in by_rule.items()},
        "unused_rules": sorted(r.id for r in rules if r.id not in by_rule),
    }
