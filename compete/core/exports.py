"""The one writer for every CSV and XLSX the product produces.

Every cell passes through `formatting.spreadsheet_safe`, so text that a spreadsheet would run as a
formula (starting with =, +, -, @, a tab or a carriage return) is written as text. Views build rows of
plain values and hand them here; nothing else in the code base calls `csv.writer` or openpyxl.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from flask import Response

from compete.core.formatting import spreadsheet_safe

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def guarded(row: Iterable) -> list:
    return [spreadsheet_safe(cell) for cell in row]


def csv_bytes(header: Sequence, rows: Iterable[Sequence], *, bom: bool = False) -> bytes:
    """UTF-8 CSV with CRLF line ends; `bom` adds a byte-order mark so that Excel reads æøå correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(guarded(header))
    for row in rows:
        writer.writerow(guarded(row))
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def _line_ends(values: list) -> list:
    """Line breaks as LF in cells: an XML reader turns a bare CR into LF anyway, but openpyxl writes CR as
    `&#13;` when lxml is installed, so normalise here and get the same file with or without lxml."""
    return [v.replace("\r\n", "\n").replace("\r", "\n") if isinstance(v, str) else v for v in values]


def xlsx_bytes(sheets: Iterable[tuple[str, Sequence, Iterable[Sequence]]]) -> bytes:
    """A workbook with one sheet per (title, header, rows): bold frozen header, wrapped text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    for index, (title, header, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title[:31]
        sheet.append(_line_ends(guarded(header)))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(_line_ends(guarded(row)))
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # nothing written here may become a formula
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            longest = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(10, longest + 2), 60)
            for c in column[1:]:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(data: bytes, mimetype: str, filename: str) -> Response:
    """An export as an attachment; the name is encoded (RFC 5987) so no user text can break the header."""
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


def csv_response(header: Sequence, rows: Iterable[Sequence], filename: str) -> Response:
    return download(csv_bytes(header, rows), CSV_MIMETYPE, filename)


def xlsx_response(sheets: Iterable[tuple[str, Sequence, Iterable[Sequence]]], filename: str) -> Response:
    return download(xlsx_bytes(sheets), XLSX_MIMETYPE, filename)
