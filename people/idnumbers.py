"""Resident ID numbers (公民身份号码, GB 11643-1999): checking, masking, encryption, search.

A number is refused when its length, characters, check digit or birth date is wrong; an area
code that stdnum does not know for the birth year is only a warning (late registrations,
codes renamed since, e.g. Ji County 142630 -> 141028).
"""

import datetime as dt
import functools
import hashlib
import hmac
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from core.text import compact

from .choices import Gender


class IdNumberError(ValueError):
    """The number cannot be a valid ID number; the message is for the user."""


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: dt.date
    gender: str
    warnings: tuple[str, ...] = field(default=())


def parse_id_number(value, *, today: dt.date | None = None) -> IdNumber:
    number = compact(value).upper()
    if not number:
        raise IdNumberError("身份证号码不能为空")
    if len(number) == 15 and number.isdigit():
        raise IdNumberError("这是旧版 15 位身份证号码，请填写 18 位号码")
    if len(number) != 18:
        raise IdNumberError(f"身份证号码应为 18 位，现为 {len(number)} 位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdNumberError("身份证号码只能包含数字，最后一位可以是 X")
    if ric.calc_check_digit(number) != number[17]:
        raise IdNumberError("身份证号码校验位错误，请核对")
    try:
        birth_date = ric.get_birth_date(number)
    except StdnumError:
        raise IdNumberError("身份证号码中的出生日期无效") from None
    today = today or dt.date.today()
    if birth_date > today or birth_date.year < 1900:
        raise IdNumberError("身份证号码中的出生日期无效")
    warnings = []
    try:
        ric.get_birth_place(number)
    except StdnumError:
        warnings.append(f"地区代码 {number[:6]} 在出生年份未登记，请核对（迟报户口等情况可保留）")
    gender = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
    return IdNumber(number, birth_date, gender, tuple(warnings))


def mask(number: str) -> str:
    """141028********123X: the area code and the last four stay visible."""
    if not number:
        return ""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


@functools.lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.ID_ENCRYPTION_KEYS))


def encrypt(number: str) -> str:
    return cipher().encrypt(number.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("ID number cannot be decrypted with the configured keys") from None


def rotate(token: str) -> str:
    """Re-encrypt with the first (current) key."""
    return cipher().rotate(token.encode()).decode()


def digest(number: str) -> str:
    """Keyed hash for exact search and uniqueness without decrypting."""
    key = settings.ID_HASH_KEY.encode()
    return hmac.new(key, compact(number).upper().encode(), hashlib.sha256).hexdigest()


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Full years (周岁) on `on`; a birthday on that day counts as reached."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
