# SPDX-License-Identifier: GPL-2.0-only
"""The instructor's side: a Unix-socket server that sends the latest state to every follower.

It runs its own asyncio loop in a thread, so the app that publishes (a Textual app, a test,
a script) only calls publish(), from any thread. A new follower gets the hello and the latest
state at once, then every change. Each follower has its own writer task holding at most one
unsent frame: a follower that reads slowly is sent the newest state when it catches up (the
skipped ones are counted as coalesced), one that stops reading for SLOW_TIMEOUT is cut off,
and neither delays anyone else. Whatever followers send is read, counted and ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path

from lab import __version__
from lab.classroom import protocol
from lab.classroom.sockets import Listener, check_name, group_id, socket_path
from lab.classroom.state import ClassState

SLOW_TIMEOUT = 10.0  # seconds a follower may leave a frame unread before it is cut off
BYE_TIMEOUT = 0.5


class _Follower:
    def __init__(self, writer: asyncio.StreamWriter):
        self.writer = writer
        self.pending: bytes | None = None
        self.wake = asyncio.Event()

    def push(self, frame: bytes) -> bool:
        """Queue frame; True if it replaced one not yet sent."""
        replaced = self.pending is not None
        self.pending = frame
        self.wake.set()
        return replaced


class Broadcaster:
    """Teach session NAME: start(), publish(state) on every change, stop()."""

    def __init__(self, name: str, directory: str | Path | None = None, *,
                 group: str | int | None = None, private: bool = False,
                 max_followers: int = 1000,
                 on_change: Callable[[Broadcaster], None] | None = None):
        self.name = check_name(name)
        self.path = socket_path(name, directory)
        self._gid = group_id(group)
        self._private = private
        self.max_followers = max_followers
        self.on_change = on_change  # called in the server's thread when followers come or go
        self.counters = protocol.Counters()  # what followers sent: all of it is ignored
        self.published = 0
        self.sent = 0
        self.coalesced = 0
        self.cut_off = 0
        self.refused = 0
        self._seq = 0
        self._latest: bytes | None = None
        self._latest_state: ClassState | None = None
        self._followers: set[_Follower] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._listener: Listener | None = None
        self._closing = False
        self._lock = threading.Lock()

    # -- the app's side (any thread) -----------------------------------------------------------
    def start(self) -> Broadcaster:
        """Bind the socket (raising ClassroomError if it cannot) and start serving."""
        self._listener = Listener(self.path, gid=self._gid, private=self._private)
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,),
                                        name=f"mmaplab-teach-{self.name}", daemon=True)
        self._thread.start()
        ready.wait()
        return self

    def publish(self, state: ClassState) -> bool:
        """Send state to every follower unless it is the one last sent. True if sent."""
        with self._lock:
            if state == self._latest_state or self._closing:
                return False
            self._seq += 1
            frame = protocol.encode({"t": "state", "seq": self._seq, "sent": time.time(),
                                     "state": state.to_json()})
            self._latest_state = state
            self.published += 1
            if self._loop is not None:
                self._loop.call_soon_threadsafe(self._fan_out, frame)
            else:
                self._latest = frame
        return True

    @property
    def followers(self) -> int:
        return len(self._followers)

    def stats(self) -> dict:
        return {"session": self.name, "socket": str(self.path), "followers": self.followers,
                "published": self.published, "sent": self.sent, "coalesced": self.coalesced,
                "cut_off": self.cut_off, "refused": self.refused,
                "from_followers": self.counters.as_dict()}

    def stop(self, reason: str = "the instructor ended the session") -> None:
        """Tell every follower goodbye, close their connections and remove the socket."""
        if self._loop is None or self._closing:
            return
        self._closing = True
        fut = asyncio.run_coroutine_threadsafe(self._shutdown(reason), self._loop)
        with contextlib.suppress(Exception):
            fut.result(timeout=BYE_TIMEOUT + 2)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._listener is not None:
            self._listener.close()

    def __enter__(self) -> Broadcaster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- the server's loop ---------------------------------------------------------------------
    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        assert self._listener is not None
        loop.run_until_complete(asyncio.start_unix_server(self._serve, sock=self._listener.sock))
        ready.set()
        try:
            loop.run_forever()
        finally:
            for task in asyncio.all_tasks(loop):
                task.cancel()
            with contextlib.suppress(Exception):
                loop.run_until_complete(asyncio.sleep(0))
            loop.close()

    def _fan_out(self, frame: bytes) -> None:
        self._latest = frame
        for f in self._followers:
            if f.push(frame):
                self.coalesced += 1

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._closing or len(self._followers) >= self.max_followers:
            self.refused += 1
            writer.close()
            return
        f = _Follower(writer)
        hello = protocol.encode({"t": "hello", "session": self.name,
                                 "lab": f"mmaplab {__version__}"})
        writer.write(hello + (self._latest or b""))  # where we are now, at once
        self._followers.add(f)
        self._changed()
        writing = asyncio.create_task(self._write(f))
        try:
            await self._read(reader)
        finally:
            writing.cancel()
            self._followers.discard(f)
            writer.close()
            self._changed()

    async def _write(self, f: _Follower) -> None:
        while True:
            try:
                await asyncio.wait_for(f.writer.drain(), SLOW_TIMEOUT)
            except (TimeoutError, ConnectionError):
                self.cut_off += 1
                f.writer.transport.abort()
                return
            await f.wake.wait()
            f.wake.clear()
            frame, f.pending = f.pending, None
            if frame is not None:
                f.writer.write(frame)
                self.sent += 1

    async def _read(self, reader: asyncio.StreamReader) -> None:
        """Drain what a follower sends (the protocol is one way): count it, act on nothing."""
        decoder = protocol.Decoder(counters=self.counters)
        while True:
            try:
                data = await reader.read(65536)
            except ConnectionError:
                return
            if not data:
                return
            decoder.feed(data)

    async def _shutdown(self, reason: str) -> None:
        bye = protocol.encode({"t": "bye", "reason": reason})
        for f in list(self._followers):
            f.writer.write(bye)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.gather(
                *(f.writer.drain() for f in self._followers), return_exceptions=True),
                BYE_TIMEOUT)
        for f in list(self._followers):
            f.writer.close()

    def _changed(self) -> None:
        if self.on_change is not None:
            with contextlib.suppress(Exception):
                self.on_change(self)
