"""The command line: JSON on stdout, amounts as strings, errors exit 2 on stderr."""

import json

import pytest

from jiefen.law import cli


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, (json.loads(out) if out else None), err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["fee", "--kind", "acceptance", "--amount", "123456.78", "--halve"],
            {
                "kind": "acceptance",
                "amount": "123456.78",
                "exact": "2769.1356",
                "full": "2769",
                "payable": "1385",
            },
        ),
        (
            [
                "fee",
                "--kind",
                "acceptance",
                "--amount",
                "45000",
                "--halve",
                "--halve-after-rounding",
            ],
            {
                "kind": "acceptance",
                "amount": "45000",
                "exact": "925",
                "full": "925",
                "payable": "462.50",
            },
        ),
        (
            ["fee", "--kind", "execution", "--amount", "123456.78"],
            {
                "kind": "execution",
                "amount": "123456.78",
                "exact": "1751.8517",
                "full": "1751.85",
                "payable": "1751.85",
            },
        ),
        (
            ["fee", "--kind", "payment_order", "--amount", "8000", "--rounding", "half_up_yuan"],
            {
                "kind": "payment_order",
                "amount": "8000",
                "exact": "16.66666666666666666666666667",
                "full": "17",
                "payable": "17",
            },
        ),
        (
            [
                "interest",
                "--principal",
                "100000",
                "--rate",
                "3.45",
                "--multiplier",
                "1.5",
                "--start",
                "2024-01-01",
                "--end",
                "2024-07-01",
            ],
            {"days": 182, "interest": "2616.25"},
        ),
        (
            ["interest", "--principal", "10000", "--rate", "18", "--days", "30", "--basis", "365"],
            {"days": 30, "interest": "147.95"},
        ),
        (
            ["cap", "--lender", "bank", "--contract-date", "2023-09-15", "--court-policy", "4lpr"],
            None,
        ),
        (
            ["delay-interest", "--debt", "100000", "--start", "2024-03-01", "--end", "2024-03-31"],
            {"days": 30, "doubled_interest": "525.00"},
        ),
        (["deadline", "--event-date", "2024-09-20", "--days", "15"], {"deadline": "2024-10-08"}),
        (["deadline", "--event-date", "2024-01-31", "--months", "1"], {"deadline": "2024-02-29"}),
        (
            [
                "case-number",
                "--year",
                "2024",
                "--court",
                "渝0105",
                "--type",
                "民初",
                "--seq",
                "1234",
            ],
            {
                "case_number": "（2024）渝0105民初1234号",
                "year": 2024,
                "court_code": "渝0105",
                "type_code": "民初",
                "seq": 1234,
            },
        ),
        (
            ["case-number", "--parse", "(2024)渝0105民初1234号"],
            {
                "case_number": "（2024）渝0105民初1234号",
                "year": 2024,
                "court_code": "渝0105",
                "type_code": "民初",
                "seq": 1234,
            },
        ),
        (
            ["id", "--check", "11010519491231002X"],
            {"valid": True, "birth_date": "1949-12-31", "division": "110105"},
        ),
        (
            ["id", "--check", "110105194912310021"],
            {"valid": False, "birth_date": "1949-12-31", "division": "110105"},
        ),
        (
            ["words", "--amount", "123456.78"],
            {"amount": "123456.78", "words": "壹拾贰万叁仟肆佰伍拾陆元柒角捌分"},
        ),
    ],
)
def test_commands(capsys: pytest.CaptureFixture[str], args: list[str], expected: object) -> None:
    status, output, err = run(capsys, *args)
    assert status == 0, err
    if expected is not None:
        assert output == expected


