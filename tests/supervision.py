"""What the supervisor tests read from supervisord: when it saw a process killed and started the
next one (its log), and whether a pid is still a live process."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from binrelay_devservers.stack import respawn_times

__all__ = ["alive", "kill_leftover_supervisor", "respawn_times", "terminate"]


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie is gone for our purpose: its parent, if not us, reaps it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] != "Z"
    except OSError:
        return False


def kill_leftover_supervisor(run: Path) -> None:
    """After a test that failed before its `down`: the supervisord of ``run``, if still there, is
    killed (SIGKILL; its children die with their parent's socket, or are found by `down` later)."""
    pid_file = run / "supervisord.pid"
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass


def terminate(proc: subprocess.Popen[bytes], grace: float = 30) -> None:
    """SIGTERM to a process a test started, then SIGKILL if it is still there after ``grace`` s."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
