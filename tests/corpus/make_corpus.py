"""The awkward spreadsheets every upload is tested against, built in memory.

`python -m tests.corpus.make_corpus DIR` also writes them to DIR/<upload>/ to open by hand;
the tests build them afresh (nothing binary is checked in). Each upload is described once
(an `Upload`: its header, one good row, where its ID number, name and date are); `cases()`
turns that into the corpus: file name, bytes, and either the exact message a refusal must
show or None for a file that must be accepted.

Which case applies to which upload, and why some do not, is the table in test_corpus.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import random
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from stdnum.cn import ric

# Every case of issue 7's list, by name: each upload meets each one, or the test table says
# why it does not apply.
REFUSED = (
    "wrong headers",
    "missing header",
    "header only",
    "empty sheet",
    "empty file",
    "not a spreadsheet",
    "old .xls",
    "zip bomb",
    "oversized",
    "bad check digit",
    "old 15-digit ID",
    "duplicate rows",
    "over-long name",
    # Issue 18: files that killed or swamped the process reading them.
    "relocated sheet with a far cell",
    "huge shared string in 1,000 cells",
    "19.9 M declared cells",
    "lying zip sizes",
    "1,048,576 rows",
    "1,000-character shared string in 4 M cells",
    "CSV of one 20 MB line",
    "CSV of 1,048,576 rows",
)
ACCEPTED = (
    "date with slashes",
    "date with dashes",
    "date in Chinese",
    "date as Excel serial",
    "date as a real date cell",
    "lower-case x",
    "stray spaces and full-width digits",
    "merged title rows above the header",
    "GBK-encoded CSV",
    "two rows",
)
CASE_NAMES = REFUSED + ACCEPTED

# The tests lower the upload limit to this, so that "oversized" stays small.
UPLOAD_LIMIT = 1024 * 1024
# The production limit (config/settings/base.py), which the crafted files of issue 18 live within.
PRODUCTION_LIMIT = 20 * 1024 * 1024
EXCEL_EPOCH = dt.date(1899, 12, 30)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    content: bytes
    message: str | None  # the refusal message, or None: accepted
    # What the reader itself says when the file does not come through an upload form
    # (management commands); None: the same as `message`.
    reader_message: str | None = None
    upload_limit: int = UPLOAD_LIMIT  # the UPLOAD_MAX_BYTES the case is uploaded under


@dataclass(frozen=True)
class Upload:
    """What the corpus needs to know about one upload."""

    slug: str
    header: tuple[str, ...]  # a good file's header row
    required: tuple[str, ...]  # the required columns in the reader's order, as it lists them
    row: dict  # one good row, by header (the ID number, if any, is filled in by cases())
    second: dict  # what makes a second good row differ from the first
    duplicate: str  # the message for the good row repeated as row 3
    long_name: tuple[str, str] | None  # (column, message) for a name of 51 characters
    id_column: str | None = None
    date_column: str | None = None
    date: dt.date | None = None  # what the good row's date cell means
    digit_columns: tuple[str, ...] = ()  # typed in full-width digits in the "stray spaces" case
    spaced_column: str | None = None  # padded with spaces in the "stray spaces" case


def id_number(birth: dt.date, sequence: int, area: str = "141028") -> str:
    body = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def id_numbers(birth: dt.date, count: int = 2) -> list[str]:
    """`count` valid numbers of men born on `birth`; the first one ends in X (to test a
    lower-case x), the others do not."""
    numbers = [id_number(birth, sequence) for sequence in range(1, 999, 2)]
    first = next(number for number in numbers if number.endswith("X"))
    return [first, *[n for n in numbers if not n.endswith("X")][: count - 1]]


def xlsx(rows, *, title_rows=(), merge_title=False) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in title_rows:
        sheet.append(list(row))
    if merge_title and title_rows:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@functools.cache
def zip_bomb() -> bytes:
    """A small .xlsx-looking zip whose one member expands to 300 MB of zeros (built once:
    compressing it takes seconds)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(300):
                member.write(block)
    return buffer.getvalue()


