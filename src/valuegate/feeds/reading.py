"""Reading a submitted file (CSV, XLSX or Parquet) into a header and string columns, refusing what is not a
well-formed spreadsheet with a reason a data owner can act on. Values stay text here; the contract decides types.

Guards: the file's real kind is read from its first bytes, not its name; CSV must be UTF-8 (a byte-order mark
and `;` or tab separators are fine); an XLSX whose parts expand past a limit (a "zip bomb") or whose cells hold
formulas is refused before its cells are read; merged header cells are filled across their span.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

MAX_BYTES = 512 * 1024 * 1024
MAX_XLSX_EXPANDED = 400 * 1024 * 1024
MAX_XLSX_RATIO = 200  # expanded size / compressed size of any part
ZIP_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"


class UnreadableFile(ValueError):
    """The file cannot be read as a spreadsheet; the message says why and what to do."""


@dataclass
class Sheet:
    kind: str  # csv, xlsx, parquet
    header: list[str]
    columns: dict[str, list[str | None]]
    rows: int
    delimiter: str | None = None
    had_bom: bool = False


def kind_of(data: bytes, filename: str) -> str:
    if not data:
        raise UnreadableFile("The file is empty.")
    if data[:4] == PARQUET_MAGIC:
        return "parquet"
    if data[:4] == ZIP_MAGIC:
        return "xlsx"
    if b"\x00" in data[:4096]:
        raise UnreadableFile(
            f"{filename!r} is not a spreadsheet Valuegate can read (binary content); send CSV, XLSX or Parquet."
        )
    return "csv"


def read(data: bytes, filename: str) -> Sheet:
    if len(data) > MAX_BYTES:
        raise UnreadableFile(f"The file is {len(data) / 1e6:.0f} MB; the limit is {MAX_BYTES // 1_000_000} MB.")
    kind = kind_of(data, filename)
    if kind == "parquet":
        return _parquet(data)
    if kind == "xlsx":
        return _xlsx(data, filename)
    return _csv(data)


def _table_to_sheet(table: pa.Table, kind: str, **extra: object) -> Sheet:
    header = [str(n) for n in table.column_names]
    columns: dict[str, list[str | None]] = {}
    for name, column in zip(header, table.columns, strict=True):
        values = column.cast(pa.string()).to_pylist() if column.type != pa.string() else column.to_pylist()
        columns[name] = [v if v is None or v.strip() else None for v in values]
    return Sheet(kind, header, columns, table.num_rows, **extra)  # type: ignore[arg-type]


def _csv(data: bytes) -> Sheet:
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    try:
        head = body[:65536].decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < 65536 - 4:
            raise UnreadableFile(
                f"The file is not UTF-8 text (byte {exc.start} cannot be read); save it as 'CSV UTF-8'."
            ) from exc
        head = body[: exc.start].decode("utf-8")
    lines = [line for line in head.splitlines() if line.strip()]
    if not lines:
        raise UnreadableFile("The file is empty.")
    try:
        delimiter = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    header = next(csv.reader([lines[0]], delimiter=delimiter))
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        raise UnreadableFile(f"The header repeats column names: {', '.join(dupes)}.")
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()), null_values=[""], strings_can_be_null=True
            ),
        )
    except pa.ArrowInvalid as exc:
        text = str(exc)
        if "invalid UTF8" in text or "UTF8" in text:
            raise UnreadableFile("The file is not UTF-8 text; save it as 'CSV UTF-8'.") from exc
        raise UnreadableFile(f"The CSV cannot be read: {text.splitlines()[0]}") from exc
    return _table_to_sheet(table, "csv", delimiter=delimiter, had_bom=bom)


def _parquet(data: bytes) -> Sheet:
    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowInvalid, OSError) as exc:
        raise UnreadableFile(f"The Parquet file cannot be read: {exc}") from exc
    return _table_to_sheet(table, "parquet")


def _xlsx(data: bytes, filename: str) -> Sheet:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(f"{filename!r} is not a valid XLSX file (a damaged archive).") from exc
    names = {p.filename for p in parts}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
        raise UnreadableFile(f"{filename!r} is a ZIP archive, not an XLSX workbook.")
    expanded = sum(p.file_size for p in parts)
    worst = max((p.file_size / max(p.compress_size, 1) for p in parts), default=0)
    if expanded > MAX_XLSX_EXPANDED or worst > MAX_XLSX_RATIO:
        raise UnreadableFile(
            f"{filename!r} expands to {expanded / 1e6:,.0f} MB (one part {worst:,.0f} times its packed size); "
            "that is not a normal workbook, so it was not opened. Export the sheet as CSV instead."
        )
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=False, data_only=False)
    sheet = workbook.worksheets[0]
    formulas = [
        cell.coordinate
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("="))
    ]
    if formulas:
        shown = ", ".join(formulas[:5]) + (" …" if len(formulas) > 5 else "")
        raise UnreadableFile(
            f"Cells hold formulas ({shown}); paste them as values so the file carries figures, not calculations."
        )
    # Merged header cells: the value belongs to every column the merge spans.
    header_row = 1
    spans = {}
    for merged in sheet.merged_cells.ranges:
        if merged.min_row <= header_row <= merged.max_row:
            value = sheet.cell(merged.min_row, merged.min_col).value
            for col in range(merged.min_col, merged.max_col + 1):
                spans[col] = value
    width = sheet.max_column
    header = []
    for col in range(1, width + 1):
        value = spans.get(col, sheet.cell(header_row, col).value)
        header.append("" if value is None else str(value).strip())
    counts = {name: header.count(name) for name in header}
    seen: dict[str, int] = {}
    for i, name in enumerate(header):  # a merged label spanning columns names each of them, numbered
        if not name or counts[name] == 1:
            continue
        seen[name] = seen.get(name, 0) + 1
        header[i] = f"{name} {seen[name]}"
    columns: dict[str, list[str | None]] = {h: [] for h in header if h}
    rows = 0
    for row in sheet.iter_rows(min_row=header_row + 1, values_only=True):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        rows += 1
        for name, value in zip(header, row, strict=False):
            if name:
                columns[name].append(None if value is None or str(value).strip() == "" else _cell_text(value))
    return Sheet("xlsx", [h for h in header if h], columns, rows)


def _cell_text(value: object) -> str:
    from datetime import date, datetime

    if isinstance(value, datetime):
        return value.isoformat() if value.time() != datetime.min.time() else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
