"""A batch of ID numbers (the roster import encrypts 60,000, one Fernet token each; digests
them in one pass): tokens read back by decrypt() and rotate() like any other."""

import datetime as dt

from cryptography.fernet import Fernet

from people import idnumbers
from tests.factories import make_id_number

NUMBERS = [make_id_number(dt.date(1960, 1, 1) + dt.timedelta(days=97 * i)) for i in range(40)]


def test_batch_decrypts_in_order_with_the_current_key_and_rotates(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ID_ENCRYPTION_KEYS = [old]
    tokens = [idnumbers.encrypt(n) for n in NUMBERS]
    assert len(set(tokens)) == len(NUMBERS)  # a fresh IV each
    assert [Fernet(old).decrypt(t.encode()).decode() for t in tokens] == NUMBERS

    settings.ID_ENCRYPTION_KEYS = [new, old]  # a new key first: old tokens still read
    assert [idnumbers.decrypt(t) for t in tokens] == NUMBERS
    rotated = [idnumbers.rotate(t) for t in tokens]
    assert [Fernet(new).decrypt(t.encode()).decode() for t in rotated] == NUMBERS
    assert [
        Fernet(new).decrypt(t.encode()).decode() for t in [idnumbers.encrypt(n) for n in NUMBERS]
    ] == (NUMBERS)


def test_an_empty_batch_gives_no_digests():
    assert idnumbers.digest_many([]) == []


def test_digests_of_a_batch_are_those_of_each_number():
    typed = [NUMBERS[0], NUMBERS[1].lower(), f" {NUMBERS[2]} ", "１２３"]
    assert idnumbers.digest_many(typed) == [idnumbers.digest(n) for n in typed]
    assert idnumbers.digest_many(typed)[2] == idnumbers.digest(NUMBERS[2])