def zip_parts(parts: dict[str, bytes], level: int = 6) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def workbook_parts(header) -> dict[str, bytes]:
    """The parts of a small honest workbook with the header row, by name."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([header])))
    return {name: source.read(name) for name in source.namelist()}


def with_sheet_data(sheet: bytes, rows: bytes, dimension: bytes | None = None) -> bytes:
    """The sheet with `rows` (XML) added after its own, its <dimension> replaced if given."""
    if dimension is not None:
        start = sheet.index(b"<dimension ")
        sheet = (
            sheet[:start]
            + b'<dimension ref="'
            + dimension
            + b'" />'
            + sheet[sheet.index(b">", start) + 1 :]
        )
    return sheet.replace(b"</sheetData>", rows + b"</sheetData>")


def relocated_far_cell(header) -> bytes:
    """The sheet stored as xl/data/grid.xml (the workbook's relationships say where), with a
    cell at XFD1048576: a reader asks for 512 GiB and aborts."""
    parts = workbook_parts(header)
    sheet = parts.pop("xl/worksheets/sheet1.xml")
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    parts["xl/data/grid.xml"] = with_sheet_data(sheet, far)
    for name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
        parts[name] = parts[name].replace(b"worksheets/sheet1.xml", b"data/grid.xml")
    return zip_parts(parts)


def huge_shared_string(header) -> bytes:
    """One string of 1 MiB, shared by 1,000 cells: a reader copying it per cell holds 1 GiB.
    (Pseudo-random letters, so the zip is not refused as a bomb first.)"""
    parts = workbook_parts(header)
    text = "".join(random.Random(18).choices("abcdefghijklmnop", k=1024 * 1024))
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main" count="1000" uniqueCount="1"><si><t>{text}</t></si></sst>'
    ).encode()
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="s"><v>0</v></c></row>' % (n, n) for n in range(2, 1002)
    )
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = with_sheet_data(sheet, rows, b"A1:H1001")
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.openxmlformats'
        b'.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats'
        b'-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    return zip_parts(parts)


def declared_cells(header) -> bytes:
    """2 KB declaring A1:T995000, 19.9 million cells: a reader allocates them all."""
    parts = workbook_parts(header)
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = with_sheet_data(sheet, b"", b"A1:T995000")
    return zip_parts(parts)


@functools.cache
def lying_sizes(header) -> bytes:
    """The sheet's entry declares 4 KB (and the CRC of its first 4 KB) over a deflate stream of
    200 MB: a reader trusting the declared size is fooled, one inflating the stream swells."""
    parts = workbook_parts(header)
    name = "xl/worksheets/sheet1.xml"
    sheet = parts[name]
    head = sheet[: sheet.index(b"</sheetData>")]
    declared = 4096
    padding = declared + 200 * 1024 * 1024
    real = head + b" " * (padding - len(head)) + sheet[len(head) :]
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = (
        b"".join(
            compressor.compress(real[i : i + 1024 * 1024]) for i in range(0, len(real), 1024 * 1024)
        )
        + compressor.flush()
    )
    honest = zipfile.ZipFile(io.BytesIO(zip_parts({n: d for n, d in parts.items() if n != name})))
    out = io.BytesIO()
    entries = []
    for item in [*honest.infolist(), None]:
        if item is None:
            filename, data, crc, method, size = (
                name.encode(),
                stream,
                zlib.crc32(real[:declared]),
                8,
                declared,
            )
        else:
            filename, crc, method, size = (
                item.filename.encode(),
                item.CRC,
                item.compress_type,
                item.file_size,
            )
            raw = honest.fp
            raw.seek(item.header_offset)
            local = raw.read(30)
            start = (
                item.header_offset
                + 30
                + int.from_bytes(local[26:28], "little")
                + int.from_bytes(local[28:30], "little")
            )
            raw.seek(start)
            data = raw.read(item.compress_size)
        offset = out.tell()
        out.write(
            struct.pack(
                "<4s5H3L2H",
                b"PK\x03\x04",
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(filename),
                0,
            )
        )
        out.write(filename + data)
        entries.append((filename, crc, method, len(data), size, offset))
    directory = out.tell()
    for filename, crc, method, compressed, size, offset in entries:
        out.write(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                compressed,
                size,
                len(filename),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + filename
        )
    end = out.tell()
    out.write(
        struct.pack(
            "<4s4H2LH",
            b"PK\x05\x06",
            0,
            0,
            len(entries),
            len(entries),
            end - directory,
            directory,
            0,
        )
    )
    return out.getvalue()


@functools.cache
def million_rows(header) -> bytes:
    """1,048,576 rows, every one numbered (Excel's last row): 3.3 GB and 105 s of reading."""
    parts = workbook_parts(header)
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n * 7919 % 1000003)
        for n in range(2, 1048577)
    )
    parts["xl/worksheets/sheet1.xml"] = with_sheet_data(
        parts["xl/worksheets/sheet1.xml"], rows, b"A1:A1048576"
    )
    return zip_parts(parts, level=1)


