"""Production serving (issue 14, point 1): `jiefen serve`, security headers, the secret key.

`jiefen serve` runs here as an operator runs it: the console command in a subprocess, on a
migrated SQLite database in a fresh working directory, with none of the test session's JIEFEN_*
settings. It must answer with the security headers, serve the static files, run the tasks the
queue holds, stop every process it started on SIGTERM or Ctrl-C, and stop the whole when one of
its processes dies (so that the service manager restarts it).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "jiefen"
_ENTRY = Path(sys.executable).with_name("jiefen")
JIEFEN = [str(_ENTRY)] if _ENTRY.exists() else [sys.executable, "-m", "jiefen.manage"]
BOUND = 180  # seconds a process may take to answer or to stop (a loaded 2-core machine)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _operator_env(root: Path) -> dict[str, str]:
    """A shell with no jiefen settings but a working directory and a database of its own."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("JIEFEN_")
        # DJANGO_ALLOW_ASYNC_UNSAFE: set in this process for Playwright, never by an operator
        and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env["JIEFEN_VAR_DIR"] = str(root / "var")
    env["DATABASE_URL"] = f"sqlite:///{root / 'var' / 'jiefen.sqlite3'}"
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*JIEFEN, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def _descendants(pid: int) -> set[int]:
    """Every process below `pid` (Linux /proc), children of children included."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class Served:
    """A running `jiefen serve` and where it answers."""

    proc: subprocess.Popen[bytes]
    url: str
    root: Path
    env: dict[str, str]

    def log(self) -> str:
        out = (self.root / "serve.out").read_text(errors="replace")
        err = (self.root / "serve.err").read_text(errors="replace")
        return f"stdout:\n{out[-2000:]}\nstderr:\n{err[-3000:]}"

    def children(self) -> set[int]:
        """The web server, its workers and the task workers, once all have started."""
        deadline = time.monotonic() + BOUND
        while True:
            pids = _descendants(self.proc.pid)
            commands = [Path(f"/proc/{p}/cmdline").read_bytes() for p in pids if _running(p)]
            web = sum(b"gunicorn" in c for c in commands)
            workers = sum(b"worker" in c and b"gunicorn" not in c for c in commands)
            if web >= 2 and workers >= 1:
                return pids
            assert self.proc.poll() is None, f"jiefen serve exited\n{self.log()}"
            assert time.monotonic() < deadline, f"not all processes started\n{self.log()}"
            time.sleep(0.3)

    def wait_exit(self) -> int:
        try:
            return self.proc.wait(timeout=BOUND)
        except subprocess.TimeoutExpired:
            pytest.fail(f"jiefen serve did not stop\n{self.log()}")


def _get(url: str, headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(url, headers=headers or {})
    return urllib.request.urlopen(request, timeout=30)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("serve")
    env = _operator_env(root)
    done = _run(env, "migrate", "-v0")
    assert done.returncode == 0, done.stderr[-3000:]
    return root, env


def _start(root: Path, env: dict[str, str], *args: str) -> Served:
    port = _free_port()
    proc = subprocess.Popen(
        [*JIEFEN, "serve", "--port", str(port), *args],
        env=env,
        stdout=(root / "serve.out").open("wb"),
        stderr=(root / "serve.err").open("wb"),
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    served = Served(proc, f"http://127.0.0.1:{port}", root, env)
    deadline = time.monotonic() + BOUND
    while True:
        try:
            with _get(f"{served.url}/login/") as response:
                if response.status == 200:
                    return served
        except OSError:
            pass
        assert proc.poll() is None, f"jiefen serve exited {proc.returncode}\n{served.log()}"
        assert time.monotonic() < deadline, f"jiefen serve did not answer\n{served.log()}"
        time.sleep(0.3)


def _stop(served: Served) -> None:
    if served.proc.poll() is None:
        os.killpg(served.proc.pid, signal.SIGKILL)
        served.proc.wait()


@pytest.fixture(scope="module")
def site(migrated: tuple[Path, dict[str, str]]) -> Iterator[Served]:
    """`jiefen serve` with two task workers; the scheduler queues its job every second."""
    root, env = migrated
    env = {**env, "JIEFEN_INTAKE_RESUME_CRON": "* * * * * *"}
    served = _start(root, env, "--workers", "2", "--web-workers", "1")
    yield served
    if served.proc.poll() is None:
        served.proc.send_signal(signal.SIGTERM)
        served.wait_exit()
    _stop(served)


@pytest.mark.slow
def test_pages_carry_the_security_headers_and_static_files_are_served(site: Served) -> None:
    with _get(f"{site.url}/login/") as response:
        page = response.read().decode()
        headers = response.headers
    assert headers["Server"].startswith("gunicorn")
    csp = headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self';",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ):
        assert directive in csp
    assert "unsafe-eval" not in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP: HSTS only behind HTTPS
    # The stylesheet the page links to, as the browser asks for it (compressed).
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+\.css)"', page)
    assert stylesheet, page
    with _get(site.url + stylesheet.group(1), {"Accept-Encoding": "gzip"}) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/css")
        assert response.headers["Content-Encoding"] == "gzip"
    with _get(f"{site.url}/static/web/behaviour.js") as response:
        assert b"data-autosubmit" in response.read()


def _task_statuses(root: Path, task: str) -> list[str]:
    with sqlite3.connect(root / "var" / "jiefen.sqlite3", timeout=30) as db:
        rows = db.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path LIKE ?",
            (f"%{task}",),
        ).fetchall()
    return [status for (status,) in rows]


@pytest.mark.slow
def test_queued_tasks_are_run_and_the_scheduler_queues_its_jobs(site: Served) -> None:
    # A task queued from elsewhere (another process, as a page or the API does).
    queued = _run(
        site.env,
        "shell",
        "-c",
        "from jiefen.docket.tasks import resume_stale_jobs; "
        "print(resume_stale_jobs.enqueue(timestamp=0).id)",
    )
    assert queued.returncode == 0, queued.stderr[-3000:]
    task_id = queued.stdout.strip().splitlines()[-1].replace("-", "")
    deadline = time.monotonic() + BOUND
    while True:
        with sqlite3.connect(site.root / "var" / "jiefen.sqlite3", timeout=30) as db:
            row = db.execute(
                "SELECT status FROM django_tasks_database_dbtaskresult "
                "WHERE replace(id, '-', '') = ?",
                (task_id,),
            ).fetchone()
        scheduled = _task_statuses(site.root, "resume_stale_batches")
        if row and row[0] == "SUCCESSFUL" and "SUCCESSFUL" in scheduled:
            break
        assert site.proc.poll() is None, site.log()
        assert time.monotonic() < deadline, f"task {row}, scheduled {scheduled}\n{site.log()}"
        time.sleep(0.5)


@pytest.mark.slow
def test_sigterm_stops_every_process(site: Served) -> None:
    """A service manager's stop: every process `jiefen serve` started ends, and it exits 0.
    (Last of the tests on `site`, which it stops; Ctrl-C is the README check's stop.)"""
    children = site.children()
    site.proc.send_signal(signal.SIGTERM)
    assert site.wait_exit() == 0, site.log()
    assert [pid for pid in children if _running(pid)] == []
    assert "已全部停止" in site.log()


@pytest.mark.slow
def test_a_dead_process_stops_the_whole(migrated: tuple[Path, dict[str, str]]) -> None:
    root, env = migrated
    served = _start(root, env, "--workers", "1", "--web-workers", "1")
    try:
        children = served.children()
        worker = next(
            pid
            for pid in children
            if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes()
            and b"gunicorn" not in Path(f"/proc/{pid}/cmdline").read_bytes()
        )
        os.kill(worker, signal.SIGKILL)
        assert served.wait_exit() != 0
        assert [pid for pid in children if _running(pid)] == []
        assert "意外退出" in served.log()
    finally:
        _stop(served)


# --------------------------------------------------------------------- deployment checks


def _deploy_warnings(tmp_path: Path, **extra: str) -> tuple[str, set[str]]:
    env = {**_operator_env(tmp_path), **extra}
    done = _run(env, "check", "--deploy")
    output = done.stdout + done.stderr
    return output, set(re.findall(r"\((security\.\w+|[\w.]+\.[EW]\d+)\)", output))


def test_deploy_check_names_only_what_https_termination_covers(tmp_path: Path) -> None:
    output, codes = _deploy_warnings(tmp_path)
    assert codes == {"security.W004", "security.W008", "security.W012", "security.W016"}, output


def test_deploy_check_is_clean_behind_https(tmp_path: Path) -> None:
    output, codes = _deploy_warnings(
        tmp_path, JIEFEN_HTTPS="1", JIEFEN_PUBLIC_URL="https://jiefen.court.example"
    )
    assert codes == set(), output
    assert "no issues" in output


def test_behind_https_the_site_insists_on_https(tmp_path: Path) -> None:
    """HSTS for a year with subdomains, secure cookies, the proxy's scheme header trusted and the
    public address a trusted origin for forms."""
    env = {
        **_operator_env(tmp_path),
        "JIEFEN_HTTPS": "1",
        "JIEFEN_PUBLIC_URL": "https://jiefen.court.example/",
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS)"
    )
    done = _run(env, "shell", "-c", code)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == (
        "31536000 True False True True True ('HTTP_X_FORWARDED_PROTO', 'https') "
        "['https://jiefen.court.example']"
    )


