"""Feed files as data owners send them, through reading and the quality checks: drift of every kind, awkward
formats, and files that must be refused. The FOCUS examples come from the specification (CC-BY-4.0)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from valuegate.feeds import checks, rules
from valuegate.feeds.reading import UnreadableFile, read
from valuegate.feeds.rules import Column

FOCUS = Path(__file__).resolve().parents[1] / "data" / "focus"
GL = [
    Column("Period", "date", required=True, nullable=False),
    Column("CostCenter", "string", required=True, nullable=False),
    Column("Account", "string", required=True, nullable=False),
    Column("Amount", "decimal", required=True, nullable=False),
    Column("Vendor", "string"),
]
CENTRES = {"CC-100", "CC-200", "CC-300"}


def _gl(
    rows: int = 6, *, header: str = "Period,CostCenter,Account,Amount,Vendor", extra: list[str] | None = None
) -> bytes:
    lines = [header]
    centres = sorted(CENTRES)
    for i in range(rows):
        lines.append(f"2026-05-31,{centres[i % 3]},6{i % 4}00,{1000 + i * 10}.50,Vendor {i % 2}")
    return ("\n".join(lines + (extra or [])) + "\n").encode()


def _expect(**kw: object) -> checks.Expectations:
    base: dict[str, object] = {"contract": GL, "key_columns": ["CostCenter"], "amount_column": "Amount"}
    return checks.Expectations(**{**base, **kw})  # type: ignore[arg-type]


def _previous() -> checks.Previous:
    baseline = read(_gl(), "gl.csv")
    report = checks.check(baseline, _expect(), checks.Previous())
    assert report["accepted"], report["findings"]
    return checks.Previous(
        schema=[tuple(c) for c in report["columns"]],  # type: ignore[misc]
        values={"CostCenter": set(CENTRES)},
        rows=[6, 6, 7, 6],
        amounts=[6100.0, 6080.0, 6120.0, 6110.0],
    )


def _found(report: dict, check: str) -> list[dict]:  # type: ignore[type-arg]
    return [f for f in report["findings"] if f["check"] == check]


def test_a_renamed_column_is_recognised_by_name_and_values() -> None:
    sheet = read(_gl(header="Period,Cost Centre,Account,Amount,Vendor"), "gl.csv")
    report = checks.check(sheet, _expect(), _previous())
    assert not report["accepted"]
    renamed = _found(report, "schema_renamed")
    assert renamed and "'CostCenter' seems renamed to 'Cost Centre'" in renamed[0]["message"]
    assert _found(report, "missing_column")[0]["message"].endswith("(is 'Cost Centre' meant to be it?).")


def test_a_retyped_column_lists_its_failing_rows() -> None:
    sheet = read(_gl(extra=["2026-05-31,CC-100,6100,n/a,Vendor 1"]), "gl.csv")
    report = checks.check(sheet, _expect(), _previous())
    bad = _found(report, "type")[0]
    assert bad["column"] == "Amount" and bad["rows"] == [8] and "e.g. 'n/a'" in bad["message"]
    assert bad["dimension"] == "validity" and not report["accepted"]


def test_a_new_cost_centre_and_a_key_variant() -> None:
    sheet = read(_gl(extra=["2026-05-31,CC-999,6100,10,Vendor 1", "2026-05-31,cc 100,6100,10,Vendor 1"]), "gl.csv")
    report = checks.check(sheet, _expect(), _previous())
    new = _found(report, "new_keys")[0]
    assert "CC-999" in new["message"] and new["rows"] == [8, 9] and new["severity"] == "warning"
    assert _found(report, "key_variant")[0]["message"].endswith("CC-100, cc 100.")
    strict = checks.check(sheet, _expect(reference={"CostCenter": CENTRES}), _previous())
    assert _found(strict, "new_keys")[0]["severity"] == "error" and not strict["accepted"]


def test_a_doubled_volume_is_an_anomaly() -> None:
    sheet = read(_gl(rows=12), "gl.csv")
    report = checks.check(sheet, _expect(), _previous())
    rows = _found(report, "rows_anomaly")[0]
    assert "2.0× the usual" in rows["message"] and report["accepted"], "a warning, not a rejection"
    assert _found(report, "amount_anomaly")


def test_an_xlsx_with_merged_header_cells() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Period", "CostCenter", "Amount", None, "Vendor"])
    ws.merge_cells("C1:D1")  # 'Amount' spans plan and actual
    ws.append(["2026-05-31", "CC-100", 100, 90.5, "Acme"])
    ws.append(["2026-05-31", "CC-200", 200, 210, None])
    buffer = io.BytesIO()
    wb.save(buffer)
    sheet = read(buffer.getvalue(), "gl.xlsx")
    assert sheet.header == ["Period", "CostCenter", "Amount 1", "Amount 2", "Vendor"]
    assert sheet.columns["Amount 2"] == ["90.5", "210"] and sheet.columns["Vendor"] == ["Acme", None]


def test_a_byte_order_mark_and_semicolons() -> None:
    data = "\ufeffPeriod;CostCenter;Account;Amount;Vendor\n2026-05-31;CC-100;6100;1.234,50;Müller GmbH\n".encode()
    sheet = read(data, "gl.csv")
    assert sheet.delimiter == ";" and sheet.had_bom and sheet.header[0] == "Period"
    assert sheet.columns["Vendor"] == ["Müller GmbH"]


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"", "empty.csv", "empty"),
        (b"\n\n", "blank.csv", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.csv", "not a spreadsheet"),
        ("Period,Vendor\n2026-05-31,Société Générale\n".encode("latin-1"), "latin1.csv", "not UTF-8"),
        (b"A,B,A\n1,2,3\n", "dupes.csv", "repeats column names: A"),
        (b"PK\x03\x04not really a zip", "broken.xlsx", "damaged archive"),
    ],
)
def test_files_that_cannot_be_read_are_refused_in_words(data: bytes, name: str, words: str) -> None:
    with pytest.raises(UnreadableFile, match=words):
        read(data, name)


def test_an_xlsx_that_expands_to_gigabytes_is_not_opened() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * (60 * 1024 * 1024))
    with pytest.raises(UnreadableFile, match="not a normal workbook"):
        read(buffer.getvalue(), "bomb.xlsx")


def test_formulas_in_cells_are_refused() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["CostCenter", "Amount"])
    ws.append(["CC-100", 10])
    ws.append(["CC-200", "=B2*2"])
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(UnreadableFile, match=r"formulas \(B3\)"):
        read(buffer.getvalue(), "gl.xlsx")


def test_a_header_without_rows_is_rejected_with_a_reason() -> None:
    report = checks.check(read(b"Period,CostCenter,Account,Amount\n", "gl.csv"), _expect(), checks.Previous())
    assert not report["accepted"] and _found(report, "empty")


def test_schema_changes_in_detail() -> None:
    before = [("Period", "date"), ("CostCenter", "string"), ("Amount", "decimal")]
    after = [("Amount", "string"), ("Period", "date"), ("Cost_Center", "string"), ("Region", "string")]
    changes = rules.schema_changes(before, after)
    kinds = [c["change"] for c in changes]
    assert kinds == ["renamed", "added", "retyped", "reordered"]
    assert rules.fingerprint(before) != rules.fingerprint(after) and len(rules.fingerprint(before)) == 16
    # values alone identify a rename whose name changed beyond recognition
    changes = rules.schema_changes(
        [("Kst", "string")], [("Cost object", "string")], {"Kst": {"a", "b", "c"}}, {"Cost object": {"a", "b", "c"}}
    )
    assert [(c["change"], c["from"], c["to"], c["value_overlap"]) for c in changes] == [
        ("renamed", "Kst", "Cost object", 1.0)
    ]
    assert changes[0]["similarity"] < rules.RENAME_SIMILARITY


# Real defects in the specification's own examples: an hour 30, and a mandatory service left empty on a row.
HOUR_30 = "'ChargePeriodEnd' should hold datetime values; 1 rows do not (e.g. '2023-02-01T30:00:00Z')."
NO_SERVICE = ["'ServiceCategory' is empty in 1 rows.", "'ServiceName' is empty in 1 rows."]
KNOWN_DEFECTS = {
    "commitment_discount_purchase_scenario_2.csv": [HOUR_30],
    "commitment_discount_purchase_scenario_3.csv": [HOUR_30],
    "saas_spend_agreements_b1.csv": NO_SERVICE,
    "saas_spend_agreements_b2.csv": NO_SERVICE,
}


def test_the_focus_examples_against_the_focus_contract() -> None:
    """Files with every mandatory column are accepted; scenario files that show only some columns are refused for
    exactly the mandatory columns they leave out, and for nothing else (their amounts and dates parse)."""
    contract = rules.focus_contract()
    mandatory = {c.name for c in contract if c.required}
    assert mandatory >= {"BilledCost", "EffectiveCost", "ChargeCategory", "BillingPeriodStart"}
    expect = checks.Expectations(contract=contract, amount_column="EffectiveCost")
    complete = 0
    for path in sorted(FOCUS.glob("*.csv")):
        sheet = read(path.read_bytes(), path.name)
        report = checks.check(sheet, expect, checks.Previous())
        errors = [f for f in report["findings"] if f["severity"] == "error"]
        absent = mandatory - set(sheet.header)
        assert {f["column"] for f in errors if f["check"] == "missing_column"} == absent, path.name
        other = [f["message"] for f in errors if f["check"] != "missing_column"]
        assert other == KNOWN_DEFECTS.get(path.name, []), (path.name, other)
        complete += not absent
        assert report["accepted"] == (not absent and not other)
    assert complete >= 5
    broken = (FOCUS / "simple_saas_agreements_a1.csv").read_bytes().replace(b",Purchase,", b",Purchas,", 1)
    report = checks.check(read(broken, "focus.csv"), expect, checks.Previous())
    allowed = _found(report, "allowed")[0]
    assert allowed["column"] == "ChargeCategory" and "Purchas" in allowed["message"] and allowed["rows"] == [2]


def test_focus_tags_coverage_and_key_variants() -> None:
    from decimal import Decimal

    tags = ['{"CostCenter": "CC-1", "env": "prod"}', '{"costcenter": "CC-2"}', None, "not json"]
    amounts = [Decimal(60), Decimal(30), Decimal(10), Decimal(0)]
    got = rules.tag_coverage(tags, amounts, ["CostCenter"])
    assert (
        got["coverage"] == 0.6 and got["key_variants"] == [["CostCenter", "costcenter"]] and got["invalid_rows"] == [3]
    )
