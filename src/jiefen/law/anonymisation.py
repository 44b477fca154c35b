"""Anonymisation of judgments for publication (法释〔2016〕19号, legal-rules §6).

One pipeline for structured data and free text: `anonymise(text, persons, organisations)`.

- Natural persons (`persons`: the parties who are natural persons and their agents) keep their
  surname; the given name becomes 某 (Art. 8): 张三 → 张某, 欧阳娜娜 → 欧阳某某. When two persons
  of one document share a surname they become 张某甲、张某乙 in the order given.
- Identifiers are removed wherever they appear (Art. 10): resident ID numbers (18 characters
  with X or x, 15 digits, or masked 110105********002X), mobile and landline numbers (with
  +86, spaces or dashes), e-mail addresses, other contact handles (微信号, QQ), bank card and
  account numbers, licence plates (7 characters, 8 for new-energy vehicles) and property
  certificate numbers. Each becomes "×", so that a sentence such as "公民身份号码×" still reads.
- Addresses keep the administrative divisions down to the county or district (住所地所属县、区):
  "重庆市江北区建新北路12号" → "重庆市江北区"; an address without them becomes "×".
- Organisations (`organisations`: institutions, courts, law firms, organisation parties, and
  their 住所地) are kept verbatim, even when their name starts with a surname character or
  contains a person's name; so are case numbers （2026）渝0105民初123号, amounts and dates.

Pure functions, no Django: the publication stage calls them, the `anonymise` command too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# 复姓: compound surnames (a name of 3+ characters starting with one keeps both characters).
# fmt: off
COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "令狐", "端木", "西门", "南宫", "独孤", "百里", "呼延", "澹台", "公冶", "宗政", "濮阳",
    "淳于", "单于", "太叔", "申屠", "仲孙", "轩辕", "钟离", "闾丘", "东郭", "万俟", "拓跋", "赫连",
    "左丘", "梁丘", "第五", "谷梁", "羊舌", "微生", "公羊", "司空", "司寇", "乐正", "漆雕", "巫马",
    "亓官", "段干", "鲜于", "子车", "颛孙", "壤驷", "公良", "拓拔", "南门", "呼衍", "东门", "西乡",
    "公西",
})
# fmt: on
ORDINALS = "甲乙丙丁戊己庚辛壬癸"
MARK = "×"

KIND_LABELS = {
    "name": "自然人姓名",
    "id_number": "身份证号码",
    "phone": "电话号码",
    "email": "电子邮箱",
    "contact": "其他联系方式",
    "bank_account": "银行卡号或账号",
    "plate": "车牌号码",
    "property_certificate": "不动产权证号",
    "address": "住址",
}


@dataclass(frozen=True)
class Replacement:
    """One removal: `kind`, the span [start, end) of the original text, what replaced it and
    where that replacement starts in the anonymised text (`at`)."""

    kind: str
    start: int
    end: int
    original: str
    replacement: str
    at: int

    def as_json(self) -> dict[str, object]:
        """Without the original value (it is personal data; the span locates it)."""
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "replacement": self.replacement,
            "at": self.at,
        }


@dataclass(frozen=True)
class Anonymised:
    text: str
    replacements: list[Replacement]


# ---------------------------------------------------------------------------------------------
# Patterns. Numbers never start or end inside a longer number, a code (letters and digits) or
# an amount with decimals, so 123456.78, 46,234.56 and case numbers survive.
# ---------------------------------------------------------------------------------------------
_L = r"(?<![0-9A-Za-z.])"  # left edge of a number
_R = r"(?![0-9A-Za-z]|[.,][0-9])"  # right edge of a number
_STAR = r"[*＊]"
_SEP = r"[\s\-－]"
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_CN = r"\u4e00-\u9fff"

_CASE_NUMBER = re.compile(rf"[（(]\d{{4}}[）)](?:最高法|[{_CN}]\d{{0,4}})[{_CN}]{{1,5}}\d+号")

# (kind, pattern); a pattern's group "v", if any, is the part removed (its label stays).
_IDENTIFIERS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")),
    (
        "property_certificate",
        re.compile(
            rf"[{_PROVINCES}]?[（(]\d{{4}}[）)][{_CN}]{{1,12}}?不动产(?:权|证明)第\d{{4,12}}号"
        ),
    ),
    (
        "property_certificate",
        re.compile(
            rf"(?:房权证|房地证|房产证|房屋所有权证|土地证|国用)[{_CN}\d（）()]{{0,12}}?字?第?"
            r"[0-9A-Za-z\-]{3,}号"
        ),
    ),
    (
        "property_certificate",
        re.compile(
            r"(?:登记证明号|不动产权证书?号|不动产证号|产权证号|房产证号)(?:码)?[：:\s]*"
            rf"(?P<v>[0-9A-Za-z（）()\-{_CN}]{{0,16}}?\d{{3,}}号?)"
        ),
    ),
    ("id_number", re.compile(rf"{_L}\d{{17}}[\dXx]{_R}")),
    # Masked as documents print them (110105********002X, 5001051990****1234, 15-digit).
    (
        "id_number",
        re.compile(
            rf"{_L}(?:\d{{6}}{_STAR}{{8}}|\d{{10}}{_STAR}{{4}}|\d{{6}}{_STAR}{{5}})[\dXx]{{4}}{_R}"
        ),
    ),
    (
        "id_number",
        re.compile(
            r"(?:身份证号码?|公民身份号码|身份号码|证件号码?|身份证)[：:\s]*"
            rf"(?P<v>[0-9Xx*＊]{{6,}}){_R}"
        ),
    ),
    ("phone", re.compile(rf"{_L}(?:(?:\+|＋|00)?86{_SEP}?)?1[3-9]\d(?:{_SEP}?\d{{4}}){{2}}{_R}")),
    ("phone", re.compile(rf"{_L}1[3-9]\d{_STAR}{{4}}\d{{4}}{_R}")),
    (
        "phone",
        re.compile(
            rf"(?:[（(]0\d{{2,3}}[）)]|{_L}0\d{{2,3}}[\-－\s]?)\d{{7,8}}(?:[\-－转]\d{{1,5}})?{_R}"
        ),
    ),
    (
        "phone",
        re.compile(
            r"(?:联系电话|电话号码|手机号码|手机号|手机|电话|座机|固话|Tel|TEL|tel)[：:\s]*"
            rf"(?P<v>[+＋]?\d[\d\-－\s*＊]{{5,}}\d){_R}"
        ),
    ),
    ("id_number", re.compile(rf"{_L}\d{{15}}{_R}")),
    ("bank_account", re.compile(rf"{_L}\d{{4}}(?:{_SEP}\d{{4}}){{2,5}}(?:{_SEP}\d{{1,4}})?{_R}")),
    ("bank_account", re.compile(rf"{_L}\d{{12,30}}{_R}")),
    ("bank_account", re.compile(rf"{_L}\d{{4,6}}{_STAR}{{4,}}\d{{4}}{_R}")),
    (
        "bank_account",
        re.compile(
            r"(?:账号|帐号|账户|帐户|卡号|银行卡)[：:\s为是]*"
            rf"(?P<v>\d[\d\s\-－*＊]{{4,}}\d){_R}"
        ),
    ),
    (
        "plate",
        re.compile(
            rf"[{_PROVINCES}][A-HJ-NP-Z][·•\s]?(?=[A-HJ-NP-Z]*\d)[A-HJ-NP-Z0-9]{{5,6}}(?![0-9A-Za-z])"
        ),
    ),
    (
        "contact",
        re.compile(
            r"(?:微信号|微信|QQ号|QQ|qq号|qq)[：:\s]*(?P<v>[A-Za-z][A-Za-z0-9_\-]{4,19}|\d{5,12})"
            r"(?![0-9A-Za-z_\-])"
        ),
    ),
]

# Addresses: the kept administrative prefix (province, city, county/district) and the removed
# rest (street, village, building, number), or a labelled address without a prefix.
_A = rf"[{_CN}A-Za-z0-9\-－—#＃·]"
_STREET = r"(?:路|街|巷|弄|道|村|屯|组|镇|乡|小区|花园|苑|大厦|公寓|广场|社区|里|湾|园|城|庄|院)"
_UNIT = r"(?:号院|号楼|号|栋|幢|单元|楼|层|室|户|组|社|座)"
_NUM = r"(?:\d+|[一二三四五六七八九十百零]+|[A-Za-z]+\d*)"
_TAIL = (
    rf"{_A}{{0,30}}?{_STREET}{_A}{{0,20}}?{_NUM}{_UNIT}"
    rf"(?:{_A}{{0,12}}?{_NUM}{_UNIT}|[\-－]?[A-Za-z0-9]+(?:[\-－][A-Za-z0-9]+)*)*"
)
_PREFIX = (
    rf"(?:[{_CN}]{{2,8}}?(?:省|自治区))?"
    rf"(?:[{_CN}]{{2,8}}?(?:市|自治州|地区|盟)(?:[{_CN}]{{1,8}}?(?:区|县|旗|市))?"
    rf"|[{_CN}]{{1,8}}?(?:区|县|旗))"
)
_ADDRESS = re.compile(
    rf"(?P<keep>{_PREFIX})(?P<v>{_TAIL})"
    rf"|(?:住址|地址|住所地|住所|现住|家住|居住地|居住于|户籍地|位于|住)[：:\s]*(?P<v2>{_TAIL})"
)

_PROTECT = "\ue000"  # stands in for protected characters while matching (never in real text)


def pseudonym(name: str) -> str:
    """张三 → 张某, 张三丰 → 张某某, 欧阳娜娜 → 欧阳某某, 买买提·艾力 → 买某某 (Art. 8: keep the
    surname, replace the given name with 某; at most two 某)."""
    name = name.strip()
    if not name:
        return name
    if "·" in name or "•" in name:
        return name[0] + "某某"
    surname = name[:2] if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else name[0]
    given = max(1, min(2, len(name) - len(surname)))
    return surname + "某" * given


def _surname(name: str) -> str:
    base = pseudonym(name)
    return base.rstrip("某")


def _pseudonyms(persons: Iterable[str]) -> dict[str, str]:
    """Each person's pseudonym; persons sharing a surname get 某甲, 某乙 … in the given order."""
    names = list(dict.fromkeys(p.strip() for p in persons if p and p.strip()))
    by_surname: dict[str, list[str]] = {}
    for n in names:
        by_surname.setdefault(_surname(n), []).append(n)
    result: dict[str, str] = {}
    for surname, group in by_surname.items():
        if len(group) == 1:
            result[group[0]] = pseudonym(group[0])
            continue
        for i, n in enumerate(group):
            suffix = ORDINALS[i] if i < len(ORDINALS) else str(i + 1)
            result[n] = f"{surname}某{suffix}"
    return result


