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
    entries, cur, key = [], None, None

    def close():
        if cur is not None and "msgid" in cur:
            entries.append(cur)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if cur is not None and "msgid" in cur:
                close()
                cur = None
            cur = cur or {"flags": set(), "msgstr": {}}
            if line.startswith("#,"):
                cur["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if (line.startswith("msgctxt") or line.startswith("msgid ")) and cur and "msgid" in cur:
            close()
            cur = None
        cur = cur or {"flags": set(), "msgstr": {}}
        if line.startswith("msgctxt"):
            key = "msgctxt"
            cur[key] = _unquote(line)
        elif line.startswith("msgid_plural"):
            key = "msgid_plural"
            cur[key] = _unquote(line)
        elif line.startswith("msgid"):
            key = "msgid"
            cur[key] = _unquote(line)
        elif line.startswith("msgstr["):
            key = ("msgstr", int(line[7 : line.index("]")]))
            cur["msgstr"][key[1]] = _unquote(line)
        elif line.startswith("msgstr"):
            key = ("msgstr", 0)
            cur["msgstr"][0] = _unquote(line)
        elif line.startswith('"'):
            if isinstance(key, tuple):
                cur["msgstr"][key[1]] += _unquote(line)
            else:
                cur[key] += _unquote(line)
    close()
    return entries


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
    assert response.json() == {"model": ["Please give a valid object type"]}


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
        assert response.data == {"detail": "A number in the request is out of range"}
        with translation.override("zh-hans"):
            assert exception_handler(exc, {}).data == {"detail": "参数中的数值超出范围"}


@pytest.mark.django_db
def test_home_page_chrome_in_english(client, official, compiled):
    html = in_english(client, official).get("/").content.decode()
    assert "Scope: " in html
    assert chinese_chrome(html) == []
