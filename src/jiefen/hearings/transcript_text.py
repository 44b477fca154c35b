"""The text of a hearing transcript (庭审笔录), written from the record and its statements.

Only what the record holds is written: attendance, the court's announcements (法庭纪律,
诉讼权利义务, 回避 — said at every hearing, 民诉法 Arts. 47, 140), each element with the claim,
the answer and the finding, the statements in the order they were made. Where nothing was
recorded (no last statement, no word on mediation) the transcript says "（未记录）" for the
clerk to complete; it never puts words in anyone's mouth.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from jiefen.cases.elements import SECTION_TITLES
from jiefen.hearings.models import Finding, Hearing, Statement, StatementKind

NOT_RECORDED = "（未记录）"
_CN_ORDINALS = "一二三四五六七八九十"


def _when(value: datetime) -> str:
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日{local:%H:%M}"


def _times(hearing: Hearing, statements: list[Statement]) -> str:
    start = hearing.held_at or hearing.starts_at
    # Statements typed later (the clerk completing the record) do not prolong the hearing.
    ends = [s.at for s in statements if start < s.at < start + timedelta(hours=4)]
    end = max(ends) if ends else start + timedelta(minutes=hearing.session.minutes_per_case)
    return f"{_when(start)}至{timezone.localtime(end):%H:%M}"


def _place(hearing: Hearing) -> str:
    session = hearing.session
    if session.online:
        link = f"（在线庭审，链接：{session.join_url}）" if session.join_url else "（在线庭审）"
        return f"{session.courtroom.name}{link}"
    return session.courtroom.name


def _attendance(hearing: Hearing, statements: list[Statement]) -> list[str]:
    lines = [s.text for s in statements if s.kind == StatementKind.ATTENDANCE]
    if lines:
        return lines
    case = hearing.case
    absent = set(hearing.absent_party_ids or [])
    lines = [f"原告{case.institution.name}的委托诉讼代理人到庭。"]
    for cp in case.case_parties.select_related("party"):
        who = f"{cp.get_role_display()}{cp.party.name}"
        lines.append(
            f"{who}经本院传票传唤，无正当理由未到庭。" if cp.party_id in absent else f"{who}到庭。"
        )
    return lines


def _announcements(hearing: Hearing) -> list[str]:
    lines = [
        "书记员：请肃静。现在宣布法庭纪律：……（法庭纪律略）。",
        f"审判员：现在开庭。本院依法适用{hearing.case.get_procedure_display() or '简易程序'}，"
        "采用要素式审理方式审理本案。",
        "审判员：告知当事人诉讼权利义务（已随传票书面告知）。当事人是否申请回避？",
    ]
    if hearing.default:
        lines.append("审判员：被告经本院传票传唤，无正当理由未到庭，本院依法缺席审理。")
    return lines


def _elements(findings: list[Finding]) -> list[str]:
    lines: list[str] = []
    for n, (section, title) in enumerate(SECTION_TITLES.items()):
        rows = [f for f in findings if f.section == section]
        if not rows:
            continue
        lines.append(f"{_CN_ORDINALS[n]}、{title}")
        for i, f in enumerate(rows, start=1):
            lines.append(f"{i}. {f.label}")
            lines.append(f"　　原告主张：{f.claim_text}")
            lines.append(f"　　被告意见：{f.answer_text}")
            if f.confirmed:
                found = f.text + (f"理由：{f.reasoning}" if f.reasoning else "")
                lines.append(f"　　法庭认定：{found}")
            else:
                lines.append(
                    "　　法庭认定：（有争议，待认定）" if f.disputed else "　　法庭认定：（待认定）"
                )
    return lines


def _said(statements: list[Statement], kinds: tuple[str, ...]) -> list[str]:
    return [f"{s.speaker}：{s.text}" for s in statements if s.kind in kinds]


def transcript_text(hearing: Hearing) -> str:
    """The whole 笔录 as plain text, one paragraph a line."""
    case = hearing.case
    session = hearing.session
    statements = list(hearing.statements.order_by("at", "pk"))
    findings = list(Finding.objects.filter(case=case).order_by("pk"))
    clerk = session.clerk or case.clerk
    asked = _said(
        statements, (StatementKind.QUESTION, StatementKind.ANSWER, StatementKind.STATEMENT)
    )
    confirmed = _said(statements, (StatementKind.ELEMENT,))
    closing = _said(statements, (StatementKind.CLOSING,))
    mediation = (
        ["被告未到庭，无法调解。"]
        if hearing.default
        else [s for s in asked if "调解" in s] or [NOT_RECORDED]
    )
    lines = [
        f"{case.court.name}",
        "庭审笔录",
        f"案号：{case.case_number or '—'}",
        f"案由：{case.get_case_type_display()}",
        f"时间：{_times(hearing, statements)}",
        f"地点：{_place(hearing)}",
        f"审判员：{session.judge.display_name}",
        f"书记员：{clerk.display_name if clerk else '—'}",
        "到庭情况：",
        *_attendance(hearing, statements),
        "法庭纪律与权利义务告知：",
        *_announcements(hearing),
        "要素核对：",
        *_elements(findings),
        *confirmed,
        "法庭询问：",
        *(asked or [NOT_RECORDED]),
        "最后陈述：",
        *(closing or [NOT_RECORDED]),
        "调解意愿：",
        *mediation,
        "审判员：本次庭审到此结束，现在闭庭。当事人应当庭或在五日内阅读本笔录，"
        "认为有遗漏或差错的，有权申请补正（民诉法第一百五十条）。",
    ]
    return "\n".join(lines) + "\n"