def test_cap_command(capsys: pytest.CaptureFixture[str]) -> None:
    status, output, _ = run(capsys, "cap", "--lender", "private", "--contract-date", "2023-09-15")
    assert status == 0
    assert isinstance(output, dict)
    assert output["annual_cap_percent"] == "13.80"
    assert "3.45" in output["basis"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fee", "--kind", "nonsense", "--amount", "1"], "invalid choice"),
        (["fee", "--kind", "acceptance", "--amount", "abc"], "not a decimal"),
        (
            ["fee", "--kind", "execution", "--amount", "1000", "--halve"],
            "only to the acceptance fee",
        ),
        (
            ["deadline", "--event-date", "2026-12-20", "--days", "15"],
            "2027年节假日安排尚未录入",
        ),
        (["deadline", "--event-date", "2024-01-01"], "exactly one"),
        (["cap", "--lender", "private", "--contract-date", "2019-05-01"], "filed_on"),
        (["interest", "--principal", "1", "--rate", "1"], "--days"),
        (["case-number", "--parse", "（2024）蒙0105民初1号"], "use 内"),
        (["case-number", "--year", "2024"], "missing"),
        ([], "required"),
    ],
)
def test_errors_exit_2_with_a_message(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, output, err = run(capsys, *args)
    assert status == 2
    assert output is None
    assert message in err


@pytest.mark.parametrize(
    ("half", "payable"), [("whole_yuan", "1385"), ("keep_half_yuan", "1384.50")]
)
def test_fee_half_rounding_flag(
    capsys: pytest.CaptureFixture[str], half: str, payable: str
) -> None:
    """2,769 halved: a whole-yuan court charges 1,385, the other practice 1,384.50."""
    args = ["fee", "--kind", "acceptance", "--amount", "123456.78", "--halve"]
    status, output, err = run(capsys, *args, "--halve-after-rounding", "--half-rounding", half)
    assert status == 0, err
    assert isinstance(output, dict)
    assert output["payable"] == payable


def test_fee_half_rounding_flag_refuses_an_unknown_practice(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = run(
        capsys, "fee", "--kind", "acceptance", "--amount", "1", "--half-rounding", "up"
    )
    assert status == 2
    assert "invalid choice" in err


@pytest.mark.parametrize(
    ("args", "effective", "served_on", "article"),
    [
        (["--channel", "post", "--signed", "2025-03-04"], True, "2025-03-04", "民诉法第九十一条"),
        (
            [
                "--channel",
                "sms",
                "--consent",
                "yes",
                "--address",
                "confirmed",
                "--sent",
                "2025-03-03T23:59",
            ],
            True,
            "2025-03-03",
            "第一百三十五条",
        ),
        (
            [
                "--channel",
                "portal",
                "--consent",
                "yes",
                "--address",
                "confirmed",
                "--delivered",
                "2025-03-04 00:05",
            ],
            True,
            "2025-03-04",
            "在线诉讼规则第三十一条第一项",
        ),
        (
            [
                "--channel",
                "email",
                "--consent",
                "yes",
                "--delivered",
                "2025-03-03 10:00",
                "--read",
                "2025-03-05T08:00:30",
            ],
            True,
            "2025-03-05",
            "在线诉讼规则第三十一条第二项",
        ),
        # Defaults: no consent, unconfirmed address.
        (["--channel", "sms", "--delivered", "2025-03-03"], False, None, "在线诉讼规则第二十九条"),
        (
            ["--channel", "post", "--returned", "2025-03-06"],
            False,
            None,
            "第十一条",
        ),
        (
            ["--channel", "post", "--address", "confirmed", "--returned", "2025-03-06"],
            True,
            "2025-03-06",
            "第十一条",
        ),
        (
            ["--channel", "public_notice", "--procedure", "summary", "--published", "2025-03-03"],
            False,
            None,
            "第一百四十条",
        ),
        (
            ["--channel", "public_notice", "--published", "2025-03-03"],
            True,
            "2025-04-02",
            "视为送达",
        ),
        (
            ["--channel", "public_notice", "--published", "2025-03-03", "--as-of", "2025-03-20"],
            False,
            "2025-04-02",
            "公告期尚未届满",
        ),
    ],
)
def test_service_command(
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    effective: bool,
    served_on: str | None,
    article: str,
) -> None:
    status, output, err = run(capsys, "service", *args)
    assert status == 0, err
    assert isinstance(output, dict)
    assert set(output) == {"effective", "served_on", "reason"}
    assert (output["effective"], output["served_on"]) == (effective, served_on)
    assert article in output["reason"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--channel", "fax"], "送达方式只能是"),
        (["--channel", "sms", "--sent", "2025-3-3"], "不是有效的日期或时间"),
        (["--channel", "sms", "--sent", "2025-03-03T25:00"], "不是有效的日期或时间"),
        (["--channel", "post", "--signed", "2025-03-04T10:00"], "不是有效的日期"),
        (["--channel", "sms", "--consent", "maybe"], "--consent只能是"),
        (["--channel", "post", "--procedure", "special"], "审理程序只能是"),
        (["--signed", "2025-03-04"], "--channel"),
    ],
)
def test_service_command_errors(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, output, err = run(capsys, "service", *args)
    assert status == 2
    assert output is None
    assert message in err
