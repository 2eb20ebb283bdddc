"""The English catalogue: complete, placeholders intact, and actually used by the pages.

The .mo is build output (git-ignored; `make messages` compiles it). When it is missing or
older than the .po, this module compiles it first so the page test sees the current text.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
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
    if not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with PO.open("rb") as f:
            catalog = read_po(f, locale="en")
        with MO.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=True)
        from django.utils.translation import trans_real

        trans_real._translations = {}
        trans_real._default = None


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
