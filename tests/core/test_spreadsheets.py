"""core.spreadsheets: what the reader makes of workbooks laid out the way people lay them out
(the corpus in tests/corpus covers the awkward cells; these cover the sheet as a whole)."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook

from core import sandbox
from core.sheet_reader import CHUNK_ROWS
from core.spreadsheets import Column, SpreadsheetError, read_bytes
from core.text import parse_date
from tests.corpus.make_corpus import (
    ROSTER,
    crafted_cases,
    with_sheet_data,
    workbook_parts,
    zip_parts,
)

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


FAR = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
LONG = b'<row r="3"><c r="A3" t="inlineStr"><is><t>' + b"x" * 1001 + b"</t></is></c></row>"
# About 2 MB of ordinary cells: what follows lies in a later chunk of the pre-scan.
FILLER = b"".join(
    b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Zhang San</t></is></c></row>' % (n, n)
    for n in range(4, 40_000)
)
RANGE_MESSAGE = "使用范围过大（1048576 行 × 16384 列）"
LONG_MESSAGE = "有单元格内容过长（上限 1000 个字），已拒绝"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (FILLER + FAR + FILLER + LONG, RANGE_MESSAGE),
        (FILLER + LONG + FILLER + FAR, LONG_MESSAGE),
        (LONG + FAR, LONG_MESSAGE),  # one chunk: the cell's length is checked first
    ],
    ids=["far cell first", "long cell first", "both in one chunk"],
)
def test_of_two_problems_the_one_found_first_in_the_file_is_reported(rows, message):
    """The pre-scan's two halves (positions, texts) run in two processes at once; each may
    refuse. The refusal reported is the one a single pass would have met first."""
    parts = workbook_parts(("姓名",))
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = with_sheet_data(sheet, rows)
    content = zip_parts(parts)
    with pytest.raises(SpreadsheetError) as refused:
        read_bytes(content, "two.xlsx", COLUMNS)
    assert message in str(refused.value)


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


def test_cells_equal_as_keys_but_not_as_cells_are_told_apart_across_chunks():
    """The child sends each column's distinct cells once, a chunk of rows at a time: True, 1
    and "1" are one dict key but three cells, in a chunk of text only or a mixed one."""
    kind = [Column("name", "姓名"), Column("kind", "类型", clean=lambda v: type(v).__name__)]
    cells = ["1"] * (CHUNK_ROWS + 3) + [True, 1, "1", 1.5, dt.date(2021, 1, 1)]

    def fill(workbook):
        workbook.active.append(["姓名", "类型"])
        for cell in cells:
            workbook.active.append(["张三", cell])

    sheet = read_bytes(book(fill), "kinds.xlsx", kind)
    assert [row.values["kind"] for row in sheet.rows[-6:]] == [
        "str",
        "bool",
        "int",
        "str",
        "float",
        "datetime",
    ]
    assert len(sheet.rows) == len(cells) and not sheet.errors


def test_ragged_csv_rows_past_the_first_chunk_keep_their_numbers_and_cells():
    """Rows shorter or longer than the header, an empty line and a row blank but for a
    column no importer reads, after the first chunk of rows the child sends."""
    lines = ["姓名,届次", *["张三,2021"] * CHUNK_ROWS, ",,备注", "", ",", "王五", "赵六,2018,x,y"]
    sheet = read_bytes("\n".join(lines).encode(), "ragged.csv", COLUMNS)
    last = CHUNK_ROWS + 1  # the row number of the last 张三
    assert [(row.number, row.values["name"], row.values["year"]) for row in sheet.rows[-3:]] == [
        (last + 1, None, None),
        (last + 4, "王五", None),
        (last + 5, "赵六", 2018),
    ]
    assert len(sheet.rows) == CHUNK_ROWS + 3
    assert [str(error) for error in sheet.errors] == [f"第 {last + 1} 行「姓名」列：不能为空"]


# -- issue 18: files made to kill or swamp the process that reads them ----------------------

CRAFTED = crafted_cases(ROSTER)


@pytest.mark.parametrize("case", CRAFTED, ids=[case.name for case in CRAFTED])
def test_crafted_files_are_refused_by_a_reader_that_stays_small(case):
    """Each is refused with its message before anything big is allocated: the child that
    parses it peaks far below 300 MB (it reports its own VmHWM)."""
    parsed = sandbox.parse(case.content, case.filename)
    assert parsed.refused is not None and not parsed.columns
    assert 0 < parsed.max_rss_kb < 300 * 1024, parsed.max_rss_kb
    with pytest.raises(SpreadsheetError) as refused:
        read_bytes(case.content, case.filename, COLUMNS)
    assert str(refused.value) == case.message


def shared_string_flood(cells: int) -> bytes:
    """Within every limit (1,000 characters, `cells` rows), but the one string is copied
    into every cell by the parser: `cells` KB."""
    parts = workbook_parts(("姓名",))
    parts["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
        + b"x" * 1000
        + b"</t></si></sst>"
    )
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="s"><v>0</v></c></row>' % (n, n) for n in range(2, cells + 2)
    )
    parts["xl/worksheets/sheet1.xml"] = with_sheet_data(parts["xl/worksheets/sheet1.xml"], rows)
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.openxmlformats'
        b'.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    return zip_parts(parts)


def test_a_parser_that_runs_out_of_memory_kills_only_its_child(monkeypatch):
    """The parser (Rust) aborts the process when an allocation fails: under a 100 MB limit
    150,000 copies of a 1,000-character string do that. The child dies; the caller gets the
    refusal and goes on serving."""
    monkeypatch.setattr(sandbox, "PARSE_MEMORY_BYTES", 100 * 1024 * 1024)
    monkeypatch.setattr(sandbox, "PARSE_TEXT_CHARS", 10**9)  # past the pre-scan
    content = shared_string_flood(150_000)
    with pytest.raises(sandbox.SandboxCrash, match="exited with -"):
        sandbox.parse(content, "flood.xlsx")
    with pytest.raises(SpreadsheetError) as refused:
        read_bytes(content, "flood.xlsx", COLUMNS)
    assert str(refused.value) == "无法读取该文件（文件可能已损坏或过大），未保存任何数据"


def test_text_the_cells_refer_to_is_counted_before_parsing():
    """Under the default limits the same flood would parse (each cell within 1,000
    characters): the pre-scan prices each reference at its string's length and refuses 45 M
    characters before the parser copies them, in a child that stays small."""
    content = shared_string_flood(45_000)
    parsed = sandbox.parse(content, "flood.xlsx")
    assert parsed.refused[0] == "referenced_text"
    assert 0 < parsed.max_rss_kb < 300 * 1024, parsed.max_rss_kb
    with pytest.raises(SpreadsheetError) as refused:
        read_bytes(content, "flood.xlsx", COLUMNS)
    assert str(refused.value) == (
        "表格各单元格的文字合计过多（上限 40000000 个字），多为同一段长文字被大量单元格重复引用，已拒绝"
    )


def test_what_comes_back_is_bounded_too(monkeypatch):
    """The text sent back is counted again, whatever the pre-scan let through."""
    monkeypatch.setattr(sandbox, "PARSE_TEXT_CHARS", 5_000)
    text = "姓名\n" + "张三李四王五赵六\n" * 1000
    with pytest.raises(SpreadsheetError) as refused:
        read_bytes(text.encode(), "long.csv", COLUMNS)
    assert str(refused.value) == "表格中的文字过多（上限 5000 个字），请分批上传"


def test_positions_written_every_way_calamine_reads_are_measured():
    """A far cell behind single quotes, spaces around "=", lower-case letters or a position
    that is not the first attribute is found as surely as one written the usual way."""
    for cell in (
        b"<c r='XFD1048576' t='inlineStr'><is><t>x</t></is></c>",
        b'<c  r = "XFD1048576" t="inlineStr"><is><t>x</t></is></c>',
        b'<c r="xfd1048576" t="inlineStr"><is><t>x</t></is></c>',
        b'<c t="inlineStr" r="XFD1048576"><is><t>x</t></is></c>',
    ):
        parts = workbook_parts(("姓名",))
        far = b'<row r="1048576">' + cell + b"</row>"
        parts["xl/worksheets/sheet1.xml"] = with_sheet_data(parts["xl/worksheets/sheet1.xml"], far)
        with pytest.raises(SpreadsheetError, match="使用范围过大（1048576 行 × 16384 列）"):
            read_bytes(zip_parts(parts), "far.xlsx", COLUMNS)


def test_a_reader_past_its_time_is_killed(monkeypatch):
    monkeypatch.setattr(sandbox, "PARSE_SECONDS", 0.01)
    with pytest.raises(SpreadsheetError, match="无法读取该文件"):
        read_bytes(book(lambda workbook: workbook.active.append(["姓名"])), "slow.xlsx", COLUMNS)


def test_a_refusal_after_rows_wins_over_a_header_the_first_rows_lack():
    """Rows are cleaned as they arrive, but a file the child refuses further down (here: too
    many rows, found while reading) gets that refusal, not "no header" from its first rows."""
    text = "甲,乙\n" * 200_001
    with pytest.raises(SpreadsheetError) as refused:
        read_bytes(text.encode(), "no-header.csv", COLUMNS)
    assert str(refused.value) == "表格行数过多（200001 行，上限 200000 行），请分批上传"


def test_only_the_first_200_errors_are_kept():
    text = "姓名,届次\n" + "张三,x\n" * 1000
    sheet = read_bytes(text.encode(), "errors.csv", COLUMNS)
    assert len(sheet.errors) == 201
    assert str(sheet.errors[-1]) == "…还有 800 处错误"


def test_a_workbook_zipped_with_zip64_records_is_read():
    """Zip64 local headers say version 45; only bit 0 of the flags means encrypted."""

    def fill(workbook):
        workbook.active.append(["姓名", "年龄"])
        workbook.active.append(["张三", 40])

    plain = zipfile.ZipFile(io.BytesIO(book(fill)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rezipped:
        for info in plain.infolist():
            with rezipped.open(info.filename, "w", force_zip64=True) as member:
                member.write(plain.read(info))
    sheet = read_bytes(
        out.getvalue(), "zip64.xlsx", [Column("name", "姓名"), Column("age", "年龄")]
    )
    assert [row.values["name"] for row in sheet.rows] == ["张三"]


def test_the_error_heading_counts_every_problem_not_the_lines_kept():
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    text = "姓名,届次\n" + "张三,x\n" * 1000
    sheet = read_bytes(text.encode(), "errors.csv", COLUMNS)
    html = render_to_string(
        "includes/import_errors.html", {"result": SimpleNamespace(errors=sheet.errors)}
    )
    assert "发现 1000 个问题，未保存任何数据" in html
