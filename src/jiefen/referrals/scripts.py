"""The call script (劝阻话术) of a fraud intervention task, for whoever calls the borrower.

A call about fraud must not itself look like fraud: the caller says who they are, verifies the
borrower with what the file already holds and never asks for passwords, verification codes or
money; the advice is the one the anti-fraud centres give (反电信网络诈骗法 Arts. 8, 31; the
national anti-fraud line 96110); the court asks for nothing by telephone, only through its
portal (在线诉讼规则 Art. 2). The script differs by the warning (a loan in the borrower's name
that they did not take, or a number or address linked to reported fraud) and by the caller (the
institution of the loan or the police's anti-fraud centre).
"""

from __future__ import annotations

from jiefen.accounts.models import Organisation, OrganisationKind
from jiefen.cases.models import Party
from jiefen.risk.models import Warning, WarningKind

NATIONAL_LINE = "96110"


def _is_police(institution: Organisation) -> bool:
    return institution.kind == OrganisationKind.POLICE


def _opening(warning: Warning, party: Party, institution: Organisation) -> list[str]:
    police = _is_police(institution)
    who = (
        f"我是{institution.name}（公安机关反诈中心）的民警，警号____"
        if police
        else f"我是{institution.name}的工作人员，工号____"
    )
    lines = [f"一、开场：“您好，请问是{party.name}本人吗？{who}。”"]
    if warning.kind == WarningKind.IDENTITY_MISUSE:
        if police:
            lines.append(
                "“法院转来一条预警：您反映有人冒用您的身份办理了一笔借款。您可能是身份被盗用的"
                "受害人，我们想向您了解情况，帮助您维护权益。”"
            )
        else:
            lines.append(
                "“您向法院反映，我行（我司）以您名义发放的一笔借款不是您本人办理的。我们正在核查"
                "这笔借款的办理经过，想向您核实几个情况。”"
            )
    else:
        if police:
            lines.append(
                "“您在借款时留下的联系方式，与公安机关通报的涉诈线索相同。这可能是您的号码被他人"
                "使用，也可能是有人正以‘贷款’‘征信修复’等名义联系您，我们提醒您注意防范。”"
            )
        else:
            lines.append(
                "“您在我行（我司）借款时留下的联系方式，与公安机关通报的涉诈线索相同。为保护您的"
                "资金安全，我们来电提醒，并核实这一联系方式是否仍由您本人使用。”"
            )
    return lines


_VERIFY = (
    "二、核实身份：请对方说出身份证号码后四位或借款合同登记的住址，与案卷核对；"
    "只核对案卷已有的信息。明确告知：“我们不会询问您的银行卡密码、网银或支付密码、短信验证码，"
    "也不会要求您转账或下载任何软件；任何人以我们的名义索要这些，都是诈骗。”"
)


def _facts(warning: Warning) -> list[str]:
    lines = ["三、说明情况："]
    if warning.kind == WarningKind.IDENTITY_MISUSE:
        lines.append(
            "“以您名义办理的这笔借款，您表示不是本人办理的。请您回忆：身份证是否丢失或借给过他人？"
            "是否有人以‘刷流水’‘帮忙贷款’‘兼职’等理由让您拍照、人脸识别或提供验证码？”"
        )
    else:
        lines.append(
            "“请问这个手机号码（地址）现在是否仍由您本人使用？近期是否有人以贷款、退款、"
            "注销校园贷、征信修复、解冻账户等名义联系您，或要求您转账、缴费？”"
        )
    if warning.summary:
        lines.append(f"（预警事实，供来电人掌握，不必逐字宣读：{warning.summary}）")
    return lines


def _advice(warning: Warning) -> list[str]:
    lines = [
        "四、提醒与建议：",
        "1. 任何人要求您缴纳“解冻费”“征信修复费”“贷款手续费”“保证金”的，都是诈骗，"
        "不要向任何人付款，也不要转到所谓“安全账户”。",
        "2. 短信验证码和各类密码不要告诉任何人，包括自称银行、法院、公安的人员。",
        f"3. 接到可疑电话或短信，先挂断，再拨打110或全国反诈专线{NATIONAL_LINE}核实或报警。",
        "4. 法院只通过本院的调解平台和诉讼服务平台向您送达文书、提出要求，"
        "不会打电话让您转账或缴费。",
    ]
    if warning.kind == WarningKind.IDENTITY_MISUSE:
        lines.append(
            "5. 如借款确非本人办理，请向公安机关报案并保留报案回执，"
            "在法院的调解或答辩中说明；身份证丢失的，请尽快挂失补办。"
        )
    else:
        lines.append(
            "5. 如号码已不再由您使用，请到运营商营业厅核实名下号码（一证通查），"
            "并告知借款机构更新联系方式。"
        )
    return lines


_RECORD = (
    "五、通话后记录：是否联系上本人（未联系上的，记录拨打的时间、次数和方式）；本人是否确认借款、"
    "是否已向他人付款或提供验证码；是否已报案（报案回执编号）；给出的提醒。"
    "然后在系统中登记处置结果：劝阻成功、未联系上或已报案。"
)


def call_script(warning: Warning, party: Party, institution: Organisation) -> str:
    """The script the caller of `institution` follows when calling `party` about `warning`."""
    lines = [
        *_opening(warning, party, institution),
        _VERIFY,
        *_facts(warning),
        *_advice(warning),
        _RECORD,
    ]
    return "\n".join(lines)
