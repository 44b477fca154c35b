"""Identifiers: resident ID numbers, unified social credit codes, mobile numbers.

- Resident ID number (居民身份证号码, GB 11643-1999): 6-digit administrative division,
  8-digit birth date, 3-digit sequence (odd = male), ISO 7064 MOD 11-2 check character
  (0–9 or X). ``11010519491231002X`` is valid.
- Unified social credit code (统一社会信用代码, GB 32100-2015): registration authority,
  entity type, division, organisation code (GB 11714, with its own check), check
  character.
- Mobile numbers: mainland China (+86) numbers of mobile type, checked with
  ``phonenumbers`` (the metadata follows the MIIT number plan).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import phonenumbers
from stdnum.cn import uscc as _uscc

from jiefen.law.errors import InvalidIdentifier

_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_ID_CHECK = "10X98765432"
#: Province prefixes valid in ID numbers besides the 31 mainland provinces: 71 台湾,
#: 81 香港, 82 澳门 (permits of residence 港澳台居民居住证 use 81/82/83).
_EXTRA_ID_PREFIXES = {"71", "81", "82", "83"}


@dataclass(frozen=True)
class IdCheck:
    """Result of :func:`check_resident_id`; fields are ``None`` when not readable."""

    valid: bool
    birth_date: date | None
    division: str | None
    sex: str | None
    reason: str = ""


def resident_id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if not re.fullmatch(r"\d{17}", first17):
        raise InvalidIdentifier("the first 17 characters of an ID number must be digits")
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def province_prefixes() -> set[str]:
    """The two-digit province prefixes of administrative division codes that ID numbers may carry."""
    from jiefen.law.parameters import load_parameters

    return {p.division_prefix for p in load_parameters().provinces} | _EXTRA_ID_PREFIXES


def check_resident_id(value: str, *, as_of: date | None = None) -> IdCheck:
    """Check an 18-character resident ID number: format, province of the division,
    birth date (a real date, not after ``as_of`` when given) and the check character."""
    s = value.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", s):
        return IdCheck(False, None, None, None, "must be 17 digits and a digit or X")
    division = s[:6]
    try:
        birth = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return IdCheck(False, None, division, None, f"invalid birth date {s[6:14]}")
    sex = "male" if int(s[16]) % 2 else "female"
    if division[:2] not in province_prefixes():
        return IdCheck(False, birth, division, sex, f"unknown province prefix {division[:2]}")
    if birth.year < 1900 or (as_of is not None and birth > as_of):
        return IdCheck(False, birth, division, sex, f"implausible birth date {birth}")
    if resident_id_check_char(s[:17]) != s[17]:
        return IdCheck(False, birth, division, sex, "wrong check character")
    return IdCheck(True, birth, division, sex)


def make_resident_id(division: str, birth_date: date, seq: int) -> str:
    """Build a valid ID number (for test data and generators): ``seq`` 0–999, odd = male."""
    if not re.fullmatch(r"\d{6}", division):
        raise InvalidIdentifier(f"division {division!r} must be 6 digits")
    if not 0 <= seq <= 999:
        raise InvalidIdentifier("seq must be between 0 and 999")
    first17 = f"{division}{birth_date:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17)


# --------------------------------------------------------------------------- USCC

_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code_check_char(body8: str) -> str:
    """Check character of an organisation code (组织机构代码, GB 11714-1997)."""
    if not re.fullmatch(r"[0-9A-Z]{8}", body8):
        raise InvalidIdentifier("an organisation code body is 8 digits or capital letters")
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def is_valid_uscc(value: str) -> bool:
    """Whether ``value`` is a valid unified social credit code (GB 32100-2015)."""
    return bool(_uscc.is_valid(value.strip().upper()))


def make_uscc(division: str, org_body8: str, *, authority: str = "9", kind: str = "1") -> str:
    """Build a valid USCC (for test data): authority ``9`` (市场监管) and kind ``1``
    (company) by default, the organisation code's own check, then the USCC check."""
    if not re.fullmatch(r"\d{6}", division):
        raise InvalidIdentifier(f"division {division!r} must be 6 digits")
    org = org_body8 + organisation_code_check_char(org_body8)
    first17 = f"{authority}{kind}{division}{org}"
    code = first17 + _uscc.calc_check_digit(first17)
    if not _uscc.is_valid(code):
        raise InvalidIdentifier(f"could not build a valid USCC from {first17!r}")
    return code


# --------------------------------------------------------------------------- mobile


def is_valid_mobile(value: str) -> bool:
    """Whether ``value`` is a mainland-China mobile number (``13800138000``, ``+86 138…``)."""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return False
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return False
    kind = phonenumbers.number_type(number)
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def normalise_mobile(value: str) -> str:
    """The 11-digit national form of a valid mobile number, or raise."""
    if not is_valid_mobile(value):
        raise InvalidIdentifier("not a mainland-China mobile number")
    return str(phonenumbers.parse(value, "CN").national_number)
