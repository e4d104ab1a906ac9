# SPDX-License-Identifier: GPL-2.0-only
"""run_real(): a scenario on this machine's real kernel, as a `mmaplab run --json` document.

The work happens in zygote processes (see `zygote`); this module owns them, decides which
scenarios must run alone (those that change the machine: sysctl, swap), and puts the
machine's sysctls back afterwards.
"""

from __future__ import annotations

import atexit
import functools
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

from lab.realkernel import host, sysctl
from lab.realkernel.world import sim_world

_counter = itertools.count()


class Zygote:
    """One zygote process and its pipes."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lab.realkernel.zygote"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, bufsize=1,
            cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))

    def ask(self, request: dict) -> dict:
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the real-kernel zygote died")
        return json.loads(line)

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


class _Pool:
    """Idle zygotes, handed out one per concurrent run."""

    def __init__(self) -> None:
        self.idle: list[Zygote] = []
        self.lock = threading.Lock()
        atexit.register(self.close)

    def take(self) -> Zygote:
        with self.lock:
            if self.idle:
                return self.idle.pop()
        return Zygote()

    def give(self, z: Zygote) -> None:
        with self.lock:
            self.idle.append(z)

    def close(self) -> None:
        with self.lock:
            for z in self.idle:
                z.close()
            self.idle.clear()


_pool = _Pool()


def _statements(scenario) -> list[tuple[int, str]]:
    """(line, text) of each statement: from a parsed Scenario, or from text."""
    if isinstance(scenario, str):
        from lab.runner import scenario_constants
        from lab.scenario import parse_scenario, split_statements

        scenario = parse_scenario(split_statements(scenario), "-e", scenario_constants())
    return [(s.line, s.text) for s in scenario]


def _changes_machine(statements: list[tuple[int, str]]) -> bool:
    return any(text.lstrip().startswith("sysctl(") or "sysctl(" in text or
               "swapfile" in text for _, text in statements)


def _skipped(reason: str) -> dict:
    release = platform.release()
    return {"kernel": release, "host_kernel": release, "skipped": reason, "error": None,
            "initial_maps": [], "events": [], "runner": {}}


def run_real(scenario, *, timeout: float = 120.0) -> dict:
    """Run a scenario (a parsed Scenario or its text) on this machine's kernel.

    A scenario with sysctl() changes the whole machine while it runs (it runs alone, and
    every value is put back after): strict overcommit, for one, holds for every program
    for those milliseconds. Set MMAPLAB_REAL_NO_SYSCTL=1 to skip such scenarios instead.
    The document has the shape of `mmaplab run --json`, plus "host_kernel", "skipped"
    (a reason, or None), "error" (a runner or scenario error, or None) and "runner"
    (what the runner adjusted). Rows of the runner's own memory carry "owner": "runner".
    """
    ok, reason = host.available()
    if not ok:
        return _skipped(reason)
    statements = _statements(scenario)
    privileged = host.privileged()
    exclusive = _changes_machine(statements)
    if exclusive and not privileged:
        return _skipped("the scenario changes the machine (sysctl or a swap file), which "
                        "needs root")
    if exclusive and os.environ.get("MMAPLAB_REAL_NO_SYSCTL"):
        return _skipped("MMAPLAB_REAL_NO_SYSCTL is set: scenarios that change the whole "
                        "machine (sysctl, swap) are not run")
    request = {"statements": statements, "world": sim_world().to_json(),
               "privileged": privileged, "timeout": timeout,
               "workdir": os.path.join(host.run_root(), f"run-{os.getpid()}-{next(_counter)}")}
    with sysctl.machine_lock(exclusive):
        saved = sysctl.save() if exclusive else None
        z = _pool.take()
        try:
            reply = z.ask(request)
        except Exception:
            z.close()
            raise
        finally:
            if saved is not None:
                sysctl.restore(saved)
        _pool.give(z)
    if "error" in reply:
        doc = _skipped(None)
        doc["error"] = reply["error"]
        return doc
    doc = reply["doc"]
    doc["runner"]["facts"] = _facts()
    return doc


@functools.cache
def _facts() -> dict:
    from lab.realkernel.known import host_facts

    return host_facts()


def run_many(scenarios, jobs: int | None = None, *, timeout: float = 120.0) -> list[dict]:
    """run_real over many scenarios, `jobs` at a time (default: one per CPU)."""
    jobs = jobs or os.cpu_count() or 1

    def one(scenario) -> dict:
        try:
            return run_real(scenario, timeout=timeout)
        except Exception as err:  # a scenario error: this one fails, the others run
            doc = _skipped(None)
            doc["error"] = str(err)
            return doc

    with ThreadPoolExecutor(jobs) as ex:
        return list(ex.map(one, scenarios))


def default_run_root() -> str:
    return tempfile.gettempdir()
