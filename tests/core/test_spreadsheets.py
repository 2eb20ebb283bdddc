"""core.spreadsheets: what the reader makes of workbooks laid out the way people lay them out
(the corpus in tests/corpus covers the awkward cells; these cover the sheet as a whole)."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook

from core.spreadsheets import Column, SpreadsheetError, read_bytes
from core.text import parse_date

COLUMNS = [
    Column("name", "姓名"),
    Column("year", "届次", required=False, clean=lambda value: int(str(value))),
    Column("day", "日期", required=False, clean=parse_date),
]


def book(fill) -> bytes:
    workbook = Workbook()
    fill(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_table_that_starts_further_down_and_right_keeps_the_rows_excel_shows():
    def fill(workbook):
        sheet = workbook.active
        sheet["C3"], sheet["D3"], sheet["E3"] = "姓名", "届次", "日期"
        sheet["C4"], sheet["D4"], sheet["E4"] = "张三", 2021, dt.date(1987, 1, 26)
        sheet["D6"] = 2018  # row 5 is empty; row 6 has no name

    sheet = read_bytes(book(fill), "offset.xlsx", COLUMNS)
    assert [row.number for row in sheet.rows] == [4, 6]
    assert sheet.rows[0].values == {"name": "张三", "year": 2021, "day": dt.date(1987, 1, 26)}
    assert [str(error) for error in sheet.errors] == ["第 6 行「姓名」列：不能为空"]


def test_numbers_and_dates_come_as_typed():
    def fill(workbook):
        sheet = workbook.active
        sheet.append(["姓名", "届次", "日期"])
        sheet.append([1234567, 2021.0, dt.datetime(1987, 1, 26, 0, 0)])
        sheet.append(["李四", "2021", 31803])

    rows = read_bytes(book(fill), "types.xlsx", COLUMNS).rows
    assert rows[0].values == {"name": "1234567", "year": 2021, "day": dt.date(1987, 1, 26)}
    assert rows[1].values == {"name": "李四", "year": 2021, "day": dt.date(1987, 1, 26)}


def test_the_first_worksheet_is_read_even_after_a_chart_sheet():
    def fill(workbook):
        workbook.create_chartsheet("图表", 0)
        workbook.worksheets[0].append(["姓名"])
        workbook.worksheets[0].append(["王五"])

    sheet = read_bytes(book(fill), "chart.xlsx", COLUMNS)
    assert [row.values["name"] for row in sheet.rows] == ["王五"]


def test_a_stray_cell_far_away_is_refused_before_the_sheet_is_read():
    def fill(workbook):
        sheet = workbook.active
        sheet.append(["姓名"])
        sheet.append(["张三"])
        sheet["XFD1048576"] = "x"  # would make the range 17 billion cells

    with pytest.raises(SpreadsheetError, match="使用范围过大（1048576 行 × 16384 列）"):
        read_bytes(book(fill), "far.xlsx", COLUMNS)


def test_a_far_cell_behind_a_lying_dimension_is_refused_not_a_crash():
    """A crafted workbook declares A1:A2 but places a cell at XFD1048576: reading it would
    ask for 512 GB and abort the process (a dead web worker), so the cells are measured."""
    honest = book(lambda workbook: workbook.active.append(["姓名"]))
    source, crafted = zipfile.ZipFile(io.BytesIO(honest)), io.BytesIO()
    with zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                far = (
                    b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
                )
                data = data.replace(b"</sheetData>", far + b"</sheetData>")
                assert b'<dimension ref="A1:A1" />' in data  # the declared range stays small
            archive.writestr(item, data)
    with pytest.raises(SpreadsheetError, match="使用范围过大（1048576 行 × 16384 列）"):
        read_bytes(crafted.getvalue(), "crafted.xlsx", COLUMNS)


def test_a_zip_that_is_no_workbook_is_refused_with_the_usual_message():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(SpreadsheetError, match="无法读取该 Excel 文件"):
        read_bytes(buffer.getvalue(), "zip.xlsx", COLUMNS)


def test_csv_and_xlsx_of_the_same_rows_read_the_same():
    rows = [["姓名", "届次", "日期"], ["张三", "2021", "1987-01-26"], ["李四", "", ""]]

    def fill(workbook):
        for row in rows:
            workbook.active.append(row)

    text = "\n".join(",".join(row) for row in rows).encode("gbk")
    from_csv = read_bytes(text, "same.csv", COLUMNS)
    from_xlsx = read_bytes(book(fill), "same.xlsx", COLUMNS)
    assert [r.values for r in from_csv.rows] == [r.values for r in from_xlsx.rows]
    assert [r.number for r in from_csv.rows] == [r.number for r in from_xlsx.rows] == [2, 3]
