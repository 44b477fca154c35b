"""The words of service: the SMS and e-mail that carry the link, and the public notice text.

The SMS names the court, the claimant, the case number and what is served, and links to the
party's own documents (a secret link; opening it is evidence of reading, 在线诉讼规则 Art. 31).
The filing packet names its documents; a later document (a re-issued summons, a judgment, a
调解书, a 裁定书) is named by its own title.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.utils import timezone

from jiefen.cases.elements import cn_date
from jiefen.service.models import Purpose, Service

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


def is_filing(service: Service) -> bool:
    return service.purpose == Purpose.FILING


def served_what(service: Service) -> str:
    """What the service delivers, as the messages name it."""
    return SERVED_DOCUMENTS if is_filing(service) else service.packet.title


def _served_on_you(service: Service) -> str:
    case = service.case
    return (
        f"{service.party.name}：{case.court.name}审理的{case.institution.name}诉您"
        f"{case.get_case_type_display()}一案，案号{case.case_number}，"
    )


def sms_text(service: Service, url: str) -> str:
    case = service.case
    if not is_filing(service):
        return f"{_served_on_you(service)}{service.packet.title}已向您送达，请点击链接查看：{url}"
    return (
        f"{service.party.name}：{case.court.name}已受理{case.institution.name}诉您"
        f"{case.get_case_type_display()}一案，案号{case.case_number}，现向您电子送达{SERVED_DOCUMENTS}。"
        f"请点击{url} 查阅。开庭时间{_hearing(service)}。"
    )


def email_subject(service: Service) -> str:
    what = "诉讼文书" if is_filing(service) else service.packet.title
    # The case number carries its own brackets: never wrapped in another pair.
    return f"{service.case.court.name}{what}送达 案号{service.case.case_number}"


def email_text(service: Service, url: str) -> str:
    case = service.case
    if not is_filing(service):
        return (
            f"{_served_on_you(service).rstrip('，')}。\n\n"
            f"现依照《中华人民共和国民事诉讼法》第九十条向您电子送达{service.packet.title}。\n\n"
            f"请通过以下链接查阅、下载（链接仅供您本人使用）：\n{url}\n\n"
            f"文书经本院电子签章，可在链接页面核对文书的 SHA-256。\n\n{case.court.name}\n"
        )
    return (
        f"{service.party.name}：\n\n"
        f"{case.institution.name}诉您{case.get_case_type_display()}一案，{case.court.name}已立案受理，"
        f"案号{case.case_number}。现依照《中华人民共和国民事诉讼法》第九十条向您电子送达下列诉讼文书："
        f"{SERVED_DOCUMENTS}。\n\n请通过以下链接查阅、下载（链接仅供您本人使用）：\n{url}\n\n"
        f"开庭时间：{_hearing(service)}。\n文书经本院电子签章，可在链接页面核对每份文书的 SHA-256。\n\n"
        f"{case.court.name}\n"
    )


def _packet(service: Service) -> str:
    title = service.packet.title
    return f"{title}等诉讼文书" if is_filing(service) else title


def post_text(service: Service) -> str:
    return f"{_packet(service)}（法院专递）"


def portal_text(service: Service) -> str:
    return f"{_packet(service)}已放入当事人文书收件箱"


_AFTER_NOTICE = {
    Purpose.JUDGMENT: "如不服本判决，可在公告期满后十五日内向本院递交上诉状，上诉于上一级人民法院。",
}


def public_notice_text(service: Service) -> str:
    case = service.case
    if not is_filing(service):
        return (
            f"{service.party.name}：本院受理原告{case.institution.name}诉你{case.get_case_type_display()}"
            f"一案，案号{case.case_number}。因你下落不明，依照《中华人民共和国民事诉讼法》第九十五条的"
            f"规定，向你公告送达{service.packet.title}。自公告发布之日起经过三十日，即视为送达。"
            + _AFTER_NOTICE.get(Purpose(service.purpose), "")
        )
    return (
        f"{service.party.name}：本院受理原告{case.institution.name}诉你{case.get_case_type_display()}一案"
        f"，案号{case.case_number}。因你下落不明，依照《中华人民共和国民事诉讼法》第九十五条的规定，"
        f"向你公告送达{SERVED_DOCUMENTS}。自公告发布之日起经过三十日，即视为送达。"
        "提出答辩状的期限和举证期限分别为公告期满后的十五日内。逾期将依法缺席判决。"
    )
