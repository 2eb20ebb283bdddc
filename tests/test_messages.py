"""Messages say what is true, in words: no doubled word ("已已上报"), no internal code
(`winner_without_post`) in the text a user reads — in the catalogue, and in the messages
built from it with a choice's label."""

import re

from babel.messages.pofile import read_po
from django.apps import apps
from django.db import models

from tests.english import PO

# Characters never doubled in this portal's text: a pair of them is a slip ("已已上报").
NEVER_DOUBLED = "已的了在是为请须被与或及将该未不和把对由从向按"
DOUBLED_CHARACTER = re.compile(f"([{NEVER_DOUBLED}])\\1")
# A two-character word written twice ("上报上报"), an English word twice ("the the").
DOUBLED_WORD = re.compile(r"([\u4e00-\u9fff]{2})\1|\b([A-Za-z]{2,})\s+\2\b", re.IGNORECASE)
# What is not text: placeholders and template variables.
NOT_TEXT = re.compile(r"%\(\w+\)[sdif]|\{\{[^}]*\}\}|\{\w+\}|%[sd]")
CODE = re.compile(r"(?<![\w.:/-])[a-z]+_[a-z_]+(?![\w(])")
# Named on purpose: the API's vocabulary in its documentation (the values a client sends:
# filters, the finding code a confirmation is filed under) and the command to run.
API_VOCABULARY = {
    "deputy_secretary",
    "deputy_director",
    "villagers_no_woman",
    "villagers_not_approved",
    "create_api_token",
}


def _texts():
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in (*ids, *strs):
            if text:
                yield ids[0], text


def test_no_doubled_words_in_the_catalogue():
    found = []
    for msgid, text in _texts():
        words = NOT_TEXT.sub(" ", text)
        if DOUBLED_CHARACTER.search(words) or DOUBLED_WORD.search(words):
            found.append(msgid)
    assert found == []


def test_no_internal_codes_in_the_catalogue():
    found = []
    for msgid, text in _texts():
        codes = set(CODE.findall(NOT_TEXT.sub(" ", text))) - API_VOCABULARY
        if codes:
            found.append((msgid, sorted(codes)))
    assert found == []


def _choice_labels() -> set[str]:
    labels = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.Field) and field.choices:
                labels.update(str(label) for _value, label in field.flatchoices)
    return labels


def test_no_message_doubles_a_word_with_the_label_it_is_built_with():
    """A message such as 选举结果已%(state)s, filled with the label 已上报, reads 已已上报:
    no catalogue text puts a never-doubled character right before a placeholder that a
    choice label starting with the same character could fill."""
    starts = {label[0] for label in _choice_labels() if label}
    risky = re.compile(f"([{NEVER_DOUBLED}])%\\(\\w+\\)s")
    found = [
        msgid
        for msgid, text in _texts()
        for match in risky.finditer(text)
        if match.group(1) in starts
    ]
    assert found == []
