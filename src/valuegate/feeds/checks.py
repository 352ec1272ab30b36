"""A submission's quality report: a read sheet checked against its feed's contract, the previous accepted
submission and recent periods. Pure: the service gives it what it needs and stores the report.

Every finding names its DAMA dimension, its severity (an error rejects the submission) and the first failing rows
(numbered as the owner sees them: the header is row 1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from valuegate.feeds import rules
from valuegate.feeds.reading import Sheet
from valuegate.feeds.rules import Column, Finding


@dataclass
class Previous:
    """What is known from earlier accepted submissions of the feed."""

    schema: list[tuple[str, str]] = field(default_factory=list)
    values: dict[str, set[str]] = field(default_factory=dict)  # per key column: values seen
    rows: list[float] = field(default_factory=list)  # recent periods, oldest first
    amounts: list[float] = field(default_factory=list)
    tag_coverage: float | None = None


@dataclass
class Expectations:
    contract: list[Column]
    key_columns: list[str] = field(default_factory=list)
    reference: Mapping[str, set[str]] = field(default_factory=dict)  # allowed keys per column (a master list)
    amount_column: str | None = None
    tag_column: str | None = None
    required_tags: list[str] = field(default_factory=list)
    manual: bool = False  # this submission arrived by manual upload
    system_channel: bool = False  # the feed is contracted as system-to-system


def _rows(indexes: Sequence[int]) -> list[int]:
    return [i + 2 for i in indexes[: rules.SAMPLE]]


def check(sheet: Sheet, expect: Expectations, previous: Previous) -> dict[str, Any]:
    findings: list[Finding] = []
    by_name = {c.name: c for c in expect.contract}
    schema = [
        (name, by_name[name].type if name in by_name else rules.infer_type(sheet.columns[name]))
        for name in sheet.header
    ]
    actual_types = {name: rules.infer_type(sheet.columns[name]) for name in sheet.header}

    if sheet.rows == 0:
        findings.append(Finding("empty", "completeness", "error", "The file has a header but no rows."))
    missing = [c.name for c in expect.contract if c.required and c.name not in sheet.columns]
    for name in missing:
        near = max(sheet.header, key=lambda h: rules.similarity(h, name), default=None)
        hint = (
            f" (is '{near}' meant to be it?)"
            if near and rules.similarity(near, name) >= rules.RENAME_SIMILARITY
            else ""
        )
        findings.append(Finding("missing_column", "completeness", "error", f"Column '{name}' is missing{hint}.", name))

    spelled_null = 0
    for name in sheet.header:
        column = by_name.get(name)
        raw = sheet.columns[name]
        values = [None if v is not None and v.strip().lower() == "null" else v for v in raw]
        spelled_null += sum(1 for a, b in zip(raw, values, strict=True) if a is not None and b is None)
        if column is None:
            continue
        empty = [i for i, v in enumerate(values) if v is None]
        if empty and not column.nullable:
            # A mandatory column must be filled; an optional one only where the provider fills it at all.
            findings.append(
                Finding(
                    "null",
                    "completeness",
                    "error" if column.required else "warning",
                    f"'{name}' is empty in {len(empty):,} rows.",
                    name,
                    _rows(empty),
                    len(empty),
                )
            )
        bad = [i for i, v in enumerate(values) if v is not None and not rules.value_fits(v, column.type)]
        if bad:
            example = values[bad[0]]
            findings.append(
                Finding(
                    "type",
                    "validity",
                    "error",
                    f"'{name}' should hold {column.type} values; {len(bad):,} rows do not (e.g. '{example}').",
                    name,
                    _rows(bad),
                    len(bad),
                )
            )
        if column.allowed:
            allowed = set(column.allowed)
            outside = [i for i, v in enumerate(values) if v is not None and v.strip() not in allowed]
            if outside:
                seen = sorted({values[i] or "" for i in outside})[:5]
                findings.append(
                    Finding(
                        "allowed",
                        "validity",
                        "error",
                        f"'{name}' allows {', '.join(column.allowed)}; found {', '.join(seen)}.",
                        name,
                        _rows(outside),
                        len(outside),
                    )
                )

    if spelled_null:
        findings.append(
            Finding(
                "null_spelled", "consistency", "warning", f"{spelled_null:,} cells say 'null' instead of being empty."
            )
        )
    # Drift is measured against the last accepted submission; the first one is held to the contract alone.
    changes = (
        rules.schema_changes(
            previous.schema,
            schema,
            previous.values or None,
            {k: {v for v in sheet.columns[k] if v is not None} for k in sheet.header} if previous.values else None,
        )
        if previous.schema
        else []
    )
    for change in changes:
        kind = change["change"]
        if kind == "renamed":
            text = f"Column '{change['from']}' seems renamed to '{change['to']}'."
        elif kind == "removed":
            text = f"Column '{change['column']}' is no longer sent."
        elif kind == "added":
            text = f"Column '{change['column']}' is new."
        elif kind == "retyped":
            text = f"Column '{change['column']}' changed from {change['from']} to {change['to']}."
        else:
            text = "The columns come in a different order."
        severity = "error" if kind in ("renamed", "removed", "retyped") else "warning"
        findings.append(
            Finding(f"schema_{kind}", "consistency", severity, text, change.get("column") or change.get("to"))
        )
    for name, kind in actual_types.items():
        declared = by_name.get(name)
        if declared is None and previous.schema and dict(previous.schema).get(name) not in (None, kind):
            findings.append(
                Finding(
                    "schema_retyped",
                    "consistency",
                    "error",
                    f"Column '{name}' changed from {dict(previous.schema)[name]} to {kind}.",
                    name,
                )
            )

    for key in expect.key_columns:
        if key not in sheet.columns:
            continue
        distinct = {v.strip() for v in sheet.columns[key] if v is not None}
        known = expect.reference.get(key) or previous.values.get(key)
        if known:
            new = sorted(distinct - known)
            if new:
                rows = [i for i, v in enumerate(sheet.columns[key]) if v is not None and v.strip() in set(new)]
                findings.append(
                    Finding(
                        "new_keys",
                        "consistency",
                        "error" if expect.reference.get(key) else "warning",
                        f"{len(new)} {key} value(s) not seen before"
                        f"{' and not in the reference list' if expect.reference.get(key) else ''}: "
                        f"{', '.join(new[:5])}{' …' if len(new) > 5 else ''}.",
                        key,
                        _rows(rows),
                        len(rows),
                    )
                )
        for group in rules.key_variants(distinct | (known or set())):
            findings.append(
                Finding(
                    "key_variant",
                    "consistency",
                    "warning",
                    f"{key} is written in several ways: {', '.join(group)}.",
                    key,
                )
            )

    amount_total: Decimal | None = None
    amounts: list[Decimal | None] = []
    if expect.amount_column and expect.amount_column in sheet.columns:
        amounts = [rules.parse_decimal(v) if v is not None else None for v in sheet.columns[expect.amount_column]]
        amount_total = sum((a for a in amounts if a is not None), Decimal(0))
    for what, value, history in (
        ("rows", float(sheet.rows), previous.rows),
        ("amount", float(amount_total) if amount_total is not None else None, previous.amounts),
    ):
        if value is None:
            continue
        out = rules.anomaly(value, history)
        if out:
            ratio = f" ({out['ratio']:.1f}× the usual)" if out["ratio"] else ""
            findings.append(
                Finding(
                    f"{what}_anomaly",
                    "accuracy",
                    "warning",
                    f"The {what} this period ({value:,.0f}) is outside the usual range "
                    f"{out['low']:,.0f}–{out['high']:,.0f}{ratio}.",
                )
            )

    tags: dict[str, Any] | None = None
    if expect.tag_column and expect.tag_column in sheet.columns and expect.required_tags:
        tags = rules.tag_coverage(
            sheet.columns[expect.tag_column], amounts or [Decimal(1)] * sheet.rows, expect.required_tags
        )
        if tags["key_variants"]:
            for group in tags["key_variants"]:
                findings.append(
                    Finding(
                        "tag_key_variant",
                        "consistency",
                        "warning",
                        f"Tag keys written in several ways: {', '.join(group)}.",
                        expect.tag_column,
                    )
                )
        if tags["invalid_rows"]:
            findings.append(
                Finding(
                    "tag_format",
                    "validity",
                    "error",
                    "Tags must be a JSON object of key-value pairs.",
                    expect.tag_column,
                    _rows(tags["invalid_rows"]),
                    len(tags["invalid_rows"]),
                )
            )
        if (
            tags["coverage"] is not None
            and previous.tag_coverage is not None
            and tags["coverage"] < previous.tag_coverage - 0.05
        ):
            findings.append(
                Finding(
                    "tag_coverage",
                    "completeness",
                    "warning",
                    f"Tag coverage fell from {previous.tag_coverage:.0%} to {tags['coverage']:.0%}.",
                    expect.tag_column,
                )
            )
    if expect.manual and expect.system_channel:
        findings.append(
            Finding(
                "manual_upload",
                "consistency",
                "warning",
                "This feed is contracted as system-to-system but arrived as a manual upload.",
            )
        )
    errors = [f for f in findings if f.severity == "error"]
    return {
        "accepted": not errors,
        "rows": sheet.rows,
        "columns": schema,
        "fingerprint": rules.fingerprint(schema),
        "amount_total": str(amount_total) if amount_total is not None else None,
        "tag_coverage": tags["coverage"] if tags else None,
        "manual": expect.manual,
        "format": {"kind": sheet.kind, "delimiter": sheet.delimiter, "byte_order_mark": sheet.had_bom},
        "findings": [f.as_dict() for f in findings],
        "by_dimension": {d: sum(1 for f in findings if f.dimension == d) for d in rules.DIMENSIONS},
    }