def _protected(text: str, organisations: Iterable[str]) -> str:
    """The text with organisations' names and addresses and case numbers blanked out, so no
    pattern matches inside them (same length: offsets stay valid)."""
    chars = list(text)
    spans = [m.span() for m in _CASE_NUMBER.finditer(text)]
    for org in sorted({o.strip() for o in organisations if o and o.strip()}, key=len, reverse=True):
        spans += [m.span() for m in re.finditer(re.escape(org), text)]
    for start, end in spans:
        chars[start:end] = _PROTECT * (end - start)
    return "".join(chars)


def _candidates(masked: str, names: dict[str, str]) -> list[tuple[int, int, str, str]]:
    """Every span to replace: (start, end, kind, replacement)."""
    found: list[tuple[int, int, str, str]] = []
    for kind, pattern in _IDENTIFIERS:
        for m in pattern.finditer(masked):
            start, end = m.span("v") if "v" in pattern.groupindex else m.span()
            found.append((start, end, kind, MARK))
    for m in _ADDRESS.finditer(masked):
        if m.group("v") is not None:
            found.append((*m.span("v"), "address", ""))
        else:
            found.append((*m.span("v2"), "address", MARK))
    for name, alias in names.items():
        found += [(*m.span(), "name", alias) for m in re.finditer(re.escape(name), masked)]
    return found


