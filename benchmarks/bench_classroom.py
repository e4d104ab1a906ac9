#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Classroom load: N followers while the instructor steps R times a second for S seconds.

    python benchmarks/bench_classroom.py                     # 50 followers, 10 Hz, 60 s
    python benchmarks/bench_classroom.py --seconds 10        # shorter
    python benchmarks/bench_classroom.py --no-app --no-ssh   # the socket figures only

Followers are `python -m lab.classroom.follow --print` processes (one JSON line per state,
to a file); the instructor is `python -m lab.classroom.headless --rate`. Delay is the
instructor's timestamp in the message to the follower's receipt (one clock: one machine).
Dropped = gaps in the sequence numbers a follower received. Then the peak RSS (VmHWM) and
PSS of a follower, of a full-app follower (`mmaplab follow` in tmux) and of an SSH session
(`mmaplab serve --ssh --follow`, one OpenSSH client), and what a 24 GiB server holds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
GIB = 1 << 30


def mem(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM (peak RSS) and Pss of a process, in bytes."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) * 1024
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    out["Pss"] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return out


def children(pid: int) -> list[int]:
    kids = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            kids += [int(x) for x in f.read().split()]
    return kids


def mib(n: float) -> str:
    return f"{n / (1 << 20):.1f} MiB"


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def tmux(sock: str, *args: str) -> str:
    return subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", *args], capture_output=True,
                          text=True).stdout


def wait_pane(sock: str, name: str, text: str, timeout: float = 30) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if text in tmux(sock, "capture-pane", "-p", "-t", name):
            return True
        time.sleep(0.2)
    return False


def run(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix="bench-classroom-"))
    cls = work / "cls"
    name = "bench"
    sock = f"bench-classroom-{os.getpid()}"
    followers = []
    for i in range(args.followers):
        out = open(work / f"f{i}.jsonl", "w")
        followers.append(subprocess.Popen(
            [PY, "-m", "lab.classroom.follow", name, "--dir", str(cls), "--print"],
            cwd=ROOT, stdout=out, stderr=subprocess.DEVNULL))
    extra = {}
    want = args.followers
    server = None
    if args.app and shutil.which("tmux"):
        tmux(sock, "new-session", "-d", "-s", "app", "-x", "100", "-y", "30",
             f"cd {ROOT} && exec {PY} -m lab follow {name} --dir {cls}")
        want += 1
    if args.ssh and shutil.which("ssh") and shutil.which("tmux"):
        server = subprocess.Popen(
            [PY, "-m", "lab", "serve", "--ssh", "--port", "0", "--no-auth", "--follow", name,
             "--dir", str(cls), "--host-key", str(work / "hk")],
            cwd=ROOT, stderr=subprocess.PIPE, text=True)
        line = server.stderr.readline()
        port = line.split("127.0.0.1:")[1].split()[0]
        extra["server_before"] = mem(server.pid)
        tmux(sock, "new-session", "-d", "-s", "ssh", "-x", "100", "-y", "30",
             f"exec ssh -tt -p {port} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
             f" -o LogLevel=ERROR -o BatchMode=yes student@127.0.0.1")
        want += 1
    teacher = subprocess.Popen(
        [PY, "-m", "lab.classroom.headless", name, "--dir", str(cls), "--rate",
         str(args.rate), "--seconds", str(args.seconds), "--wait-followers", str(want)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [json.loads(x) for x in teacher.stdout]
    teacher.wait()
    final = next(d for d in lines if d["event"] == "final")
    stats = next(d for d in lines if d["event"] == "stats")
    start = next(d for d in lines if d["event"] == "start")
    # memory while everything still runs
    f_mem = [mem(p.pid) for p in followers]
    if args.app and shutil.which("tmux"):
        app_pid = int(tmux(sock, "display", "-p", "-t", "app", "#{pane_pid}").strip() or 0)
        ok = wait_pane(sock, "app", f"step {final['global'] + 1}/")
        extra["app"] = (mem(app_pid) if app_pid else {}, ok)
    if server is not None:
        ok = wait_pane(sock, "ssh", f"step {final['global'] + 1}/")
        labs = children(server.pid)
        extra["ssh"] = (mem(server.pid), [mem(p) for p in labs], ok)
    for p in followers:
        p.send_signal(signal.SIGTERM)
    for p in followers:
        p.wait(10)
    if server is not None:
        server.terminate()
        server.wait(10)
    tmux(sock, "kill-server")

    delays, dropped, wrong_final, received = [], 0, 0, 0
    for i in range(args.followers):
        docs = [json.loads(x) for x in open(work / f"f{i}.jsonl")]
        states = [d for d in docs if d["event"] == "state"]
        received += len(states)
        delays += [(d["recv"] - d["sent"]) * 1000 for d in states[1:]]  # [0]: sent on join
        seqs = [d["seq"] for d in states]
        dropped += sum(b - a - 1 for a, b in zip(seqs, seqs[1:]) if b > a + 1)
        last = states[-1] if states else None
        if not last or (last["statement"], last["step"]) != (final["statement"],
                                                              final["step"]):
            wrong_final += 1
    shutil.rmtree(work, ignore_errors=True)

    print(f"{args.followers} followers ({start['followers']} connected at the start, "
          f"counting app and ssh ones), instructor at {args.rate:g} Hz for {args.seconds:g} s: "
          f"{stats['published']} states published, {received} received")
    print(f"  delay instructor step -> follower: median {statistics.median(delays):.2f} ms, "
          f"p95 {pct(delays, 95):.2f} ms, p99 {pct(delays, 99):.2f} ms, "
          f"max {max(delays):.2f} ms")
    print(f"  dropped (sequence gaps): {dropped}; coalesced by the instructor: "
          f"{stats['coalesced']}; cut off: {stats['cut_off']}; followers not on the final "
          f"step: {wrong_final}")
    hwm = max(m["VmHWM"] for m in f_mem)
    pss = statistics.median(m.get("Pss", 0) for m in f_mem)
    print(f"  --print follower: peak RSS {mib(hwm)} (max of {len(f_mem)}), PSS {mib(pss)}")
    per_student = []
    if "app" in extra:
        m, ok = extra["app"]
        if m:
            print(f"  full-app follower (mmaplab follow, 100x30): peak RSS {mib(m['VmHWM'])}, "
                  f"PSS {mib(m.get('Pss', 0))}; on the final step: {ok}")
            per_student.append(("an OpenSSH account running mmaplab follow", m["VmHWM"]))
    if "ssh" in extra:
        srv, labs, ok = extra["ssh"]
        grown = srv["VmRSS"] - extra["server_before"]["VmRSS"]
        lab_hwm = max((m["VmHWM"] for m in labs), default=0)
        print(f"  mmaplab serve: the server {mib(srv['VmRSS'])} ({mib(grown)} more with one "
              f"connection); its lab process peak RSS {mib(lab_hwm)}; on the final step: {ok}")
        per_student.append(("an mmaplab serve session", lab_hwm + max(grown, 0)))
    for what, size in per_student:
        usable = 24 * GIB - 2 * GIB  # the system and the page cache keep ~2 GiB
        print(f"  24 GiB server, {what} at {mib(size)} each (peak RSS, so shared pages "
              f"counted in full): about {int(usable // size)} students")
    ok = wrong_final == 0 and dropped == 0 and pct(delays, 95) < 100
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--followers", type=int, default=50)
    ap.add_argument("--rate", type=float, default=10.0)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--no-app", dest="app", action="store_false")
    ap.add_argument("--no-ssh", dest="ssh", action="store_false")
    return run(ap.parse_args())


if __name__ == "__main__":
    raise SystemExit(main())
