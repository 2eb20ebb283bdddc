"""Normalising what people type: full-width characters, stray spaces, dates in many forms."""

import datetime as dt
import functools
import re
import unicodedata

from django.utils import translation
from django.utils.translation import gettext as _

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
# Excel's day zero for the 1900 date system (it counts 1900-02-29, hence the 30th).
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _nfkc(value) -> str:
    text = value if value.__class__ is str else str(value)
    # ASCII is already in NFKC form: skip the call for the common cell (importers call this
    # for every cell of 100,000-row rosters).
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def normalize_text(value) -> str:
    """Full-width to half-width (NFKC), no surrounding or doubled inner white space."""
    if value is None:
        return ""
    return " ".join(_nfkc(value).split())  # str.split(): the white space regex \s matches


def compact(value) -> str:
    """Like normalize_text, but without any white space at all (codes, ID numbers, headers)."""
    if value is None:
        return ""
    return "".join(_nfkc(value).split())


def parse_date(value) -> dt.date:
    """A date from a cell: a date, a datetime, an Excel serial number, or text in common forms.

    Raises ValueError with a message for the user when the value is not a date.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(_("不是有效的日期"))
    text = compact(value)
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                break
    raise ValueError(
        _("“%(value)s”不是有效的日期，请写作 1987-01-26") % {"value": normalize_text(value)}
    )


def join_words(words) -> str:
    """Items of a list in a sentence, with the separator of the active language (、 or ,)."""
    # Translators: the separator between the items of a list in running text.
    return _("、").join(str(word) for word in words)


def join_sentences(sentences) -> str:
    """Messages run together in one line, with the separator of the active language (；or ;)."""
    # Translators: the separator between messages shown on one line.
    return _("；").join(str(sentence) for sentence in sentences)


def choice_by_label(choices, text: str):
    """The value of the TextChoices member whose value or label is `text`, else None.

    The label is matched in Chinese and in the active language, so a spreadsheet filled in
    with the Chinese labels imports the same whichever language the uploader reads.
    """
    return _labels(choices, translation.get_language()).get(text.casefold())


@functools.cache
def _labels(choices, language) -> dict[str, str]:
    with translation.override("zh-hans"):
        chinese = {str(c.label).casefold(): c.value for c in choices}
    return {
        **{str(c.label).casefold(): c.value for c in choices},
        **chinese,
        **{c.value.casefold(): c.value for c in choices},
    }


def is_digits(text) -> bool:
    """Whether `text` is ASCII digits only. str.isdigit() also says yes to "²" and "١٢",
    which int() then refuses (a 500) or reads (an ID number another person's digest misses)."""
    return isinstance(text, str) and text.isascii() and text.isdigit()