# ------------------------------------------------------------------------- secret key


class _Secret:
    """`jiefen shell` printing the secret key the process uses."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [
                *JIEFEN,
                "shell",
                "-c",
                "from django.conf import settings; print(settings.SECRET_KEY)",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def key(self) -> str:
        out, err = self.proc.communicate(timeout=300)
        assert self.proc.returncode == 0, err[-3000:]
        return out.strip().splitlines()[-1]


def _secret(env: dict[str, str]) -> str:
    return _Secret(env).key()


@pytest.mark.slow
def test_the_secret_key_is_made_once_owner_only_and_shared(tmp_path: Path) -> None:
    """With no JIEFEN_SECRET_KEY, the first processes (started together) make one random key
    in the keys folder and all read it (so does every later process: it is the file)."""
    env = _operator_env(tmp_path)
    started = [_Secret(env) for _ in range(3)]
    keys = {proc.key() for proc in started}
    assert len(keys) == 1
    (key,) = keys
    assert len(key) >= 50 and "dev-only" not in key
    stored = tmp_path / "var" / "keys" / "secret_key"
    assert stored.read_text().strip() == key
    assert stored.stat().st_mode & 0o777 == 0o600
    assert stored.parent.stat().st_mode & 0o777 == 0o700
    assert [p.name for p in stored.parent.iterdir()] == ["secret_key"]  # no temporary left
    # JIEFEN_SECRET_KEY overrides the file.
    given = {**env, "JIEFEN_SECRET_KEY": "k" * 60}
    assert _secret(given) == "k" * 60


# ----------------------------------------------------------------- the policy in pages


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I | re.S)


def test_no_template_has_inline_script_or_event_handler() -> None:
    """The policy runs scripts from static files only: an inline `<script>` or an `onclick=`
    in a template would silently stop working in every browser."""
    offending: list[str] = []
    for template in sorted(SRC.glob("**/templates/**/*.html")):
        text = template.read_text("utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER, re.compile(r"javascript:", re.I)):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offending.append(f"{template.relative_to(SRC)}:{line}: {match.group(0)[:60]}")
    assert offending == []


def test_every_page_carries_the_policy(client: Any, agent: Any) -> None:
    client.force_login(agent)
    for url in ("/login/", "/", "/api/v1/docs"):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert "script-src 'self';" in response["Content-Security-Policy"], url
        assert response["X-Frame-Options"] == "DENY"