def anonymise(
    text: str, persons: Iterable[str] = (), organisations: Iterable[str] = ()
) -> Anonymised:
    """The publishable text and what was replaced (see the module docstring for the rules)."""
    masked = _protected(text, organisations)
    candidates = _candidates(masked, _pseudonyms(persons))
    # Leftmost first; of two starting together the longer wins; an overlapped one is dropped.
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    out: list[str] = []
    replacements: list[Replacement] = []
    pos = length = 0
    for start, end, kind, replacement in candidates:
        if start < pos or start == end:
            continue
        out.append(text[pos:start])
        length += start - pos
        replacements.append(Replacement(kind, start, end, text[start:end], replacement, at=length))
        out.append(replacement)
        length += len(replacement)
        pos = end
    out.append(text[pos:])
    return Anonymised("".join(out), replacements)


def residues(
    text: str, persons: Iterable[str] = (), organisations: Iterable[str] = ()
) -> list[str]:
    """What the anonymiser would still remove from `text`, each as "第3行第12字：身份证号码"
    (a text edited by hand is checked again before release)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    found = []
    for r in anonymise(text, persons, organisations).replacements:
        row = max(i for i, s in enumerate(starts) if s <= r.start)
        found.append(f"第{row + 1}行第{r.start - starts[row] + 1}字：{KIND_LABELS[r.kind]}")
    return found
