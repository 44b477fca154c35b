"""`jiefen serve`: the web server (gunicorn) and the task workers, started and stopped together.

Why one supervisor: a court's service manager (systemd, a container runtime) runs one command
and restarts it when it ends. So `jiefen serve` ends, non-zero, as soon as any of its children
dies unexpectedly (after stopping the others), and on SIGINT/SIGTERM it stops every child
gracefully: SIGTERM to each (gunicorn finishes the requests in flight, a task worker the task
it runs), then SIGKILL to the process group of any child still alive after the bound. A child is
never left behind: each runs in its own process group (Ctrl-C in a terminal reaches the
supervisor alone, which stops them in order) and gets SIGTERM from the kernel if the
supervisor itself is killed (Linux PR_SET_PDEATHSIG, `guarded`).

The scheduler runs in the first task worker only. Several schedulers would be safe (each slot
is claimed by one row under a unique constraint, `jiefen.scheduling`), but on one machine they
add nothing but contention for that row; several machines running `jiefen serve` each have one,
which is safe for the same reason. Since a dead worker stops the whole, there is never a
`jiefen serve` without its scheduler.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType
from typing import Protocol

# Seconds a child has to stop after SIGTERM before it is killed. Gunicorn's own graceful
# timeout is shorter, so it finishes or drops its requests before the supervisor's bound.
STOP_TIMEOUT = 30.0
GUNICORN_GRACEFUL_TIMEOUT = 25
# A request may take this long before gunicorn replaces its worker (a large batch upload, a
# ZIP of a series' documents).
GUNICORN_TIMEOUT = 120


def gunicorn_command(host: str, port: int, workers: int, threads: int) -> list[str]:
    """Gunicorn with threaded workers: jiefen is a synchronous Django app whose requests wait on
    the database and on typst/pyHanko, so a few processes with threads each serve it well.
    Access log to stdout, errors to stderr (the service manager's journal keeps both). No
    control socket: its default path is shared by every gunicorn of the user on the machine."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "jiefen.wsgi:application",
        "--bind",
        f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--timeout",
        str(GUNICORN_TIMEOUT),
        "--graceful-timeout",
        str(GUNICORN_GRACEFUL_TIMEOUT),
        "--keep-alive",
        "5",
        # Recycle a worker after this many requests (bounds slow memory growth), staggered.
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
        "--no-control-socket",
    ]


def worker_command(*, scheduler: bool) -> list[str]:
    command = [sys.executable, "-m", "jiefen.manage", "worker"]
    return command if scheduler else [*command, "--no-scheduler"]


class Output(Protocol):
    """Where the supervisor reports (a command's stdout, sys.stdout)."""

    def write(self, text: str, /) -> object: ...

    def flush(self) -> None: ...


@dataclass
class Child:
    """One supervised process: what it is (shown to the operator, in Chinese) and how to run it."""

    label: str
    command: list[str]
    process: subprocess.Popen[bytes] | None = None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


# Started in front of every child (then replaced by it, same pid): asks the kernel for SIGTERM
# when the supervisor dies, and exits if it died already. A separate `python -S` rather than
# Popen's preexec_fn, which is unsafe in a process with threads (the demo's gateway simulator).
_GUARD = """
import ctypes, os, signal, sys
if sys.platform == "linux":
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG, kept across exec
if os.getppid() != int(sys.argv[1]):
    sys.exit(0)
os.execv(sys.argv[2], sys.argv[2:])
"""


def guarded(command: list[str], parent: int) -> list[str]:
    """`command` run so that it gets SIGTERM if `parent` dies (Linux)."""
    return [sys.executable, "-S", "-c", _GUARD, str(parent), *command]


@dataclass
class Supervisor:
    children: list[Child]
    out: Output
    stop_timeout: float = STOP_TIMEOUT
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    _stop_signal: int | None = None

    def _request_stop(self, signum: int, frame: FrameType | None) -> None:
        self._stop_signal = signum

    def _say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def run(self, on_started: Callable[[], None] | None = None) -> int:
        """Start every child, watch them, stop them all; 0 after a requested stop, 1 if a child
        died on its own (or could not start)."""
        previous = {
            signum: signal.signal(signum, self._request_stop)
            for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        }
        env = {**self.env, "PYTHONUNBUFFERED": "1"}
        failed: Child | None = None
        try:
            for child in self.children:
                if self._stop_signal is not None:
                    break
                child.process = subprocess.Popen(
                    guarded(child.command, os.getpid()), env=env, process_group=0
                )
            if on_started is not None and self._stop_signal is None:
                on_started()
            while self._stop_signal is None and failed is None:
                failed = next((c for c in self.children if not c.alive), None)
                if failed is None:
                    time.sleep(0.2)
        finally:
            if failed is not None:
                code = failed.process.returncode if failed.process else None
                self._say(f"{failed.label}意外退出（退出码 {code}），正在停止其余进程……")
            elif self._stop_signal is not None:
                self._say(f"收到 {signal.Signals(self._stop_signal).name} 信号，正在停止全部进程……")
            self._stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return 1 if failed is not None else 0

    def _stop_all(self) -> None:
        running = [c for c in self.children if c.alive]
        for child in running:
            assert child.process is not None
            _signal(child.process.pid, signal.SIGTERM, group=False)
        deadline = time.monotonic() + self.stop_timeout
        for child in running:
            assert child.process is not None
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._say(f"{child.label}未在 {self.stop_timeout:.0f} 秒内停止，强制结束")
        for child in self.children:
            if child.process is None:
                continue
            # The whole group: a gunicorn master's workers too, were it killed first.
            _signal(child.process.pid, signal.SIGKILL, group=True)
            child.process.wait()
        self._say("已全部停止。")


def _signal(pid: int, signum: int, *, group: bool) -> None:
    try:
        if group:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)
    except ProcessLookupError:
        pass
