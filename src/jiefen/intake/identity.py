"""Checking resident ID numbers on the way in (GB 11643-1999), with a reason in Chinese.

The check itself is `jiefen.law.identifiers.check_resident_id` (format, province of the
division, birth date, ISO 7064 MOD 11-2 check character); this module only turns its verdict
into the message a bank sees on the error report.
"""

from __future__ import annotations

from jiefen.law.identifiers import check_resident_id as law_check


def check_resident_id(value: str) -> str | None:
    """None if `value` is a valid 18-character resident ID number, else why not (Chinese)."""
    if len(value) != 18:
        return "身份证号码应为18位"
    verdict = law_check(value)
    if verdict.valid:
        return None
    reason = verdict.reason
    if reason.startswith("must be"):
        return "身份证号码格式错误（前17位应为数字，末位为数字或X）"
    if "birth date" in reason:
        return "身份证号码中的出生日期无效"
    if "province" in reason:
        return "身份证号码前两位不是有效的省级行政区划代码"
    return "身份证号码校验码错误"
