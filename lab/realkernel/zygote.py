# SPDX-License-Identifier: GPL-2.0-only
"""The zygote: a clean, ASLR-free interpreter that forks one fresh child per scenario.

Started once (`python -m lab.realkernel.zygote`), it execs itself again if need be so that
ADDR_NO_RANDOMIZE and the stock 8 MiB stack limit hold from exec (personality and the stack
limit shape the address space only then), with the C library's malloc taking all memory
from the heap (so the runner's own allocations never land among a scenario's mappings).
It then reads one JSON request a line on stdin, forks a child that runs it, and answers one
JSON line on stdout. Forking is what makes a fresh process cheap: the child starts from the
zygote's pristine state, imports already done.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time

ADDR_NO_RANDOMIZE = 0x0040000
STACK_LIMIT = 8 << 20
ENV = {
    "PYTHONMALLOC": "malloc",
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    # Grow the heap in large steps and never give it back; nothing big enough to be mmap()ed
    "GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=33554432:glibc.malloc.top_pad=67108864:"
                      "glibc.malloc.trim_threshold=4294967296:glibc.malloc.arena_max=1",
    "MALLOC_ARENA_MAX": "1",
}
CHILD_TIMEOUT = 120.0


def _exec_state_ok() -> bool:
    import resource

    from lab.realkernel import syscalls

    persona = syscalls.personality(0xFFFFFFFF)
    soft = resource.getrlimit(resource.RLIMIT_STACK)[0]
    return bool(persona & ADDR_NO_RANDOMIZE) and soft == STACK_LIMIT and \
        all(os.environ.get(k) == v for k, v in ENV.items())


def _reexec() -> None:
    import resource

    from lab.realkernel import syscalls

    syscalls.personality(syscalls.personality(0xFFFFFFFF) | ADDR_NO_RANDOMIZE)
    hard = resource.getrlimit(resource.RLIMIT_STACK)[1]
    resource.setrlimit(resource.RLIMIT_STACK, (STACK_LIMIT, hard))
    env = {**os.environ, **ENV}
    os.execve(sys.executable, [sys.executable, "-m", "lab.realkernel.zygote"], env)


def _warm_up() -> None:
    """Import and touch everything a child uses, so the child loads nothing new."""
    import ctypes  # noqa: F401

    from lab.kernel.include.uapi.errno import ERRNO_NAMES  # noqa: F401
    from lab.realkernel import execute, sysctl  # noqa: F401
    from lab.runner import scenario_constants
    from lab.scenario import evaluate, parse_statement

    constants = scenario_constants()
    stmt = parse_statement("p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, -1, 0)", 1, "-e",
                           constants, ())
    [evaluate(a, constants) for a in stmt.args]


def _serve_one(request: dict) -> dict:
    from lab.realkernel.execute import run_request
    from lab.realkernel.workspace import remove_tree

    r, w = os.pipe2(os.O_CLOEXEC)
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(r)
            doc = run_request(request, w)
            fd = doc.pop("_result_fd")
            view = memoryview(json.dumps(doc).encode())
            while view:
                view = view[os.write(fd, view):]
        except BaseException:
            code = 70
        os._exit(code)
    os.close(w)
    chunks, deadline = [], time.monotonic() + request.get("timeout", CHILD_TIMEOUT)
    timed_out = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([r], [], [], left)[0]:
            os.kill(pid, signal.SIGKILL)
            timed_out = True
            break
        chunk = os.read(r, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(r)
    _, status = os.waitpid(pid, 0)
    remove_tree(request["workdir"])
    if timed_out:
        return {"error": f"the scenario's process took longer than "
                         f"{request.get('timeout', CHILD_TIMEOUT)} s and was killed"}
    if not chunks:
        return {"error": f"the scenario's process ended without a result (status {status})"}
    return {"doc": json.loads(b"".join(chunks))}


def main() -> int:
    if not _exec_state_ok():
        _reexec()
    _warm_up()
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            reply = _serve_one(json.loads(line))
        except Exception as err:  # keep serving: one bad request must not stop the rest
            reply = {"error": f"zygote: {err!r}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