@functools.cache
def shared_string_in_every_cell(header) -> bytes:
    """One shared string of 1,000 characters referred to by 3,999,980 cells (20 columns of
    the rows below the header): within every limit of range, rows and cell length, but a
    parser copying the string per cell would hold 4 G characters."""
    parts = workbook_parts(header)
    parts["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000"'
        b' uniqueCount="1"><si><t>' + b"x" * 1000 + b"</t></si></sst>"
    )
    columns = [chr(65 + index) for index in range(20)]
    row = "".join(f'<c r="{column}%(n)d" t="s"><v>0</v></c>' for column in columns)
    template = ('<row r="%(n)d">' + row + "</row>").encode()
    rows = b"".join(template % {b"n": n} for n in range(2, 200_001))
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = with_sheet_data(sheet, rows, b"A1:T200000")
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.openxmlformats'
        b'.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    return zip_parts(parts, level=1)


def crafted_cases(upload: Upload) -> list[Case]:
    """Issue 18's files: small, within the upload limit, made to kill or swamp the reader."""
    header = tuple(upload.header)
    range_message = "表格的使用范围过大（{} 行 × {} 列），请删除数据以外的内容后再上传"
    too_long = "有单元格内容过长（上限 1000 个字），已拒绝"
    rows_message = "表格行数过多（1048576 行，上限 200000 行），请分批上传"
    line = ",".join(header).encode("utf-8")
    one_line = line + b",x" * ((PRODUCTION_LIMIT - len(line) - 1024) // 2)
    million = line + b"\n" + b"1\n" * (1048576 - 1)
    return [
        Case(
            "relocated sheet with a far cell",
            "relocated.xlsx",
            relocated_far_cell(header),
            range_message.format(1048576, 16384),
        ),
        Case(
            "huge shared string in 1,000 cells", "shared.xlsx", huge_shared_string(header), too_long
        ),
        Case(
            "19.9 M declared cells",
            "declared.xlsx",
            declared_cells(header),
            range_message.format(995000, 20),
        ),
        Case(
            "lying zip sizes",
            "lying.xlsx",
            lying_sizes(header),
            "文件解压后过大，疑似异常文件，已拒绝",
            upload_limit=PRODUCTION_LIMIT,
        ),
        Case(
            "1,048,576 rows",
            "rows.xlsx",
            million_rows(header),
            range_message.format(1048576, len(header)),
            upload_limit=PRODUCTION_LIMIT,
        ),
        Case(
            "1,000-character shared string in 4 M cells",
            "repeated.xlsx",
            shared_string_in_every_cell(header),
            "表格各单元格的文字合计过多（上限 40000000 个字），"
            "多为同一段长文字被大量单元格重复引用，已拒绝",
            upload_limit=PRODUCTION_LIMIT,
        ),
        Case(
            "CSV of one 20 MB line",
            "line.csv",
            one_line,
            "文件第 1 行过长（上限 100000 个字符），已拒绝",
            upload_limit=PRODUCTION_LIMIT,
        ),
        Case(
            "CSV of 1,048,576 rows",
            "rows.csv",
            million,
            rows_message,
            upload_limit=PRODUCTION_LIMIT,
        ),
    ]


def date_forms(day: dt.date) -> dict:
    """The ways a date reaches us: typed as text three ways, an Excel serial, a date cell."""
    return {
        "date with slashes": f"{day:%Y/%m/%d}",
        "date with dashes": f"{day:%Y-%m-%d}",
        "date in Chinese": f"{day.year}年{day.month}月{day.day}日",
        "date as Excel serial": (day - EXCEL_EPOCH).days,
        "date as a real date cell": dt.datetime.combine(day, dt.time()),
    }


def file_cases(upload: Upload) -> list[Case]:
    """Whole-file refusals, the same for every upload (only the column names differ)."""
    header, row = list(upload.header), [upload.row[h] for h in upload.header]
    dropped = upload.required[1]
    kept = [i for i, name in enumerate(header) if name != dropped]
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    good = xlsx([header, row])
    no_header = "找不到表头行；第一行应包含这些列：" + "、".join(upload.required)
    return [
        Case("wrong headers", "wrong.xlsx", xlsx([["甲", "乙", "丙"], ["1", "2", "3"]]), no_header),
        Case(
            "missing header",
            "missing.xlsx",
            xlsx([[header[i] for i in kept], [row[i] for i in kept]]),
            f"缺少必填列：{dropped}",
        ),
        Case("header only", "header-only.xlsx", xlsx([header]), "表格中没有数据行"),
        Case("empty sheet", "empty-sheet.xlsx", xlsx([]), no_header),
        # Refused by the upload form itself (Django's FileField), before the reader.
        Case("empty file", "empty.xlsx", b"", "提交的是空文件。", reader_message="文件是空的"),
        Case("not a spreadsheet", "photo.xlsx", png, "文件不是有效的 Excel (.xlsx) 或 CSV 文件"),
        Case(
            "old .xls",
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64,
            "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后上传",
        ),
        Case("zip bomb", "bomb.xlsx", zip_bomb(), "文件解压后过大，疑似异常文件，已拒绝"),
        Case(
            "oversized",
            "big.xlsx",
            good + b"\0" * (UPLOAD_LIMIT + 1 - len(good)),
            f"文件过大（上限 {UPLOAD_LIMIT // (1024 * 1024)} MB）",
        ),
    ]


def row_cases(upload: Upload, numbers: list[str] | None = None) -> list[Case]:
    """Cases about the rows: an ID number, a name, a date, how cells are typed.

    `numbers`: two valid ID numbers (the first ending in X) for uploads with an ID column;
    the test must know them when the upload matches people already registered.
    """
    values = dict(upload.row)
    if upload.id_column:
        good = numbers[0]
        values[upload.id_column] = good

    def with_(**changes):
        merged = {**values, **changes}
        return [merged[h] for h in upload.header]

    def book(*rows, **kw):
        return xlsx([list(upload.header), *rows], **kw)

    row = with_()
    cases = []
    if upload.id_column:
        bad_check = good[:17] + ("0" if good[17] != "0" else "1")
        old = good[:6] + good[8:14] + good[14:17]
        where = f"第 2 行「{upload.id_column}」列："
        cases += [
            Case(
                "bad check digit",
                "check.xlsx",
                book(with_(**{upload.id_column: bad_check})),
                where + "身份证号码校验位错误，请核对",
            ),
            Case(
                "old 15-digit ID",
                "old-id.xlsx",
                book(with_(**{upload.id_column: old})),
                where + "这是旧版 15 位身份证号码，请填写 18 位号码",
            ),
        ]
    cases.append(Case("duplicate rows", "dup.xlsx", book(row, row), upload.duplicate))
    if upload.long_name:
        column, message = upload.long_name
        cases.append(
            Case(
                "over-long name",
                "long.xlsx",
                book(with_(**{column: "张" * 51})),
                f"第 2 行「{column}」列：{message}",
            )
        )
    # Accepted, as a user would expect.
    if upload.date_column:
        for name, value in date_forms(upload.date).items():
            slug = name.removeprefix("date ").replace(" ", "-")
            cases.append(
                Case(name, f"date-{slug}.xlsx", book(with_(**{upload.date_column: value})), None)
            )
    if upload.id_column:
        cases.append(
            Case(
                "lower-case x",
                "lower-x.xlsx",
                book(with_(**{upload.id_column: good.lower()})),
                None,
            )
        )
    typed = {c: " " + str(values[c]).translate(FULL_WIDTH) + "\u3000" for c in upload.digit_columns}
    if upload.spaced_column:
        typed[upload.spaced_column] = f" {values[upload.spaced_column]}  "
    second = {**upload.second}
    if upload.id_column:
        second[upload.id_column] = numbers[1]
    gbk_csv = (
        ",".join(upload.header) + "\n" + ",".join("" if v is None else str(v) for v in row) + "\n"
    ).encode("gbk")
    cases += [
        Case("stray spaces and full-width digits", "fullwidth.xlsx", book(with_(**typed)), None),
        Case(
            "merged title rows above the header",
            "title.xlsx",
            book(
                row,
                title_rows=[["吉县2021年村“两委”换届工作表"], ["填报单位：吉昌镇"]],
                merge_title=True,
            ),
            None,
        ),
        Case("GBK-encoded CSV", "gbk.csv", gbk_csv, None),
        Case("two rows", "two.xlsx", book(row, with_(**second)), None),
    ]
    return cases


def cases(upload: Upload, numbers: list[str] | None = None) -> list[Case]:
    return [*file_cases(upload), *crafted_cases(upload), *row_cases(upload, numbers)]


BIRTH = dt.date(1987, 1, 26)
SESSION_DAY = dt.date(2021, 5, 10)  # the training session's day (TrainingSessionFactory)

NOMINEES = Upload(
    slug="nominees",
    header=("乡镇", "村(社区)", "届次", "职务", "姓名", "公民身份号码", "来源", "出生日期"),
    required=("乡镇", "村(社区)", "届次", "职务", "姓名", "公民身份号码", "来源"),
    row={
        "乡镇": "吉昌镇",
        "村(社区)": "东关村",
        "届次": 2021,
        "职务": "村委会主任",  # no 政治面貌 column: a party post would need one
        "姓名": "张三",
        "公民身份号码": None,
        "来源": "留任",
        "出生日期": "1987-01-26",
    },
    second={"姓名": "李四"},
    duplicate="第 3 行「公民身份号码」列：与第 2 行是同一人、同一组织的提名",
    long_name=("姓名", "过长（最多 50 个字）"),
    id_column="公民身份号码",
    date_column="出生日期",
    date=BIRTH,
    digit_columns=("公民身份号码", "届次"),
    spaced_column="姓名",
)

ROSTER = Upload(
    slug="roster",
    header=("乡镇", "村(社区)", "届次", "组织", "职务", "姓名", "公民身份号码", "出生日期"),
    required=("乡镇", "村(社区)", "届次", "组织", "职务", "姓名", "公民身份号码"),
    row={
        "乡镇": "吉昌镇",
        "村(社区)": "东关村",
        "届次": 2021,
        "组织": "党支部",
        "职务": "书记",
        "姓名": "张三",
        "公民身份号码": None,
        "出生日期": "1987-01-26",
    },
    second={"姓名": "李四", "职务": "委员"},
    duplicate="第 3 行「公民身份号码」列：此人在该组织本届已有职务（第 2 行的张三）",
    long_name=("姓名", "过长（最多 50 个字）"),
    id_column="公民身份号码",
    date_column="出生日期",
    date=BIRTH,
    digit_columns=("公民身份号码", "届次"),
    spaced_column="姓名",
)

SIGN_IN = Upload(
    slug="sign-in",
    header=("姓名", "公民身份号码", "签到", "签到时间", "缺席原因", "学时"),
    required=("姓名", "签到"),
    row={
        "姓名": "张三",
        "公民身份号码": None,
        "签到": "已到",
        "签到时间": "2021-05-10",
        "缺席原因": "",
        "学时": "",
    },
    second={"姓名": "李四"},
    duplicate="第 3 行「姓名」列：与第 2 行是同一人",
    long_name=("姓名", "过长（最多 50 个字）"),
    id_column="公民身份号码",
    date_column="签到时间",
    date=SESSION_DAY,
    digit_columns=("公民身份号码",),
    spaced_column="姓名",
)

VILLAGES = Upload(
    slug="villages",
    header=("乡镇", "村(社区)", "区划代码", "类型"),
    required=("乡镇", "村(社区)", "区划代码"),
    row={"乡镇": "吉昌镇", "村(社区)": "新建村", "区划代码": "141028100288", "类型": "村"},
    second={"村(社区)": "新民村", "区划代码": "141028100289"},
    duplicate="第 3 行「区划代码」列：与第 2 行的区划代码重复",
    long_name=("村(社区)", "名称过长（最多 50 个字）"),
    digit_columns=("区划代码",),
    spaced_column="村(社区)",
)

UPLOADS = (NOMINEES, ROSTER, SIGN_IN, VILLAGES)


def main(target: str) -> None:
    folder = Path(target)
    numbers = id_numbers(BIRTH)
    for upload in UPLOADS:
        where = folder / upload.slug
        where.mkdir(parents=True, exist_ok=True)
        for case in cases(upload, numbers if upload.id_column else None):
            (where / case.filename).write_bytes(case.content)
    print(f"wrote the corpus to {folder}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "corpus-out")
