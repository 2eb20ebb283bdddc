"""Every spreadsheet the portal hands out goes through core.exports: no cell is a formula.

A person, village or township named like a formula (`=cmd|' /C calc'!A0`, `+…`, `-…`, `@…`,
tab, carriage return) must arrive as text in every export and template, CSV or XLSX.
"""

import csv
import datetime as dt
import inspect
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from composition.services import composition_recompute
from core import policy
from core.exports import FORMULA_PREFIXES, csv_response, xlsx_response
from rounds.services import round_create
from tests.factories import PersonFactory, TermFactory
from tests.factories.elections import ElectionCandidateFactory, ElectionFactory, SeatFactory
from tests.factories.training import EnrolmentFactory, TrainingSessionFactory
from tests.security.test_matrix import walk

EVIL = [
    "=cmd|' /C calc'!A0",
    '+HYPERLINK("http://x")',
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]

# Every door that hands out a file: (route name, kwargs, query string, format).
DOORS = {
    "audit:export": ({"model": "people.person"}, "", "xlsx"),
    "audit:id-numbers-export": ({}, "", "xlsx"),
    "candidates:candidacy-template": ({}, "", "xlsx"),
    "candidates:candidate-list": ({}, "?format=xlsx", "xlsx"),
    "elections:export results.csv": ({"what": "results", "fmt": "csv"}, "", "csv"),
    "elections:export results.xlsx": ({"what": "results", "fmt": "xlsx"}, "", "xlsx"),
    "elections:export seats.csv": ({"what": "seats", "fmt": "csv"}, "", "csv"),
    "elections:export seats.xlsx": ({"what": "seats", "fmt": "xlsx"}, "", "xlsx"),
    "elections:roster-template": ({}, "", "xlsx"),
    "registry:village-template": ({}, "", "xlsx"),
    "training:attendance-template": ({"pk": "session"}, "", "xlsx"),
    "training:attendance-export": ({"pk": "session"}, "", "xlsx"),
    "composition:table": ({}, "?term=2021&scope=township&format=xlsx", "xlsx"),
    "reports:report": ({"code": "county_code", "year": 2021}, "?format=xlsx", "xlsx"),
    "rounds:board-xlsx": ({}, "?term=2021", "xlsx"),
    "rounds:problem-xlsx": ({}, "", "xlsx"),
    "rounds:visit-xlsx": ({}, "", "xlsx"),
    "rounds:talk-xlsx": ({}, "", "xlsx"),
    "rounds:liaison-xlsx": ({}, "", "xlsx"),
}
# Doors whose file comes from a writer a door above already opens, with objects of their own
# (a filed report, a stored daily report) or a reader of their own (the reviewer's queue).
SAME_WRITER_AS = {
    "reports:filed-xlsx": "reports:report",  # reports.workbook.workbook_bytes of the filed data
    "rounds:report-xlsx": "rounds:board-xlsx",  # core.exports.xlsx_response
    "candidates:review-export": "candidates:candidate-list",  # tests/candidates/test_reviewer_ids.py
}
# Doors that carry the data above (templates of the import formats carry only headers).
CARRIES_DATA = {
    "audit:export",
    "elections:export results.csv",
    "elections:export results.xlsx",
    "elections:export seats.csv",
    "elections:export seats.xlsx",
    "training:attendance-template",
    "training:attendance-export",
    "composition:table",
    "reports:report",
    "rounds:board-xlsx",
}


@pytest.fixture
def evil_world(county, township, village):
    township.name = "=镇" + township.name
    township.save()
    village.name = "@村" + village.name
    village.save()
    term = TermFactory(year=2021)
    session = TrainingSessionFactory(county=county)
    election = ElectionFactory(village=village, term=term)
    for name in EVIL:
        person = PersonFactory(village=village, name=name)
        SeatFactory(village=village, term=term, person=person)
        ElectionCandidateFactory(election=election, person=person, votes=10)
        EnrolmentFactory(session=session, person=person)
    composition_recompute(term_id=term.pk)
    round_create(
        county=county,
        term=term,
        starts_on=dt.date(2021, 1, 1),
        ends_on=dt.date(2021, 6, 30),
        actor=policy.SYSTEM,
    )
    return {"session": session, "township": township}


