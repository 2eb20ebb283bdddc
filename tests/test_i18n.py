"""The English catalogue: complete, placeholders intact, and actually used by the pages.

The .mo is build output (git-ignored; `make messages` compiles it). When it is missing or
older than the .po, this module compiles it first so the page test sees the current text.
The pages of each area are read in English by tests/<app>/test_english.py.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.english import CJK, PO, chinese_chrome, compile_catalogue, in_english

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")


def _unquote(line: str) -> str:
    body = line[line.index('"') + 1 : line.rindex('"')]
    return re.sub(r'\\(["\\nt])', lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), body)


def parse_po(path: Path) -> list[dict]:
    """Entries as {"msgid", "msgid_plural", "msgstr": [..], "flags"}; obsolete (#~) ones left out."""
    reader = _PoReader()
    for raw in path.read_text(encoding="utf-8").splitlines():
        reader.read(raw.strip())
    reader.end_entry()
    return reader.entries


class _PoReader:
    """parse_po line by line: the entries read, the one being read, and the field that a
    continuation line ("...") adds to."""

    KEYWORDS = ("msgctxt", "msgid_plural", "msgid")  # longest first: msgid_plural is a msgid

    def __init__(self):
        self.entries: list[dict] = []
        self.entry: dict | None = None
        self.key: str | tuple | None = None

    def read(self, line: str) -> None:
        if not line or line.startswith("#~"):
            return
        # a comment, a context or a msgid after a msgid starts the next entry
        if line.startswith(("#", "msgctxt", "msgid ")):
            self.end_entry()
        self.entry = self.entry or {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            self.entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif not line.startswith("#"):
            self._field(line)

    def end_entry(self) -> None:
        if self.entry is not None and "msgid" in self.entry:
            self.entries.append(self.entry)
            self.entry = None

    def _field(self, line: str) -> None:
        if line.startswith('"'):
            if isinstance(self.key, tuple):
                self.entry["msgstr"][self.key[1]] += _unquote(line)
            else:
                self.entry[self.key] += _unquote(line)
        elif line.startswith("msgstr"):
            index = int(line[7 : line.index("]")]) if line.startswith("msgstr[") else 0
            self.key = ("msgstr", index)
            self.entry["msgstr"][index] = _unquote(line)
        else:
            keyword = next((word for word in self.KEYWORDS if line.startswith(word)), None)
            if keyword:
                self.key = keyword
                self.entry[keyword] = _unquote(line)


@pytest.fixture(scope="module")
def catalogue():
    entries = parse_po(PO)
    assert entries and entries[0]["msgid"] == "", "the .po should start with its header"
    return entries[1:]


@pytest.fixture(scope="module")
def compiled():
    """Compile the .po when the .mo is missing or stale, and drop Django's cached catalogues."""
    compile_catalogue()


def test_every_entry_is_translated(catalogue):
    missing = [
        e["msgid"]
        for e in catalogue
        if not e["msgstr"] or any(not s for s in e["msgstr"].values()) or "fuzzy" in e["flags"]
    ]
    assert not missing, (
        f"{len(missing)} untranslated or fuzzy entries in {PO.relative_to(settings.BASE_DIR)}:\n"
        + "\n".join(missing)
    )


def test_placeholders_are_kept(catalogue):
    wrong = []
    for e in catalogue:
        for n, text in e["msgstr"].items():
            source = e["msgid_plural"] if n and "msgid_plural" in e else e["msgid"]
            want = sorted(set(PLACEHOLDER.findall(source)))
            if text and sorted(set(PLACEHOLDER.findall(text))) != want:
                wrong.append(f"{e['msgid']!r} -> {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_english_has_no_chinese(catalogue):
    leftovers = [
        f"{e['msgid']!r} -> {s!r}" for e in catalogue for s in e["msgstr"].values() if CJK.search(s)
    ]
    assert not leftovers, "Chinese left in English text:\n" + "\n".join(leftovers)


@pytest.mark.django_db
def test_home_page_in_english(client, organizer, compiled):
    client.force_login(organizer)
    client.cookies["django_language"] = "en"
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    assert nav, "the main navigation is missing"
    nav = nav.group(0)
    for word in (
        "Village (community)",
        "People",
        "Elections",
        "Candidate review",
        "Training",
        "API docs",
    ):
        assert word in nav, f"{word!r} not in the English navigation"
    for word in ("村(社区)", "人员", "选举", "人选审查", "培训", "接口文档"):
        assert word not in nav, f"{word!r} left in the English navigation"
    assert not CJK.search(nav), "Chinese text left in the English navigation"
    assert "Hello," in html


def test_no_page_chrome_is_left_out_of_the_catalogue():
    """Chinese in a template outside {% translate %} / {% blocktranslate %} never reaches
    English readers; the only exception is the language switch's own name (中文)."""
    tags = re.compile(
        r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}"
        r"|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}"
        r"|\{%\s*trans(?:late)?\s.*?%\}|\{#.*?#\}|_\(\"[^\"]*\"\)",
        re.S,
    )
    left = []
    for template in sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html")):
        text = tags.sub("", template.read_text(encoding="utf-8")).replace(">中文<", "><")
        left += [
            f"{template.relative_to(settings.BASE_DIR)}:{n}: {line.strip()[:100]}"
            for n, line in enumerate(text.splitlines(), 1)
            if CJK.search(line)
        ]
    assert not left, "Chinese outside translation tags:\n" + "\n".join(left)


@pytest.mark.django_db
def test_api_errors_in_english(api, organizer, compiled):
    response = api(organizer).get(
        "/api/v1/audit/history/", {"model": "nothing"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["title"] == "Bad request"
    assert body["errors"] == [
        {"field": "model", "code": "invalid", "message": "Please give a valid object type"}
    ]


def test_out_of_range_number_is_a_400_in_english(compiled):
    """The API's last line of defence against numbers the database cannot hold (SQLite's
    OverflowError, PostgreSQL's DataError) answers in the reader's language."""
    from django.db import DataError

    from core.api import exception_handler

    overflows = (
        OverflowError("Python int too large to convert to SQLite INTEGER"),
        DataError("integer out of range"),
    )
    for exc in overflows:
        with translation.override("en"):
            response = exception_handler(exc, {})
        assert response.status_code == 400
        assert response.data["detail"] == "A number in the request is out of range"
        with translation.override("zh-hans"):
            assert exception_handler(exc, {}).data["detail"] == "参数中的数值超出范围"


@pytest.mark.django_db
def test_home_page_chrome_in_english(client, official, compiled):
    html = in_english(client, official).get("/").content.decode()
    assert "Scope: " in html
    assert chinese_chrome(html) == []
