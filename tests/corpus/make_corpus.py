"""The awkward spreadsheets every upload is tested against, built in memory.

`python -m tests.corpus.make_corpus DIR` also writes them to DIR to open by hand; the tests
build them afresh (nothing binary is checked in). Each case: file name, bytes, and either the
exact message a refusal must show or None for a file that must be accepted.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

NOMINEE_HEADER = ["乡镇", "村(社区)", "届次", "职务", "姓名", "公民身份号码", "来源", "出生日期"]
VILLAGE_HEADER = ["乡镇", "村(社区)", "区划代码", "类型"]


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    content: bytes
    message: str | None  # the refusal message, or None: accepted


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


def zip_bomb() -> bytes:
    """A small .xlsx-looking zip whose one member expands to 300 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(300):
                member.write(block)
    return buffer.getvalue()


def file_cases(header: list[str], good_row: list) -> list[Case]:
    """Whole-file refusals, the same for every upload."""
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    return [
        Case(
            "wrong headers",
            "wrong.xlsx",
            xlsx([["甲", "乙", "丙"], ["1", "2", "3"]]),
            "找不到表头行",
        ),
        Case(
            "missing header",
            "missing.xlsx",
            xlsx([header[:1] + header[2:], good_row[:1] + good_row[2:]]),
            "缺少必填列：",
        ),
        Case("header only", "header-only.xlsx", xlsx([header]), "表格中没有数据行"),
        Case("empty sheet", "empty-sheet.xlsx", xlsx([]), "找不到表头行"),
        # Refused by the upload form itself (Django's FileField), before the reader.
        Case("empty file", "empty.xlsx", b"", "提交的是空文件。"),
        Case("not a spreadsheet", "photo.xlsx", png, "文件不是有效的 Excel (.xlsx) 或 CSV 文件"),
        Case(
            "old .xls",
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64,
            "不支持旧版 .xls 文件",
        ),
        Case("zip bomb", "bomb.xlsx", zip_bomb(), "文件解压后过大，疑似异常文件，已拒绝"),
        Case("oversized", "big.xlsx", xlsx([header, good_row]) + b"\0" * 4096, "文件过大"),
    ]


def nominee_cases(number_of, birth: dt.date) -> list[Case]:
    """Row-level cases for uploads that carry people: `number_of(birth, seq)` makes an ID."""
    good = number_of(birth, 1)
    row = ["吉昌镇", "东关村", 2021, "党组织书记", "张三", good, "留任", "1987-01-26"]
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    old = good[:6] + good[8:14] + good[14:17]
    second = number_of(birth, 3)

    def with_(**changes):
        values = dict(zip(NOMINEE_HEADER, row, strict=True))
        values.update(changes)
        return [values[h] for h in NOMINEE_HEADER]

    def book(*rows, **kw):
        return xlsx([NOMINEE_HEADER, *rows], **kw)

    gbk_csv = (",".join(NOMINEE_HEADER) + "\n" + ",".join(map(str, row)) + "\n").encode("gbk")
    return [
        *file_cases(NOMINEE_HEADER, row),
        Case(
            "bad check digit",
            "check.xlsx",
            book(with_(公民身份号码=bad_check)),
            "第 2 行「公民身份号码」列：身份证号码校验位错误，请核对",
        ),
        Case(
            "old 15-digit ID",
            "old-id.xlsx",
            book(with_(公民身份号码=old)),
            "第 2 行「公民身份号码」列：这是旧版 15 位身份证号码，请填写 18 位号码",
        ),
        Case(
            "duplicate rows",
            "dup.xlsx",
            book(row, row),
            "第 3 行「公民身份号码」列：与第 2 行是同一人、同一组织的提名",
        ),
        Case(
            "over-long name",
            "long.xlsx",
            book(with_(姓名="张" * 51)),
            "第 2 行「姓名」列：过长（最多 50 个字）",
        ),
        # Accepted, as a user would expect.
        Case("date with slashes", "slash.xlsx", book(with_(出生日期="1987/01/26")), None),
        Case("date in Chinese", "cn-date.xlsx", book(with_(出生日期="1987年1月26日")), None),
        Case("date as Excel serial", "serial.xlsx", book(with_(出生日期=31803)), None),
        Case(
            "date as a real date cell",
            "date-cell.xlsx",
            book(with_(出生日期=dt.datetime(1987, 1, 26))),
            None,
        ),
        Case(
            "lower-case x, spaces, full-width digits",
            "fullwidth.xlsx",
            book(
                with_(
                    公民身份号码=" "
                    + good.lower().translate(str.maketrans("0123456789", "０１２３４５６７８９"))
                    + "　",
                    姓名=" 张三 ",
                )
            ),
            None,
        ),
        Case(
            "merged title rows above the header",
            "title.xlsx",
            book(
                row,
                title_rows=[["吉县2021年村“两委”人选名单"], ["填报单位：吉昌镇"]],
                merge_title=True,
            ),
            None,
        ),
        Case("GBK-encoded CSV", "gbk.csv", gbk_csv, None),
        Case("two people", "two.xlsx", book(row, with_(公民身份号码=second, 姓名="李四")), None),
    ]


def main(target: str) -> None:
    from tests.factories import make_id_number

    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    birth = dt.date(1987, 1, 26)
    for case in nominee_cases(lambda b, s: make_id_number(b, "M"), birth):
        (folder / case.filename).write_bytes(case.content)
    print(f"wrote the corpus to {folder}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "corpus-out")
