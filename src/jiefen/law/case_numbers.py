"""Case numbers (案号) — SPC 法〔2015〕137号, amended 法〔2018〕335号.

Format: ``（收案年度）`` + court code + type code + sequence + ``号``, e.g.
``（2024）渝0105民初1234号``. Numbering restarts each year per court and per type code.
Court codes: ``最高法``; a high court is the province abbreviation (note 内 and 黔);
an intermediate court adds 2 digits; a basic court adds digits 3–6 of its
administrative division code (江北区 500105 → 渝0105). Documents use full-width
brackets; parsing also accepts ASCII brackets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jiefen.law.errors import InvalidCaseNumber
from jiefen.law.parameters import Parameters, load_parameters

#: Type codes (类型代字) used by this platform, with their meaning.
TYPE_CODES: dict[str, str] = {
    "民初": "民事一审",
    "民终": "民事二审",
    "民特": "民事特别程序（含司法确认）",
    "民督": "申请支付令（督促程序）",
    "财保": "诉前财产保全",
    "民诉前调": "诉前调解",
    "执": "首次执行",
    "执恢": "恢复执行",
    "执保": "财产保全执行",
    "执异": "执行异议",
}
SUPREME_COURT_CODE = "最高法"

_TYPE_ALTERNATION = "|".join(sorted(map(re.escape, TYPE_CODES), key=len, reverse=True))
_PATTERN = re.compile(
    rf"^[（(](?P<year>\d{{4}})[）)](?P<court>最高法|[^\d（）()]\d{{0,4}})(?P<type>{_TYPE_ALTERNATION})"
    rf"(?P<seq>\d+)号$"
)


def validate_court_code(code: str, *, params: Parameters | None = None) -> str:
    """Return ``code`` if it is a valid court code, else raise :class:`InvalidCaseNumber`."""
    if code == SUPREME_COURT_CODE:
        return code
    p = params if params is not None else load_parameters()
    m = re.fullmatch(r"(?P<abbr>\D)(?P<digits>\d*)", code)
    if not m:
        raise InvalidCaseNumber(f"court code {code!r} is not an abbreviation plus digits")
    abbr, digits = m["abbr"], m["digits"]
    if p.province_by_abbreviation(abbr) is None:
        hint = {"蒙": "内", "贵": "黔"}.get(abbr)
        extra = f" (use {hint})" if hint else ""
        raise InvalidCaseNumber(
            f"unknown province abbreviation {abbr!r} in court code {code!r}{extra}"
        )
    if len(digits) not in (0, 2, 4):
        raise InvalidCaseNumber(
            f"court code {code!r}: expected 0, 2 or 4 digits after the abbreviation"
        )
    return code


@dataclass(frozen=True)
class CaseNumber:
    """A case number; ``str()`` gives the full-width form used in documents."""

    year: int
    court_code: str
    type_code: str
    seq: int

    def __post_init__(self) -> None:
        if not 1949 <= self.year <= 9999:
            raise InvalidCaseNumber(f"year {self.year} out of range")
        if self.type_code not in TYPE_CODES:
            raise InvalidCaseNumber(
                f"unknown type code {self.type_code!r}; known: {', '.join(TYPE_CODES)}"
            )
        if self.seq < 1:
            raise InvalidCaseNumber("sequence numbers start at 1")
        validate_court_code(self.court_code)

    def __str__(self) -> str:
        return f"（{self.year}）{self.court_code}{self.type_code}{self.seq}号"


def parse_case_number(text: str) -> CaseNumber:
    """Parse ``（2024）渝0105民初1234号`` (ASCII brackets and surrounding spaces accepted)."""
    cleaned = re.sub(r"\s+", "", text)
    m = _PATTERN.match(cleaned)
    if not m:
        raise InvalidCaseNumber(f"not a case number: {text!r}")
    return CaseNumber(int(m["year"]), m["court"], m["type"], int(m["seq"]))


def court_code_for_division(division_code: str, *, params: Parameters | None = None) -> str:
    """Basic-court code from a 6-digit administrative division code: 500105 → 渝0105.

    A 4-digit or 2-digit prefix ending in zeros (e.g. 500000) gives the high-court code;
    courts without their own division (internet courts) use spare numbers from
    ``courts.yaml`` and cannot be derived.
    """
    code = division_code.strip()
    if not re.fullmatch(r"\d{6}", code):
        raise InvalidCaseNumber(f"division code {division_code!r} must be 6 digits")
    p = params if params is not None else load_parameters()
    province = p.province_by_prefix(code[:2])
    if province is None:
        raise InvalidCaseNumber(
            f"division code {division_code!r}: unknown province prefix {code[:2]}"
        )
    if code[2:] == "0000":
        return province.abbreviation
    if code[4:] == "00":
        raise InvalidCaseNumber(
            f"division code {division_code!r} is a prefecture; intermediate-court codes "
            "(e.g. 渝01) are assigned by number, not derived from the division"
        )
    return f"{province.abbreviation}{code[2:6]}"
