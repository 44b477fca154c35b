"""The words of service: the SMS and e-mail that carry the link, and the public notice text.

The SMS names the court, the claimant, the case number and what is served, and links to the
party's own documents (a secret link; opening it is evidence of reading, 在线诉讼规则 Art. 31).
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.utils import timezone

from jiefen.cases.elements import cn_date
from jiefen.service.models import Service

SERVED_DOCUMENTS = "应诉通知书、举证通知书、传票、民事起诉状副本、送达地址确认书"


def new_link() -> tuple[str, str]:
    """A fresh secret link token and its SHA-256 (only the hash is looked up)."""
    token = secrets.token_urlsafe(18)
    return token, token_sha256(token)


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_url(token: str) -> str:
    return f"{settings.JIEFEN_PUBLIC_URL.rstrip('/')}/s/{token}/"


def _hearing(service: Service) -> str:
    filing = getattr(service.case, "filing", None)
    if filing is None:
        return ""
    at = timezone.localtime(filing.hearing_at)
    return f"{cn_date(at.date())}{at:%H:%M}"


def sms_text(service: Service, url: str) -> str:
    case = service.case
    return (
        f"{service.party.name}：{case.court.name}已受理{case.institution.name}诉您"
        f"{case.get_case_type_display()}一案，案号{case.case_number}，现向您电子送达{SERVED_DOCUMENTS}。"
        f"请点击{url} 查阅。开庭时间{_hearing(service)}。"
    )


def email_subject(service: Service) -> str:
    return f"{service.case.court.name}诉讼文书送达（{service.case.case_number}）"


def email_text(service: Service, url: str) -> str:
    case = service.case
    return (
        f"{service.party.name}：\n\n"
        f"{case.institution.name}诉您{case.get_case_type_display()}一案，{case.court.name}已立案受理，"
        f"案号{case.case_number}。现依照《中华人民共和国民事诉讼法》第九十条向您电子送达下列诉讼文书："
        f"{SERVED_DOCUMENTS}。\n\n请通过以下链接查阅、下载（链接仅供您本人使用）：\n{url}\n\n"
        f"开庭时间：{_hearing(service)}。\n文书经本院电子签章，可在链接页面核对每份文书的 SHA-256。\n\n"
        f"{case.court.name}\n"
    )


def public_notice_text(service: Service) -> str:
    case = service.case
    return (
        f"{service.party.name}：本院受理原告{case.institution.name}诉你{case.get_case_type_display()}一案"
        f"，案号{case.case_number}。因你下落不明，依照《中华人民共和国民事诉讼法》第九十五条的规定，"
        f"向你公告送达{SERVED_DOCUMENTS}。自公告发布之日起经过三十日，即视为送达。"
        "提出答辩状的期限和举证期限分别为公告期满后的十五日内。逾期将依法缺席判决。"
    )
