"""The court-sealed documents of the enforcement stage (执行文书), one per measure or receipt.

Wording follows the SPC 执行文书样式 (2016) and the provisions each document rests on:

- 执行通知书 — 民诉法 (2023) Arts. 251, 264; 民诉解释 (2022) Art. 480 (the notice names the
  delay interest); 失信规定 (法释〔2017〕7号) Art. 5 (it warns of the dishonest list);
- 报告财产令 — 民诉法 Art. 252; 《最高人民法院关于民事执行中财产调查若干问题的规定》Arts. 3-10
  (period, scope, changes, supplementary report, consequences; the 财产调查表 attached, Art. 4);
- 执行裁定书 freezing, deducting (民诉法 Art. 253; 收入 Art. 254) and seizing (Art. 255), each
  with 查封扣押冻结规定 (2020) Art. 1 and the period of 民诉解释 Art. 485; lifting a freeze or
  seizure (查封扣押冻结规定 Art. 28); 终结本次执行程序 (民诉解释 Art. 517, 终本规定 Arts. 1, 9,
  with the contents its Art. 6 asks for);
- 限制消费令 and its lifting — 民诉法 Art. 266, 《最高人民法院关于限制被执行人高消费及有关消费的
  若干规定》(2015) Arts. 1, 3, 9, 11 (an organisation's legal representative, principal officers,
  responsible persons and actual controller are bound too);
- 决定书 listing a debtor as dishonest (失信规定 Art. 1 item of the ground, Art. 2 term, Arts. 11-12
  correction) and deleting the entry (Art. 10; Art. 2 para. 2 for early deletion of a term listing);
- 结案通知书 (执行完毕), 执行款收据 (figures and 人民币大写), 执行款明细 (the creditor's statement);
- 强制执行申请书 of a judgment title, on the mediation stage's `enforcement_application` kind.

Every document is issued for its occasion (`issued_for` = ``measure:<id>``, ``measure:<id>:lift``,
``receipt:<id>``, ``application:<id>``), so the bulk functions are idempotent: they render only the
rows still without a document, reuse a document a crashed or concurrent run already stored, and
link them with one bulk UPDATE per chunk. They run in `tasks.render_documents_task`, never in the
request. Natural persons' ID numbers are masked as in the judgment; bank account numbers keep
their last four digits (architecture rule 8).
"""

from jiefen.enforcement.documents.common import KINDS, LIFT_KINDS, MEASURE_KINDS, delay_sentence
from jiefen.enforcement.documents.issuing import (
    application_document,
    creditor_statement,
    issue_lift_documents,
    issue_measure_documents,
    issue_receipt_documents,
    receipt_number,
)

__all__ = [
    "KINDS",
    "LIFT_KINDS",
    "MEASURE_KINDS",
    "application_document",
    "creditor_statement",
    "delay_sentence",
    "issue_lift_documents",
    "issue_measure_documents",
    "issue_receipt_documents",
    "receipt_number",
]
