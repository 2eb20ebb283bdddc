"""Resident ID numbers (公民身份号码, GB 11643-1999): checking, masking, encryption, search.

A number is refused when its length, characters, check digit or birth date is wrong; an area
code that stdnum does not know for the birth year is only a warning (late registrations,
codes renamed since, e.g. Ji County 142630 -> 141028).
"""

import datetime as dt
import functools
import hashlib
import hmac
from collections.abc import Iterable
from typing import NamedTuple

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from core.text import compact, is_digits

from .choices import Gender


class IdNumberError(ValueError):
    """The number cannot be a valid ID number; the message is for the user."""


class IdNumber(NamedTuple):
    """A checked number (a named tuple: made once per person of a 100,000-row roster, at a
    tenth of a frozen dataclass's cost)."""

    number: str
    birth_date: dt.date
    gender: str
    warnings: tuple[str, ...] = ()


def parse_id_number(value, *, today: dt.date | None = None) -> IdNumber:
    if type(value) is str and value.isascii() and value.isalnum():
        number = value.upper()  # nothing for compact() to do: the common case, kept fast
    else:
        number = compact(value).upper()
    if not number:
        raise IdNumberError(_("身份证号码不能为空"))
    if len(number) == 15 and is_digits(number):
        raise IdNumberError(_("这是旧版 15 位身份证号码，请填写 18 位号码"))
    if len(number) != 18:
        raise IdNumberError(_("身份证号码应为 18 位，现为 %(n)s 位") % {"n": len(number)})
    if not (number.isascii() and number[:17].isdigit() and number[17] in "0123456789X"):
        raise IdNumberError(_("身份证号码只能包含数字，最后一位可以是 X"))
    if ric.calc_check_digit(number) != number[17]:
        raise IdNumberError(_("身份证号码校验位错误，请核对"))
    try:
        birth_date = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError(_("身份证号码中的出生日期无效")) from None
    today = today or dt.date.today()
    if birth_date > today or birth_date.year < 1900:
        raise IdNumberError(_("身份证号码中的出生日期无效"))
    warnings = ()
    if not area_known(number[:6], birth_date.year):
        warnings = (
            _("地区代码 %(code)s 在出生年份未登记，请核对（迟报户口等情况可保留）")
            % {"code": number[:6]},
        )
    gender = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
    return IdNumber(number, birth_date, gender, warnings)


@functools.lru_cache(maxsize=65536)
def area_known(area: str, year: int) -> bool:
    """Whether stdnum knows the area code for that birth year.

    stdnum's lookup searches its whole area-code database on every call (~0.1 ms); the
    answer depends only on the six digits and the year, so a roster of 100,000 rows asks
    it a few hundred times instead of once per number.
    """
    try:
        ric.get_birth_place(f"{area}{year:04d}0101" + "0000")
    except StdnumError:
        return False
    return True


def mask(number: str) -> str:
    """**************123X: only the last four stay visible. The area code is no secret in a
    county, and with it the birth date beside the last four is the whole number, so the
    mask keeps nothing else (people/privacy.py decides who sees what)."""
    if not number:
        return ""
    return "*" * (len(number) - 4) + number[-4:]


@functools.lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.ID_ENCRYPTION_KEYS))


@functools.lru_cache(maxsize=4)
def _current_fernet(key: str) -> Fernet:
    return Fernet(key)


def encrypt(number: str) -> str:
    """Encrypt with the current (first) key, as MultiFernet.encrypt does."""
    return _current_fernet(settings.ID_ENCRYPTION_KEYS[0]).encrypt(number.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("ID number cannot be decrypted with the configured keys") from None


def rotate(token: str) -> str:
    """Re-encrypt with the first (current) key."""
    return cipher().rotate(token.encode()).decode()


@functools.lru_cache(maxsize=4)
def _keyed_hash(key: str):
    return hmac.new(key.encode(), digestmod=hashlib.sha256)


def digest(number: str) -> str:
    """Keyed hash for exact search and uniqueness without decrypting."""
    return digest_many([number])[0]


def digest_many(numbers: Iterable[str]) -> list[str]:
    """digest() of each number, the key looked up once (an import digests 60,000)."""
    prepared = _keyed_hash(settings.ID_HASH_KEY)
    out = []
    for number in numbers:
        if not (number.isascii() and number.isalnum()):
            number = compact(number)
        keyed = prepared.copy()
        keyed.update(number.upper().encode())
        out.append(keyed.hexdigest())
    return out


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Full years (周岁) on `on`; a birthday on that day counts as reached."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
