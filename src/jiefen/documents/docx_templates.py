"""Builds the shipped docxtpl templates (`templates_official/docx/*.docx`) with python-docx.

Run `python -m jiefen.documents.docx_templates [target_dir]` to regenerate them; a court
administrator then edits the .docx files in Word (keeping the `{{ … }}` placeholders). The
wording follows the typst templates; both read the same data (see `documents.context`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OFFICIAL_DIR = Path(__file__).resolve().parent / "templates_official"

BODY = {
    "acceptance_notice": (
        "受理案件通知书",
        "{{ recipient.name }}：",
        [
            "你方诉{{ defendant_names }}{{ case_type }}一案，本院经审查，起诉符合法定受理条件，决定立案审理，立案日期为{{ filed_on }}。现将有关事项通知如下：",
            "一、本案案号为{{ case_number }}，适用{{ procedure }}审理，由审判员{{ judge }}承办，书记员{{ clerk }}协助。",
            "二、本案诉讼标的额为人民币{{ claim_total }}元（{{ claim_total_words }}）。你方应预交案件受理费人民币{{ fee }}元（{{ fee_words }}），交纳方式见交纳诉讼费用通知书。{% if preservation.applied %}你方申请财产保全，保全案号为{{ preservation.number }}，应交申请保全费人民币{{ preservation.fee }}元（{{ preservation.fee_words }}）。{% endif %}",
            "三、当事人在诉讼中应当遵守诉讼秩序，如实陈述，依法行使诉讼权利、履行诉讼义务。",
            "四、你方应当在收到本通知后及时填写送达地址确认书；确认的送达地址和电子送达方式适用于本案一审、二审和执行程序。",
            "特此通知。",
        ],
    ),
    "fee_notice": (
        "交纳诉讼费用通知书",
        "{{ recipient.name }}：",
        [
            "你方诉{{ defendant_names }}{{ case_type }}一案，本院已立案受理。依照《诉讼费用交纳办法》第十三条{% if fee_halved %}、第十六条{% endif %}、第二十条、第二十二条的规定，你方应当预交下列诉讼费用：",
            "诉讼标的额：人民币{{ claim_total }}元（{{ claim_total_words }}）；案件受理费（全额）：人民币{{ fee_full }}元（{{ fee_full_words }}）；审理程序：{{ procedure }}{% if fee_halved %}（案件受理费减半交纳）{% endif %}；应预交案件受理费：人民币{{ fee }}元（{{ fee_words }}）{% if preservation.applied %}；申请保全费：人民币{{ preservation.fee }}元（{{ preservation.fee_words }}）{% endif %}；合计应交：人民币{{ fees_due }}元（{{ fees_due_words }}）。",
            "请于收到本通知次日起七日内，{% if fee_account %}通过本院诉讼费缴纳平台或向下列账户交纳，并注明案号{{ case_number }}：收款单位{{ fee_account.payee }}，开户银行{{ fee_account.bank }}，账号{{ fee_account.account }}。{% else %}通过本院诉讼费缴纳平台交纳，并注明案号{{ case_number }}。{% endif %}逾期不交纳又未提出缓交、减交、免交申请的，本院将按撤诉处理。",
            "特此通知。",
        ],
    ),
    "notice_to_respond": (
        "应诉通知书",
        "{{ recipient.name }}：",
        [
            "本院已受理原告{{ claimant.name }}诉你{{ case_type }}一案，案号为{{ case_number }}，诉讼标的额为人民币{{ claim_total }}元（{{ claim_total_words }}）。现随本通知向你送达起诉状副本一份，并将有关事项通知如下：",
            "一、依照《中华人民共和国民事诉讼法》第一百二十八条的规定，你可以在收到起诉状副本之日起十五日内向本院提交答辩状（可填写要素式答辩状）。不提交答辩状的，不影响本院审理。",
            "二、本案适用{{ procedure }}审理，由审判员{{ judge }}承办。当事人有申请回避、提出管辖权异议、委托诉讼代理人、和解、请求调解等诉讼权利，应当遵守诉讼秩序、履行诉讼义务。",
            "三、你应当填写送达地址确认书并及时提交本院；同意电子送达的，本院将通过你确认的手机号码或电子邮箱送达诉讼文书。",
            "四、你可以登录诉讼服务平台（{{ portal_url }}）查看案件材料、提交答辩意见或申请调解。",
            "特此通知。",
        ],
    ),
    "evidence_notice": (
        "举证通知书",
        "{{ recipient.name }}：",
        [
            "本院受理原告{{ claimant.name }}诉{{ defendant_names }}{{ case_type }}一案，已依法立案。依照《中华人民共和国民事诉讼法》第六十八条和《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第九十九条的规定，现将举证事项通知如下：",
            "一、当事人对自己提出的主张，有责任提供证据。没有证据或者证据不足以证明当事人的事实主张的，由负有举证证明责任的当事人承担不利的后果。",
            "二、本案适用{{ procedure }}，举证期限为{{ evidence_period }}，自你收到本通知书之次日起计算，至{{ evidence_deadline_rule }}届满。当事人应当在举证期限内向本院提交证据材料；逾期提供证据的，本院依法处理。",
            "三、当事人提交证据应当提交原件或原物，并附证据清单，写明证据名称、来源、证明对象和内容，签名盖章并注明提交日期。",
            "四、当事人申请证人出庭作证、申请鉴定或申请调查收集证据的，应当在举证期限届满前提出。",
            "特此通知。",
        ],
    ),
    "summons": (
        "传　　票",
        "",
        [
            "案号：{{ case_number }}",
            "案由：{{ case_type }}",
            "被传唤人：{{ recipient.name }}",
            "工作单位或住址：{{ recipient.address }}",
            "传唤事由：开庭审理",
            "应到时间：{{ hearing.when }}",
            "应到处所：{{ hearing.place }}",
            "注意事项：一、被传唤人必须准时到达应到处所，并携带本传票及身份证件。二、被告经传票传唤，无正当理由拒不到庭的，本院可以缺席判决。三、经双方当事人同意，本案可以在线开庭。四、被传唤人收到本传票后，应在送达回证上签名或盖章。",
            "审判员：{{ judge }}　书记员：{{ clerk }}",
        ],
    ),
    "complaint_copy": (
        "民事起诉状",
        "",
        [
            "（{{ case_type }}·要素式·副本）{{ case_number }}",
            "原告：{{ claimant.name }}；住所地{{ claimant.address }}；统一社会信用代码{{ claimant.uscc }}；{{ claimant.representative_title }}{{ claimant.legal_representative }}",
            "{%p for p in defendants %}",
            "{{ p.role }}：{{ p.name }}，{{ p.sex }}，{{ p.birth }}生，{{ p.ethnicity }}，住{{ p.domicile }}；公民身份号码{{ p.id_masked }}。",
            "{%p endfor %}",
            # One paragraph per element, as in the typst copy's table: each claim reads on its own.
            "{%p for s in elements %}",
            "【{{ s.title }}】",
            "{%p for r in s.rows %}",
            "{{ r.number }}. {{ r.label }}：{{ r.text }}",
            "{%p endfor %}",
            "{%p endfor %}",
            "此致　{{ court.name }}",
            "具状人：{{ claimant.name }}　{{ complaint_date }}（{{ cut_off_note }}）",
        ],
    ),
    "address_confirmation": (
        "送达地址确认书",
        "",
        [
            "案号：{{ case_number }}　案由：{{ case_type }}",
            "受送达人：{{ recipient.name }}（{{ recipient.role }}）",
            "是否同意电子送达：□ 同意　□ 不同意{% if recipient.e_service == '已同意' %}（借款合同已约定电子送达方式）{% endif %}",
            "手机号码：{{ recipient.phone }}　电子邮箱：{{ recipient.email }}",
            "送达地址：{{ recipient.address }}",
            "告知事项：1.当事人应当如实提供确切的送达地址和电子送达方式，确认的送达地址适用于一审、二审和执行程序。2.送达地址变更的，应当及时书面告知本院。3.因提供的地址不准确、拒不提供送达地址、送达地址变更未及时告知或拒收，导致诉讼文书未能被实际接收的，文书退回之日视为送达之日。4.以电子方式送达的，送达信息到达受送达人特定系统的日期为送达日期。",
            "受送达人签名（盖章）：　　　　　　年　　月　　日",
        ],
    ),
    # The judge's editable copy of the 民事判决书 (jiefen.judgments.context; same data as
    # judgment.typ). The sealed PDF is the official one.
    "judgment": (
        "民事判决书",
        "",
        [
            "{%p for p in parties %}",
            "{{ p.role }}：{{ p.text }}",
            "{%p endfor %}",
            "{%p for p in sections.origin %}",
            "{{ p }}",
            "{%p endfor %}",
            "原告{{ claimant.name }}向本院提出诉讼请求：{% for c in claims %}{{ loop.index }}.{{ c }}{% if not loop.last %}；{% endif %}{% endfor %}。",
            "{%p for p in sections.answer %}",
            "{{ p }}",
            "{%p endfor %}",
            "本院经审理认定事实如下：",
            "对以下事实，本院予以确认：",
            "{%p for u in undisputed %}",
            "{{ loop.index }}.{{ u }}",
            "{%p endfor %}",
            "{%p for p in sections.disputed %}",
            "{{ p }}",
            "{%p endfor %}",
            "{%p for p in sections.reasoning %}",
            "{% if loop.first %}本院认为，{% endif %}{{ p }}",
            "{%p endfor %}",
            "{{ basis }}",
            "{%p for o in orders %}",
            "{{ o }}",
            "{%p endfor %}",
            "{%p for p in sections.orders_note %}",
            "{{ p }}",
            "{%p endfor %}",
            "{{ delay_sentence }}",
            "{{ fee_sentence }}",
            "{{ appeal }}",
            "审判员　{{ judge }}",
            "书记员　{{ clerk }}",
        ],
    ),
}


def _font(run: Any, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


def build(kind: str, target: Path) -> Path:
    title, salutation, paragraphs = BODY[kind]
    doc = Document()
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.top_margin, sec.bottom_margin = Cm(2.8), Cm(2.4)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)
    for text, size, bold in (("{{ court.name }}", 20, False), (title, 24, True)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(text), "Noto Serif CJK SC", size, bold)
    if kind != "complaint_copy":
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(p.add_run("{{ case_number }}"), "FandolFang R", 14)
    if salutation:
        _font(doc.add_paragraph().add_run(salutation), "FandolFang R", 15)
    for text in paragraphs:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(30)
        _font(p.add_run(text), "FandolFang R", 15)
    for text in ("{{ court.name }}", "{{ issued_on_words }}"):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(p.add_run(text), "FandolFang R", 15)
    path = target / f"{kind}.docx"
    doc.save(str(path))
    return path


def build_all(target: Path | None = None) -> list[Path]:
    target = target or OFFICIAL_DIR / "docx"
    target.mkdir(parents=True, exist_ok=True)
    return [build(kind, target) for kind in BODY]


if __name__ == "__main__":
    import django

    django.setup()
    for p in build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(p)
