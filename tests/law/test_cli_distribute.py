"""`jiefen law distribute`: one JSON object, amounts with two decimals, bad input exits 2."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jiefen.law import cli

KEYS = {"allocations", "delay_interest_accrued", "outstanding_debt", "outstanding_delay_interest"}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object, str]:
    status = cli.main(["distribute", *args])
    out, err = capsys.readouterr()
    return status, (json.loads(out) if out else None), err


def test_two_payments(capsys: pytest.CaptureFixture[str]) -> None:
    # 30 days on 100,000 → 525.00 accrued, 50,000 to the debt; 30 more days on 50,000 →
    # 262.50; 50,787.50 = 50,000 + 787.50.
    status, out, _ = run(
        capsys,
        "--debt",
        "100000",
        "--from",
        "2024-01-01",
        "--payment",
        "2024-01-31:50000",
        "--payment",
        "2024-03-01:50787.50",
    )
    assert status == 0
    assert out == {
        "allocations": [
            {
                "date": "2024-01-31",
                "amount": "50000.00",
                "to_debt": "50000.00",
                "to_delay_interest": "0.00",
                "surplus": "0.00",
            },
            {
                "date": "2024-03-01",
                "amount": "50787.50",
                "to_debt": "50000.00",
                "to_delay_interest": "787.50",
                "surplus": "0.00",
            },
        ],
        "delay_interest_accrued": "787.50",
        "outstanding_debt": "0.00",
        "outstanding_delay_interest": "0.00",
    }


def test_insufficient_payment_leaves_debt_and_interest_owed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 100 days on 10,000 → 175.00 accrued; the 5,000 goes to the debt.
    status, out, _ = run(
        capsys, "--debt", "10000", "--from", "2024-01-01", "--payment", "2024-04-10:5000"
    )
    assert status == 0
    assert isinstance(out, dict) and set(out) == KEYS
    assert out["allocations"] == [
        {
            "date": "2024-04-10",
            "amount": "5000.00",
            "to_debt": "5000.00",
            "to_delay_interest": "0.00",
            "surplus": "0.00",
        }
    ]
    assert (out["delay_interest_accrued"], out["outstanding_debt"]) == ("175.00", "5000.00")
    assert out["outstanding_delay_interest"] == "175.00"


def test_overpayment_is_surplus(capsys: pytest.CaptureFixture[str]) -> None:
    # 30 days on 100,000 → 525.00; 100,600 − 100,000 − 525 = 75.00 returned.
    status, out, _ = run(
        capsys, "--debt", "100000", "--from", "2024-01-01", "--payment", "2024-01-31:100,600"
    )
    assert status == 0
    assert isinstance(out, dict)
    assert out["allocations"][0]["surplus"] == "75.00"
    assert out["allocations"][0]["to_delay_interest"] == "525.00"


@pytest.mark.parametrize(
    ("payment", "named"),
    [
        ("2024-01-31", "2024-01-31"),  # no colon
        ("2024-02-30:100", "2024-02-30"),  # no such date
        ("2024-01-31:abc", "abc"),
        ("2024-01-31:0", "'0'"),
        ("2024-01-31:-5", "-5"),
    ],
)
def test_bad_payment_exits_2_naming_the_value(
    capsys: pytest.CaptureFixture[str], payment: str, named: str
) -> None:
    status, out, err = run(capsys, "--debt", "100", "--from", "2024-01-01", "--payment", payment)
    assert status == 2
    assert out is None
    assert "付款" in err and named in err


def test_at_least_one_payment_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--debt", "100", "--from", "2024-01-01")
    assert status == 2 and out is None
    assert "至少需要一笔付款" in err


def test_through_the_jiefen_command(tmp_path: Path) -> None:
    """`uv run jiefen law distribute …`: the console script and the management command."""
    script = Path(sys.executable).parent / "jiefen"
    env = {
        **os.environ,
        "JIEFEN_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    args = ["law", "distribute", "--debt", "100000", "--from", "2024-01-01"]
    result = subprocess.run(
        [str(script), *args, "--payment", "2024-01-31:100525"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["allocations"][0]["to_debt"] == "100000.00"
    assert out["allocations"][0]["to_delay_interest"] == "525.00"
    assert out["outstanding_debt"] == "0.00"
    failed = subprocess.run(
        [str(script), *args, "--payment", "2024-01-31"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert failed.returncode == 2
    assert "付款应写成" in failed.stderr
