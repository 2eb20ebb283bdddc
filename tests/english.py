"""Reading pages as an English user: the compiled catalogue, a client with English chosen,
and the page's own words with the data taken out (names, places and what people typed are
Chinese in the demo county, and stay so in English).

`chinese_chrome(html)` returns every piece of visible text (and every title, placeholder,
aria-label and confirmation) that still holds Chinese once the data values are removed:
for a page fully in English it is empty.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# The switch back to Chinese names the language in Chinese, as language menus do.
LANGUAGE_NAMES = ("中文",)
ATTRIBUTES = ("title", "placeholder", "aria-label", "data-confirm", "alt")


def compile_catalogue():
    """Compile the .po when the .mo is missing or stale, and drop Django's cached catalogues."""
    if MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime:
        return
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from django.utils.translation import trans_real

    with PO.open("rb") as f:
        catalog = read_po(f, locale="en")
    with MO.open("wb") as f:
        write_mo(f, catalog, use_fuzzy=True)
    trans_real._translations = {}
    trans_real._default = None


def in_english(client, user=None):
    """The client, signed in as `user`, with English chosen as the switch in the page does."""
    compile_catalogue()
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# Where the Chinese that pages show as data lives: names, places and what people typed.
DATA_FIELDS = (
    ("people.Person", ("name", "ethnicity")),
    ("registry.County", ("name",)),
    ("registry.Township", ("name",)),
    ("registry.Village", ("name", "risk_reason")),
    ("candidates.NegativeListItem", ("text",)),
    ("candidates.Decision", ("reason", "minute_number")),
    ("candidates.SignOff", ("note",)),
    ("candidates.FlagClearance", ("reason",)),
    ("elections.ElectionTransition", ("reason",)),
    ("training.TrainingSession", ("title", "location", "trainers")),
    ("training.Enrolment", ("absence_reason",)),
    ("training.MentorPoolEntry", ("strengths",)),
    ("training.Mentorship", ("goals", "outcome_note")),
    ("training.CheckIn", ("note",)),
)


def data_values(*extra) -> list[str]:
    """Every Chinese value the database holds that a page may show, longest first."""
    from django.apps import apps

    from accounts.models import User

    values = set(extra)
    values.update(str(user) for user in User.objects.all())
    for label, fields in DATA_FIELDS:
        for row in apps.get_model(label).objects.values_list(*fields):
            values.update(row)
    return sorted((v for v in values if v and CJK.search(v)), key=len, reverse=True)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.pieces, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.pieces += [value for name, value in attrs if name in ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.pieces.append(data.strip())


def chinese_chrome(html: str, *extra) -> list[str]:
    """The pieces of the page that are still Chinese once the data values are taken out."""
    parser = _Text()
    parser.feed(html)
    values = data_values(*extra, *LANGUAGE_NAMES)
    left = []
    for piece in parser.pieces:
        rest = piece
        for value in values:
            rest = rest.replace(value, "")
        if CJK.search(rest):
            left.append(piece)
    return left
