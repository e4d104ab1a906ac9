# SPDX-License-Identifier: GPL-2.0-only
"""A teach session over its real Unix socket, with real processes on both ends.

The instructor is `python -m lab.classroom.headless` (a real Session taught by the real
Broadcaster, driven by commands on stdin); followers are `python -m lab.classroom.follow
--print` processes. The app-hosted versions of the same paths are in test_classroom_tmux.py.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from lab.classroom import protocol
from lab.classroom.broadcast import Broadcaster
from lab.classroom.follow import Follower
from lab.classroom.sockets import ClassroomError
from lab.classroom.state import ClassState
from lab.stepping.session import Position

ROOT = Path(__file__).resolve().parent.parent


class Proc:
    """A child process whose stdout JSON lines are collected as they come."""

    def __init__(self, *argv: str, stdin: bool = False):
        self.p = subprocess.Popen([sys.executable, *argv], cwd=ROOT, text=True,
                                  stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines: list[dict] = []
        self._cv = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.p.stdout:
            with self._cv:
                self.lines.append(json.loads(line))
                self._cv.notify_all()

    def wait_for(self, pred, timeout: float = 10.0) -> dict:
        end = time.monotonic() + timeout
        with self._cv:
            while True:
                for doc in reversed(self.lines):
                    if pred(doc):
                        return doc
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"not seen in {timeout}s; last lines: "
                                         f"{self.lines[-3:]}; stderr: {self._err()}")
                self._cv.wait(min(left, 0.1))

    def _err(self) -> str:
        if self.p.poll() is None:
            return "(running)"
        return self.p.stderr.read()[-2000:]

    def states(self) -> list[dict]:
        with self._cv:
            return [d for d in self.lines if d["event"] == "state"]

    def stop(self) -> None:
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


class Instructor(Proc):
    def __init__(self, name: str, directory: Path, *extra: str):
        super().__init__("-m", "lab.classroom.headless", name, "--dir", str(directory), *extra,
                         stdin=True)
        self.ready = self.wait_for(lambda d: d["event"] in ("ready", "error"), 30)

    def do(self, command: str) -> dict:
        n = len(self.lines)
        self.p.stdin.write(command + "\n")
        self.p.stdin.flush()
        end = time.monotonic() + 10
        while time.monotonic() < end:
            with self._cv:
                if len(self.lines) > n:
                    return self.lines[n]
                self._cv.wait(0.1)
        raise AssertionError(f"no answer to {command!r}")

    def quit(self) -> None:
        self.p.stdin.write("quit\n")
        self.p.stdin.flush()
        self.p.wait(10)


def follower(name: str, directory: Path) -> Proc:
    return Proc("-m", "lab.classroom.follow", name, "--dir", str(directory), "--print")


def at(pos: dict):
    return lambda d: d["event"] == "state" and (d["statement"], d["step"]) == \
        (pos["statement"], pos["step"])


@pytest.fixture
def classdir(tmp_path):
    d = tmp_path / "class"
    yield d


@pytest.fixture
def procs():
    started: list[Proc] = []
    yield started
    for p in started:
        p.stop()


def test_three_followers_see_every_step_breakpoint_panel_and_address(classdir, procs):
    teacher = Instructor("c1", classdir)
    procs.append(teacher)
    students = [follower("c1", classdir) for _ in range(3)]
    procs.extend(students)
    for s in students:
        s.wait_for(lambda d: d["event"] == "status" and d["status"] == "connected")
    seen = []
    for _ in range(5):
        pos = teacher.do("step")
        seen.append((pos["statement"], pos["step"]))
        for s in students:
            s.wait_for(at(pos), 3)
    teacher.do("bp do_mmap")
    teacher.do("panel vmas")
    last = teacher.do("address 0x7ffff7ff0000")
    for s in students:
        got = s.wait_for(lambda d: d["event"] == "state" and d["address"] == 0x7FFFF7FF0000)
        assert (got["statement"], got["step"]) == (last["statement"], last["step"])
        assert got["breakpoints"] == [["do_mmap", None]] and got["panel"] == "vmas"
        # every step the instructor took reached this follower, in order
        steps = [(d["statement"], d["step"]) for d in s.states()]
        moves = [p for i, p in enumerate(steps) if i == 0 or p != steps[i - 1]]
        assert moves[-len(seen):] == seen
    stats = teacher.do("stats")
    assert stats["followers"] == 3 and stats["cut_off"] == 0


def test_a_late_follower_is_in_sync_within_a_second(classdir, procs):
    teacher = Instructor("c1", classdir)
    procs.append(teacher)
    pos = teacher.do("goto 40")
    started = time.monotonic()
    late = follower("c1", classdir)
    procs.append(late)
    late.wait_for(lambda d: d["event"] == "status", 10)  # the follower's own start-up
    connected = time.monotonic()
    late.wait_for(at(pos), 1.0)
    assert time.monotonic() - connected < 1.0, f"start-up {connected - started:.2f}s"


def test_a_killed_follower_restarted_is_back_in_sync(classdir, procs):
    teacher = Instructor("c1", classdir)
    procs.append(teacher)
    first = follower("c1", classdir)
    procs.append(first)
    first.wait_for(lambda d: d["event"] == "status" and d["status"] == "connected")
    first.p.kill()
    first.p.wait()
    pos = teacher.do("goto 25")
    assert teacher.do("stats")["followers"] in (0, 1)
    again = follower("c1", classdir)
    procs.append(again)
    again.wait_for(at(pos), 10)
    # The new follower can be in step before the instructor counts its connection, and the
    # dead one's may still be counted: the count must settle at one.
    deadline = time.monotonic() + 10
    while teacher.do("stats")["followers"] != 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert teacher.do("stats")["followers"] == 1


def test_followers_are_told_when_the_instructor_leaves_and_resync_when_back(classdir, procs):
    teacher = Instructor("c1", classdir)
    procs.append(teacher)
    s = follower("c1", classdir)
    procs.append(s)
    pos = teacher.do("goto 12")
    s.wait_for(at(pos))
    teacher.quit()
    bye = s.wait_for(lambda d: d["event"] == "status" and d["status"] == "ended")
    assert "ended" in bye["detail"]
    assert s.p.poll() is None  # the follower keeps going, with its last state
    assert not (classdir / "c1.sock").exists()
    back = Instructor("c1", classdir)
    procs.append(back)
    pos = back.do("goto 30")
    t0 = time.monotonic()
    s.wait_for(at(pos), 5)
    assert time.monotonic() - t0 < 1.0


def test_an_instructor_killed_outright_is_noticed_and_its_socket_replaced(classdir, procs):
    teacher = Instructor("c1", classdir)
    procs.append(teacher)
    s = follower("c1", classdir)
    procs.append(s)
    s.wait_for(lambda d: d["event"] == "state")
    teacher.p.kill()
    teacher.p.wait()
    s.wait_for(lambda d: d["event"] == "status" and d["status"] == "lost")
    assert (classdir / "c1.sock").exists()  # left behind by the SIGKILL
    back = Instructor("c1", classdir)  # takes the name over from the dead one
    procs.append(back)
    pos = back.do("goto 7")
    s.wait_for(at(pos), 3)


def _raw(path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(str(path))
    return sock


def test_malformed_oversized_and_unknown_messages_are_dropped_and_counted(classdir, procs):
    teacher = Instructor("c1", classdir)
    procs.append(teacher)
    good = follower("c1", classdir)
    procs.append(good)
    good.wait_for(lambda d: d["event"] == "state")
    path = classdir / "c1.sock"
    bad = _raw(path)
    bad.sendall(b"\x00garbage\xff" * 100)  # not frames at all
    bad.sendall(struct.pack(">4sI", b"MMLB", 50 << 20) + b"x" * 65536)  # 50 MiB announced
    bad2 = _raw(path)
    bad2.sendall(protocol.HEADER.pack(b"MMLB", 9) + b"{not json")
    bad2.sendall(protocol.encode({"t": "state", "state": {"scenario": "x", "statement": 0}}))
    bad2.sendall(protocol.encode({"v": 99, "t": "state"}))
    bad2.sendall(protocol.encode({"t": "go", "step": 600}))  # followers cannot drive
    time.sleep(0.3)
    pos = teacher.do("step")
    good.wait_for(at(pos), 3)
    stats = teacher.do("stats")
    counts = stats["from_followers"]
    assert counts["malformed"] >= 2 and counts["oversized"] == 1 and counts["unknown"] == 2
    assert counts["ok"] == 1  # the well-formed state was read, and ignored
    assert pos["global"] == 1  # nothing a follower sent moved the instructor
    bad.close()
    bad2.close()


def test_a_follower_drops_bad_frames_from_a_fake_instructor(tmp_path):
    path = tmp_path / "fake.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    got: list[ClassState] = []
    f = Follower("fake", tmp_path, on_state=lambda s, t: got.append(s)).start()
    try:
        conn, _ = server.accept()
        good = ClassState("", "s", Position(0, 4))
        conn.sendall(b"junk" + struct.pack(">4sI", b"MMLB", 2 << 20) + b"y" * 100)
        conn.sendall(b"y" * ((2 << 20) - 100))
        conn.sendall(protocol.encode({"t": "state", "state": {"statement": "x"}}))
        conn.sendall(protocol.encode({"v": 7, "t": "state"}))
        conn.sendall(protocol.encode({"t": "state", "seq": 1, "sent": 0,
                                      "state": good.to_json()}))
        end = time.monotonic() + 5
        while not got and time.monotonic() < end:
            time.sleep(0.01)
        assert got == [good]
        assert f.counters.as_dict() == {"ok": 1, "malformed": 2, "oversized": 1, "unknown": 1}
        conn.close()
    finally:
        f.stop()
        server.close()


def test_socket_is_0660_with_the_group_in_a_directory_made_2770(tmp_path):
    gid = os.getgid()
    with Broadcaster("c1", tmp_path / "cls", group=gid) as b:
        st = os.lstat(b.path)
        assert stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o660
        assert st.st_gid == gid
        d = os.lstat(tmp_path / "cls")
        assert stat.S_IMODE(d.st_mode) == 0o2770 and d.st_gid == gid
        assert {p.name for p in (tmp_path / "cls").iterdir()} == {"c1.sock", "c1.lock"}
    assert not (tmp_path / "cls" / "c1.sock").exists()


def test_private_session_socket_is_0600_in_a_0700_directory(tmp_path):
    with Broadcaster("mine", tmp_path / "p", private=True) as b:
        assert stat.S_IMODE(os.lstat(b.path).st_mode) == 0o600
        assert stat.S_IMODE(os.lstat(tmp_path / "p").st_mode) == 0o700


def test_symlinks_and_unsafe_directories_are_refused(tmp_path):
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(ClassroomError, match="symbolic link"):
        Broadcaster("c1", tmp_path / "link").start()
    (real / "c1.sock").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ClassroomError, match="not a socket"):
        Broadcaster("c1", real).start()
    (real / "c1.sock").unlink()
    (real / "c1.lock").unlink()
    (real / "c1.lock").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ClassroomError, match="symbolic link"):
        Broadcaster("c1", real).start()
    assert not (tmp_path / "elsewhere").exists()
    open_dir = tmp_path / "open"
    open_dir.mkdir()
    open_dir.chmod(0o777)
    with pytest.raises(ClassroomError, match="writable by everyone"):
        Broadcaster("c1", open_dir).start()
    with pytest.raises(ClassroomError, match="bad session name"):
        Broadcaster("../c1", real)


def test_two_instructors_cannot_teach_one_name(tmp_path):
    with Broadcaster("c1", tmp_path):
        with pytest.raises(ClassroomError, match="already being taught"):
            Broadcaster("c1", tmp_path).start()


def test_a_follower_that_stops_reading_does_not_hold_up_the_others(tmp_path):
    with Broadcaster("c1", tmp_path) as b:
        stuck = _raw(b.path)  # connects, never reads
        stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        got: list[ClassState] = []
        f = Follower("c1", tmp_path, on_state=lambda s, t: got.append(s)).start()
        try:
            big = "# " + "x" * 60000 + "\n"
            for i in range(200):  # ~12 MB to the stuck one: far past any socket buffer
                b.publish(ClassState(big, "s", Position(0, i)))
                time.sleep(0.001)
            end = time.monotonic() + 5
            while (not got or got[-1].position.step != 199) and time.monotonic() < end:
                time.sleep(0.01)
            assert got[-1].position == Position(0, 199)
            assert b.coalesced > 0  # the stuck one was only ever given the newest state
        finally:
            f.stop()
            stuck.close()
