"""Every `jiefen …` command the README documents works on a fresh clone (issue 9, point 9).

A newcomer clones the repository and types what the README says. Each command runs here as that
newcomer runs it: the `jiefen` entry point in a subprocess, in an empty directory, with none of
the JIEFEN_* / DATABASE_URL variables set, so the defaults (`./var`, `./var/jiefen.sqlite3`) are
what is used — nothing is migrated or created for it. `jiefen demo --no-serve` comes first and
must create everything. Long-running commands (the SMS gateway, the task workers, the served
demo) are started, must answer, and are stopped within a bound.

The list of checks is keyed by command name: a command the README gains without a check here
fails `test_every_documented_command_has_a_check`.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
_ENTRY = Path(sys.executable).with_name("jiefen")
JIEFEN = [str(_ENTRY)] if _ENTRY.exists() else [sys.executable, "-m", "jiefen.manage"]
BOUND = 300  # seconds a long-running command may take to answer (a loaded 2-core machine)


def documented_commands(text: str) -> list[str]:
    """The `jiefen <command>` names in the README's code: inline spans and fenced blocks."""
    blocks = re.findall(r"```[^\n]*\n(.*?)```", text, flags=re.DOTALL)
    spans = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.DOTALL))
    names: list[str] = []
    for code in [*blocks, *spans]:
        for name in re.findall(r"(?<![\w.])jiefen ([a-z][a-z_]*)", code):
            if name not in names:
                names.append(name)
    return names


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Clone:
    """A fresh working directory and the environment of a newcomer's shell."""

    root: Path
    env: dict[str, str]
    gateway_port: int
    started: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def database(self) -> Path:
        return self.root / "var" / "jiefen.sqlite3"

    def run(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run(
            [*JIEFEN, *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, (
            f"jiefen {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}"
        )
        return done.stdout

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        """Start a long-running command; its output goes to files (a pipe nobody reads blocks)."""
        name = args[0]
        proc = subprocess.Popen(
            [*JIEFEN, *args],
            cwd=self.root,
            env=self.env,
            stdout=(self.root / f"{name}.out").open("wb"),
            stderr=(self.root / f"{name}.err").open("wb"),
            start_new_session=True,
        )
        self.started.append(proc)
        return proc

    def log(self, name: str) -> str:
        out = (self.root / f"{name}.out").read_text(errors="replace")
        err = (self.root / f"{name}.err").read_text(errors="replace")
        return f"stdout:\n{out[-2000:]}\nstderr:\n{err[-3000:]}"

    def wait_for(self, proc: subprocess.Popen[bytes], name: str, ready: Callable[[], bool]) -> None:
        """Wait until `ready()` holds; fail if the command exits first or takes over BOUND."""
        deadline = time.monotonic() + BOUND
        while not ready():
            assert proc.poll() is None, f"jiefen {name} exited {proc.returncode}\n{self.log(name)}"
            assert time.monotonic() < deadline, f"jiefen {name} did not answer\n{self.log(name)}"
            time.sleep(0.5)

    def stop(self, proc: subprocess.Popen[bytes], name: str) -> None:
        """Ctrl-C, as the README says; it must end cleanly within the bound."""
        os.killpg(proc.pid, signal.SIGINT)
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            pytest.fail(f"jiefen {name} did not stop on Ctrl-C\n{self.log(name)}")
        assert code == 0, f"jiefen {name} exited {code} on Ctrl-C\n{self.log(name)}"

    def queued_tasks(self) -> dict[str, int]:
        with sqlite3.connect(self.database, timeout=30) as db:
            rows = db.execute(
                "SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
            ).fetchall()
        return {status: n for status, n in rows}


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except OSError:
        return 0, b""


def _json_object(text: str) -> dict[str, Any]:
    value = json.loads(text.strip().splitlines()[-1])
    assert isinstance(value, dict), text
    return value


# --------------------------------------------------------------------------- the checks


def check_demo(clone: Clone) -> None:
    out = clone.run("demo", "--no-serve", "--cases", "200")
    assert clone.database.is_file()
    logins = re.findall(r"^  (\S+)\s+\S+", out.split("演示账号")[1], flags=re.MULTILINE)
    assert {"admin", "bank01", "mediator1", "judge1", "clerk1", "notary1"} <= set(logins)


def check_stats(clone: Clone) -> None:
    stats = _json_object(clone.run("stats", "--json"))
    assert stats["cases_total"] > 0
    assert sum(stats["cases_by_state"].values()) == stats["cases_total"]
    assert {"intake", "mediation", "filing", "service"} <= set(stats)
    assert stats["service"]["attempts"] > 0 and stats["service"]["served"] > 0
    check_stats_metrics(clone)


def check_stats_metrics(clone: Clone) -> None:
    """The metrics of the demo, whole and for one month, and the risk section (a warning of every
    kind from the demo data)."""
    stats = _json_object(clone.run("stats", "--json"))
    totals = stats["metrics"]["totals"]
    assert totals["received"] == stats["cases_total"]
    assert 0 < totals["filed"] <= totals["received"] and totals["closed"] > 0
    kinds = {
        "cap_exceedance",
        "surge",
        "professional_lender",
        "contact_cluster",
        "quasi_financial",
        # The private lender's series and the referral step's reports (issue 15).
        "withheld_interest",
        "effective_rate",
        "serial_loans",
        "identity_misuse",
        "fraud_contact",
    }
    assert {kind for kind, n in stats["risk"]["by_kind"].items() if n > 0} == kinds
    referrals = stats["referrals"]
    assert referrals["referred"] > 0 and referrals["dismissed"] > 0
    assert referrals["resumed"] > 0 and referrals["interventions"] > 0
    month = f"{date.today():%Y-%m}"
    one = _json_object(clone.run("stats", "--json", "--period", month))["metrics"]
    assert one["period"] == month and one["totals"]["received"] <= totals["received"]


def check_white_paper(clone: Clone) -> None:
    """The court's white paper for this year: a PDF of several pages; a bad period refused."""
    out = clone.root / "白皮书.pdf"
    said = clone.run(
        "white_paper", "--period", f"{date.today():%Y}", "--out", str(out), "--court", "渝0105"
    )
    assert out.read_bytes().startswith(b"%PDF") and str(out) in said
    pages = int(re.search(r"共(\d+)页", said)[1])  # type: ignore[index]
    assert pages >= 4
    bad = subprocess.run(
        [*JIEFEN, "white_paper", "--period", "2026-13", "--out", str(out)],
        cwd=clone.root,
        env=clone.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode != 0 and "统计期间「2026-13」有误" in bad.stderr


def check_anonymise(clone: Clone) -> None:
    text = clone.root / "judgment.txt"
    text.write_text(
        "被告欧阳娜娜，公民身份号码500105199001011234，住重庆市江北区建新北路8号，"
        "电话13812345678。原告长江银行股份有限公司重庆分行。",
        "utf-8",
    )
    out = clone.run("anonymise", str(text), "--person", "欧阳娜娜")
    assert "欧阳某" in out and "长江银行股份有限公司重庆分行" in out and "重庆市江北区" in out
    for personal in ("娜娜", "500105199001011234", "13812345678", "建新北路"):
        assert personal not in out


def check_audit_verify(clone: Clone) -> None:
    assert "审计链完好" in clone.run("audit_verify")


def check_law(clone: Clone) -> None:
    """One call per kind of rule the README lists: fees, interest, caps, deadlines, numbers, IDs."""
    calls: list[tuple[list[str], str]] = [
        (["fee", "--kind", "acceptance", "--amount", "100000"], "payable"),
        (["interest", "--principal", "10000", "--rate", "12", "--days", "30"], "interest"),
        (["cap", "--lender", "bank", "--contract-date", "2021-03-01"], "annual_cap_percent"),
        (["deadline", "--event-date", "2025-03-03", "--days", "15"], "deadline"),
        (["case-number", "--parse", "（2025）渝0105民初123号"], "seq"),
        (["id", "--check", "11010519491231002X"], "valid"),
    ]
    for args, key in calls:
        assert key in _json_object(clone.run("law", *args)), args
    # The README's own examples, exactly as written.
    for example in re.findall(r"`jiefen law ([^`…\[\]|]+)`", README.read_text("utf-8")):
        _json_object(clone.run("law", *example.split()))


def check_gen_and_import_batch(clone: Clone) -> None:
    batch = clone.root / "batch.csv"
    made = _json_object(
        clone.run(
            "gen_batch", "--type", "loan", "--cases", "30", "--bad-fraction", "0.1",
            "--seed", "7", "--out", str(batch),
        )
    )  # fmt: skip
    assert made["rows"] == 30 and batch.is_file()
    result = _json_object(
        clone.run("import_batch", str(batch), "--institution", "BANK01", "--court", "渝0105")
    )
    assert result["rows"] == 30
    assert result["accepted"] + result["rejected"] == 30 and result["rejected"] > 0
    card = clone.root / "card.xlsx"
    clone.run(
        "gen_batch", "--type", "credit_card", "--cases", "10", "--seed", "8", "--out", str(card)
    )
    again = _json_object(
        clone.run(
            "import_batch", str(card), "--institution", "BANK02", "--court", "渝0105",
            "--key", "readme-1", "--policy", "reject_all",
        )
    )  # fmt: skip
    assert again["rows"] == 10 and again["accepted"] == 10


def check_intake_resume(clone: Clone) -> None:
    assert "已恢复 0 个批次" in clone.run("intake_resume")


def check_filing_resume(clone: Clone) -> None:
    assert "已恢复 0 个" in clone.run("filing_resume")


def check_sms_gateway(clone: Clone) -> None:
    port = _free_port()
    proc = clone.start("sms_gateway", "--port", str(port))
    clone.wait_for(proc, "sms_gateway", lambda: _get(f"http://127.0.0.1:{port}/")[0] == 200)
    status, body = _get(f"http://127.0.0.1:{port}/api/messages")
    assert status == 200 and isinstance(json.loads(body)["messages"], list)
    clone.stop(proc, "sms_gateway")


def check_postal_gateway(clone: Clone) -> None:
    port = _free_port()
    proc = clone.start("postal_gateway", "--port", str(port))
    clone.wait_for(proc, "postal_gateway", lambda: _get(f"http://127.0.0.1:{port}/")[0] == 200)
    with pytest.raises(urllib.error.HTTPError) as unknown:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/api/mailings/EA000000000CN", timeout=5)
    assert unknown.value.code == 404  # an unknown tracking number
    clone.stop(proc, "postal_gateway")


def check_registry_simulator(clone: Clone) -> None:
    """The registry simulator answers a bulk inquiry (with its token) and refuses one without."""
    port = _free_port()
    proc = clone.start("registry_simulator", "--port", str(port), "--delay", "0")
    clone.wait_for(proc, "registry_simulator", lambda: _get(f"http://127.0.0.1:{port}/")[0] == 200)
    body = json.dumps(
        {"as_of": "2026-03-02", "subjects": [{"reference": "r1", "name": "张三", "id_number": "1"}]}
    ).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/inquiries",
        data=body,
        headers={"Authorization": "Bearer registry-demo-token", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 202 and json.loads(answer.read())["request"]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(
            urllib.request.Request(f"http://127.0.0.1:{port}/api/inquiries", data=body), timeout=5
        )
    assert refused.value.code == 401
    clone.stop(proc, "registry_simulator")


def check_verify_service(clone: Clone) -> None:
    """The demo served its filed series: every hash and signature of a served case checks out."""
    with sqlite3.connect(clone.database, timeout=30) as db:
        row = db.execute(
            "SELECT c.case_number FROM service_service s JOIN cases_case c ON c.id = s.case_id "
            "WHERE s.state = 'served' ORDER BY s.id LIMIT 1"
        ).fetchone()
    assert row, "the demo served no case"
    assert "✗" not in clone.run("verify_service", "--case", row[0])


def check_judgment_show(clone: Clone) -> None:
    """The demo judged its served series: one effective judgment's figures as one JSON object
    (the case has gone on to enforcement since), and an unknown case number refused (exit 1, a
    message in Chinese)."""
    with sqlite3.connect(clone.database, timeout=30) as db:
        row = db.execute(
            "SELECT c.case_number, c.state FROM judgments_judgment j "
            "JOIN cases_case c ON c.id = j.case_id "
            "WHERE j.kind = 'judgment' AND j.state = 'effective' ORDER BY j.id LIMIT 1"
        ).fetchone()
    assert row, "the demo has no effective judgment"
    shown = _json_object(clone.run("judgment_show", row[0], "--json"))
    assert shown["case_number"] == row[0] and shown["state"] == row[1]
    assert row[1] in ("effective", "in_enforcement", "terminated_for_now", "closed")
    assert 0 < shown["awarded_total"] <= shown["claimed_total"]
    assert round(shown["fee_plaintiff"] + shown["fee_defendants"], 2) == shown["acceptance_fee"]
    unknown = subprocess.run(
        [*JIEFEN, "judgment_show", "（2099）渝0105民初1号", "--json"],
        cwd=clone.root,
        env=clone.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert unknown.returncode == 1 and "（2099）渝0105民初1号" in unknown.stderr


def _check_worker(clone: Clone, name: str) -> None:
    """The worker takes every queued task (the demo leaves notice deliveries queued, and one
    more is queued here) and runs it without a failure."""
    clone.run(
        "shell", "-c", "from jiefen.mediation.tasks import deliver_notices_task as t; t.enqueue([])"
    )
    before = clone.queued_tasks().get("SUCCESSFUL", 0)
    proc = clone.start(name)

    def drained() -> bool:
        tasks = clone.queued_tasks()
        return (
            not tasks.get("READY")
            and not tasks.get("RUNNING")
            and tasks.get("SUCCESSFUL", 0) > before
        )

    clone.wait_for(proc, name, drained)
    assert clone.queued_tasks().get("FAILED", 0) == 0, clone.log(name)
    clone.stop(proc, name)


def check_db_worker(clone: Clone) -> None:
    _check_worker(clone, "db_worker")


def check_worker(clone: Clone) -> None:
    _check_worker(clone, "worker")


def check_demo_serves(clone: Clone) -> None:
    """`jiefen demo` without --no-serve: seeds again from scratch (--reset) and serves the site."""
    port = _free_port()
    proc = clone.start("demo", "--reset", "--cases", "60", "--port", str(port))
    clone.wait_for(proc, "demo", lambda: _get(f"http://127.0.0.1:{port}/login/")[0] == 200)
    # The gateway simulator the demo started holds the SMS sent to the borrowers.
    status, body = _get(f"http://127.0.0.1:{clone.gateway_port}/api/messages")
    assert status == 200 and json.loads(body)["messages"]
    clone.stop(proc, "demo")


def check_api_token(clone: Clone) -> None:
    """A token issued on the command line (last line) opens the bank's cases over the API of the
    production server; `jiefen serve` answers, runs its worker and stops cleanly on Ctrl-C."""
    token = clone.run("api_token", "create", "--institution", "BANK01", "--name", "核心系统")
    token = token.strip().splitlines()[-1]
    assert "核心系统" in clone.run("api_token", "list")
    port = _free_port()
    proc = clone.start("serve", "--port", str(port), "--workers", "1")
    clone.wait_for(proc, "serve", lambda: _get(f"http://127.0.0.1:{port}/login/")[0] == 200)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/cases?limit=1",
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert json.loads(response.read())["count"] > 0
    refused = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/cases", headers={"Authorization": "Bearer jf_wrong"}
    )
    with pytest.raises(urllib.error.HTTPError) as denied:
        urllib.request.urlopen(refused, timeout=30)
    assert denied.value.code == 401
    clone.stop(proc, "serve")


def check_backup_and_restore(clone: Clone) -> None:
    """The demo's state backed up, restored into a fresh database and working directory (as on a
    new machine): the audit chain verifies there."""
    backup = clone.root / "backup"
    clone.run("backup", "--out", str(backup))
    assert (backup / "manifest.json").is_file()
    elsewhere = clone.root / "restored"
    env = {
        **clone.env,
        "JIEFEN_VAR_DIR": str(elsewhere / "var"),
        "DATABASE_URL": f"sqlite:///{elsewhere / 'var' / 'jiefen.sqlite3'}",
    }
    for args in (("restore", str(backup)), ("audit_verify",)):
        done = subprocess.run(
            [*JIEFEN, *args], cwd=clone.root, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, f"jiefen {args[0]}: {done.stdout[-2000:]}{done.stderr[-3000:]}"


def check_deploy_check(clone: Clone) -> None:
    """`jiefen check --deploy` with the newcomer's defaults (debug off) warns only of what the
    HTTPS proxy covers."""
    done = subprocess.run(
        [*JIEFEN, "check", "--deploy"],
        cwd=clone.root,
        env=clone.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    said = set(re.findall(r"\(security\.(W\d+)\)", done.stdout + done.stderr))
    assert said == {"W004", "W008", "W012", "W016"}, done.stdout + done.stderr


# In the order a newcomer meets them: `demo --no-serve` first (it must create everything), the
# served demo last (it resets the database).
CHECKS: dict[str, Callable[[Clone], None]] = {
    "demo": check_demo,
    "stats": check_stats,
    "white_paper": check_white_paper,
    "anonymise": check_anonymise,
    "audit_verify": check_audit_verify,
    "law": check_law,
    "gen_batch": check_gen_and_import_batch,
    "import_batch": check_gen_and_import_batch,
    "intake_resume": check_intake_resume,
    "filing_resume": check_filing_resume,
    "sms_gateway": check_sms_gateway,
    "postal_gateway": check_postal_gateway,
    "registry_simulator": check_registry_simulator,
    "verify_service": check_verify_service,
    "judgment_show": check_judgment_show,
    "db_worker": check_db_worker,
    "worker": check_worker,
    "api_token": check_api_token,
    "serve": check_api_token,
    "backup": check_backup_and_restore,
    "restore": check_backup_and_restore,
    "check": check_deploy_check,
}


def _newcomer_env() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("JIEFEN_")
        # DJANGO_ALLOW_ASYNC_UNSAFE: set in this process for Playwright, never by an operator
        and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }


@pytest.mark.slow
def test_the_first_command_creates_the_var_directory_owner_only(tmp_path: Path) -> None:
    """On a fresh clone nothing has made `./var`: the first command run makes it, 0700, and the
    folder of a SQLite file named by DATABASE_URL ("unable to open database file" before)."""
    env = _newcomer_env()
    subprocess.run([*JIEFEN, "migrate", "-v0"], cwd=tmp_path, env=env, check=True, timeout=300)
    var = tmp_path / "var"
    assert (var / "jiefen.sqlite3").is_file()
    assert var.stat().st_mode & 0o777 == 0o700
    elsewhere = tmp_path / "data" / "deeper" / "db.sqlite3"
    env["DATABASE_URL"] = f"sqlite:///{elsewhere}"
    subprocess.run([*JIEFEN, "migrate", "-v0"], cwd=tmp_path, env=env, check=True, timeout=300)
    assert elsewhere.is_file()
    assert elsewhere.parent.stat().st_mode & 0o777 == 0o700


def test_every_documented_command_has_a_check() -> None:
    documented = documented_commands(README.read_text("utf-8"))
    assert "demo" in documented and "stats" in documented  # the parser finds the table
    assert [name for name in documented if name not in CHECKS] == []


@pytest.mark.slow
def test_every_documented_command_works_on_a_fresh_clone(tmp_path: Path) -> None:
    gateway_port = _free_port()
    env = _newcomer_env()
    # Not a setting a newcomer makes; only so that parallel runs never share the demo's gateway.
    env["JIEFEN_SMS_GATEWAY_URL"] = f"http://127.0.0.1:{gateway_port}"
    env["JIEFEN_REGISTRY_URL"] = f"http://127.0.0.1:{_free_port()}"
    clone = Clone(tmp_path, env, gateway_port)
    documented = documented_commands(README.read_text("utf-8"))
    try:
        done: set[Callable[[Clone], None]] = set()
        for name, check in CHECKS.items():
            if name in documented and check not in done:
                check(clone)
                done.add(check)
        if "demo" in documented:
            check_demo_serves(clone)
    finally:
        for proc in clone.started:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
