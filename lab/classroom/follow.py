# SPDX-License-Identifier: GPL-2.0-only
"""The student's side: connect to a teach session, hand each state to a callback.

A thread with a blocking socket: connect, read frames, call on_state(state, sent_at) for
each valid state; on a drop, try again after 50 ms, doubling up to 0.5 s, so a follower that
starts late or loses the connection is back in sync well within a second of the instructor
being there. The instructor's bye (or a lost connection) is reported through on_status and
the last state is kept: the student's lab stays where it was.

`python -m lab.classroom.follow NAME --print` is a follower without the app: one JSON line
per state received (tests and the benchmark use it).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import socket
import stat
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from lab.classroom import protocol
from lab.classroom.sockets import ClassroomError, socket_path
from lab.classroom.state import BadState, ClassState

FIRST_RETRY = 0.05
MAX_RETRY = 0.5

# on_status kinds: "waiting" (no instructor yet), "connected", "ended" (the instructor said
# goodbye; the detail is the reason), "lost" (the connection dropped without one).
StatusCallback = Callable[[str, str], None]


class Follower:
    def __init__(self, name: str, directory: str | Path | None = None, *,
                 on_state: Callable[[ClassState, float], None],
                 on_status: StatusCallback | None = None):
        self.name = name
        self.path = socket_path(name, directory)
        self.on_state = on_state
        self.on_status = on_status
        self.counters = protocol.Counters()  # shared by every connection's decoder
        self.status = "waiting"
        self.latest: ClassState | None = None
        self.latest_seq = 0
        self.connections = 0
        self.callback_errors = 0
        self._stop = threading.Event()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Follower:
        self._thread = threading.Thread(target=self._run, name=f"mmaplab-follow-{self.name}",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        sock = self._sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)

    # -- the thread ----------------------------------------------------------------------------
    def _set_status(self, kind: str, detail: str = "") -> None:
        if kind == self.status and kind != "ended":
            return
        self.status = kind
        if self.on_status is not None:
            try:
                self.on_status(kind, detail)
            except Exception:
                self.callback_errors += 1

    def _connect(self) -> socket.socket | None:
        try:
            st = os.lstat(self.path)
        except OSError:
            return None
        if not stat.S_ISSOCK(st.st_mode):  # a symlink or a file planted under the name
            return None
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(self.path))
        except OSError:
            sock.close()
            return None
        sock.settimeout(None)
        return sock

    def _run(self) -> None:
        delay = FIRST_RETRY
        while not self._stop.is_set():
            sock = self._connect()
            if sock is None:
                if self.status == "connected":
                    self._set_status("lost", "the connection to the instructor dropped")
                self._stop.wait(delay)
                delay = min(delay * 2, MAX_RETRY)
                continue
            delay = FIRST_RETRY
            self._sock = sock
            self.connections += 1
            said_bye = self._read(sock)
            self._sock = None
            sock.close()
            if not said_bye and self.status == "connected" and not self._stop.is_set():
                self._set_status("lost", "the connection to the instructor dropped")

    def _read(self, sock: socket.socket) -> bool:
        """Read one connection to its end; True if the instructor said goodbye."""
        decoder = protocol.Decoder(counters=self.counters)
        while not self._stop.is_set():
            try:
                data = sock.recv(65536)
            except OSError:
                return False
            if not data:
                return False
            for message in decoder.feed(data):
                if self._handle(message):
                    return True
        return False

    def _handle(self, message: dict) -> bool:
        kind = message["t"]
        if kind == "hello":
            self._set_status("connected", str(message.get("session", "")))
        elif kind == "bye":
            self._set_status("ended", str(message.get("reason", "the instructor left")))
            return True
        elif kind == "state":
            try:
                state = ClassState.from_json(message.get("state"))
            except BadState:
                self.counters.malformed += 1
                self.counters.ok -= 1
                return False
            sent = _sent_time(message.get("sent"))
            seq = message.get("seq")
            self.latest, self.latest_seq = state, seq if isinstance(seq, int) else 0
            if self.status != "connected":
                self._set_status("connected", self.name)
            try:
                self.on_state(state, sent)
            except Exception:  # the app's trouble must not end the connection
                self.callback_errors += 1
        return False


def _sent_time(value: object) -> float:
    """The instructor's send time, or now: a latency is computed from it, so it must be a
    finite float (JSON allows 1e999, NaN and integers too long for a float)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            sent = float(value)
        except OverflowError:
            return time.time()
        if math.isfinite(sent):
            return sent
    return time.time()


def print_states(name: str, directory: str | None, out=sys.stdout,
                 seconds: float | None = None, exit_on_bye: bool = False) -> int:
    """Follow NAME and print one JSON line per state and status change, until stopped."""
    lock = threading.Lock()
    done = threading.Event()

    def emit(doc: dict) -> None:
        with lock:
            out.write(json.dumps(doc, separators=(",", ":")) + "\n")
            out.flush()

    def on_state(state: ClassState, sent: float) -> None:
        emit({"event": "state", "recv": time.time(), "sent": sent, "seq": follower.latest_seq,
              "statement": state.position.statement, "step": state.position.step,
              "at_end": state.at_end, "panel": state.panel, "address": state.address,
              "breakpoints": [list(b) for b in state.breakpoints],
              "lesson": state.lesson, "page": state.page,
              "source_name": state.source_name, "scenario_chars": len(state.scenario)})

    def on_status(kind: str, detail: str) -> None:
        emit({"event": "status", "status": kind, "detail": detail, "time": time.time()})
        if kind == "ended" and exit_on_bye:
            done.set()

    try:
        follower = Follower(name, directory, on_state=on_state, on_status=on_status)
    except ClassroomError as err:
        print(f"mmaplab follow: {err}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    follower.start()
    done.wait(seconds)
    follower.stop()
    emit({"event": "stats", "connections": follower.connections,
          "counters": follower.counters.as_dict()})
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m lab.classroom.follow",
                                 description="Follow a teach session and print its states.")
    ap.add_argument("name")
    ap.add_argument("--dir", default=None)
    ap.add_argument("--print", action="store_true", help="(the default and only mode)")
    ap.add_argument("--seconds", type=float, default=None)
    ap.add_argument("--exit-on-bye", action="store_true")
    args = ap.parse_args(argv)
    return print_states(args.name, args.dir, seconds=args.seconds,
                        exit_on_bye=args.exit_on_bye)


if __name__ == "__main__":
    raise SystemExit(main())