def door_url(name, world) -> str:
    kwargs, query, _fmt = DOORS[name]
    kwargs = {k: world[v].pk if v == "session" else v for k, v in kwargs.items()}
    if kwargs.get("code") == "county_code":
        kwargs["code"] = world["township"].county.code
    query = query.replace("scope=township", f"scope={world['township'].code}")
    return reverse(name.split(" ")[0], kwargs=kwargs or None) + query


def cells(body: bytes, fmt: str) -> list:
    """Every cell of every sheet as (value, is_formula)."""
    if fmt == "csv":
        text = body.decode("utf-8-sig")
        return [(value, False) for row in csv.reader(io.StringIO(text)) for value in row]
    workbook = load_workbook(io.BytesIO(body))
    return [
        (cell.value, cell.data_type == "f")
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]


def test_every_door_that_hands_out_a_file_is_tested():
    """A new export or template must join DOORS (and so this file's formula check)."""
    from django.urls import resolve

    doors = {name.split(" ")[0] for name in DOORS} | set(SAME_WRITER_AS)
    found = set()
    for path, name, callback in walk():
        view = getattr(callback, "view_class", None)
        source = inspect.getsource(view) if view else ""
        writes = any(f in source for f in ("xlsx_response(", "csv_response(", '_response("'))
        if name and (writes or any(k in path for k in (".xlsx", ".csv", "export", "template"))):
            found.add(name)
    assert found - doors == set()
    assert resolve("/composition/table/").view_name in doors


@pytest.mark.parametrize("door", sorted(DOORS))
def test_no_cell_of_any_export_or_template_is_a_formula(client, admin_user_, evil_world, door):
    client.force_login(admin_user_)
    response = client.get(door_url(door, evil_world))
    assert response.status_code == 200, door
    assert response.streaming, door  # a file streamed, never a body built in memory
    values = cells(response.getvalue(), DOORS[door][2])
    formulas = [value for value, is_formula in values if is_formula]
    live = [v for v, _f in values if isinstance(v, str) and v.startswith(FORMULA_PREFIXES)]
    assert formulas == [] and live == [], door
    if door in CARRIES_DATA:
        texts = {v for v, _f in values if isinstance(v, str)}
        markers = [*EVIL, "@村", "=镇"]
        assert any(v.startswith("'") and any(m in v for m in markers) for v in texts), door


def test_the_sign_in_sheet_lists_every_invitee_neutralised(client, organizer, evil_world):
    """The finding of issue 18: a name like `=cmd|…` was a live formula in A3."""
    client.force_login(organizer)
    url = reverse("training:attendance-template", args=[evil_world["session"].pk])
    sheet = load_workbook(io.BytesIO(client.get(url).getvalue())).worksheets[0]
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    # A carriage return is stored escaped (_x000D_, which Excel reads back as one).
    assert sorted(names) == sorted("'" + name.replace("\r", "_x000D_") for name in EVIL)


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_the_writers_neutralise_each_prefix_and_keep_other_values(prefix):
    rows = [[prefix + "1+1", 5, -3, None, "张三"]]
    xlsx = load_workbook(io.BytesIO(xlsx_response("x.xlsx", ["a"] * 5, rows).getvalue()))
    read_back = "'" + prefix.replace("\r", "_x000D_") + "1+1"  # CR stored escaped
    assert list(xlsx.active.values)[1] == (read_back, 5, -3, None, "张三")
    text = csv_response("x.csv", ["a"] * 5, rows).getvalue().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == ["'" + prefix + "1+1", "5", "-3", "", "张三"]
