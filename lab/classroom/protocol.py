# SPDX-License-Identifier: GPL-2.0-only
"""The wire format between an instructor and followers: framed JSON, one way.

A frame is an 8-byte header, the magic b"MMLB" and the body's length as a big-endian u32,
then the body: one UTF-8 JSON object with the protocol version "v" and the message type "t".

    hello  {"v": 1, "t": "hello", "session": NAME, "lab": "mmaplab 0.1"}
    state  {"v": 1, "t": "state", "seq": N, "sent": UNIX_TIME, "state": {...state.py...}}
    bye    {"v": 1, "t": "bye", "reason": "the instructor ended the session"}

Version 1 grows only by optional fields, so older peers keep working: a state without
"lesson" and "page" (an instructor from before lessons were published) still decodes, with
no lesson; fields a follower does not know are kept aside (ClassState.extra), not refused.
The instructor sends; followers send nothing the instructor acts on. The decoder never
raises on what it reads: a bad magic makes it look for the next frame, a body over
MAX_FRAME is skipped unread, a body that is not a JSON object of a known version and type is
dropped, and each is counted, so a garbled peer costs a counter, never a crash.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field

VERSION = 1
MAGIC = b"MMLB"
HEADER = struct.Struct(">4sI")
MAX_FRAME = 1 << 20  # a state is a few KiB; the scenario text is the only big part
TYPES = frozenset({"hello", "state", "bye"})


class FrameTooLarge(ValueError):
    """A message to send whose body is over MAX_FRAME."""


def encode(message: dict) -> bytes:
    """One frame: header and compact JSON body. `message` gets "v" if it has none."""
    doc = {"v": VERSION, **message}
    try:
        body = json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (a file name that is not UTF-8) has no UTF-8 form; JSON's \udcff
        # escape carries it, and the follower decodes the same string.
        body = json.dumps(doc, separators=(",", ":")).encode("ascii")
    if len(body) > MAX_FRAME:
        raise FrameTooLarge(f"message of {len(body)} bytes is over the {MAX_FRAME}-byte limit")
    return HEADER.pack(MAGIC, len(body)) + body


@dataclass
class Counters:
    """What a decoder dropped, by reason (and what it kept)."""

    ok: int = 0
    malformed: int = 0  # bad magic, not UTF-8, not JSON, not an object, bad fields
    oversized: int = 0  # length over the limit; the body is skipped
    unknown: int = 0  # another protocol version, or a type this version does not know

    @property
    def dropped(self) -> int:
        return self.malformed + self.oversized + self.unknown

    def as_dict(self) -> dict[str, int]:
        return {"ok": self.ok, "malformed": self.malformed, "oversized": self.oversized,
                "unknown": self.unknown}


@dataclass
class Decoder:
    """Feed it bytes as they arrive; it returns the complete, valid messages among them."""

    max_frame: int = MAX_FRAME
    counters: Counters = field(default_factory=Counters)
    _buf: bytearray = field(default_factory=bytearray)
    _skip: int = 0  # bytes of an oversized body still to throw away
    _lost: bool = False  # inside garbage: counted once until the next magic

    def feed(self, data: bytes) -> list[dict]:
        out: list[dict] = []
        if self._skip:
            n = min(self._skip, len(data))
            self._skip -= n
            data = data[n:]
        self._buf += data
        while True:
            if self._skip:  # an oversized body runs past what we have
                n = min(self._skip, len(self._buf))
                del self._buf[:n]
                self._skip -= n
                if self._skip:
                    return out
            if len(self._buf) < HEADER.size:
                if self._buf and not MAGIC.startswith(bytes(self._buf[:len(MAGIC)])):
                    self._resync()
                return out
            magic, length = HEADER.unpack_from(self._buf)
            if magic != MAGIC:
                self._resync()
                continue
            self._lost = False
            if length > self.max_frame:
                self.counters.oversized += 1
                del self._buf[:HEADER.size]
                self._skip = length
                continue
            if len(self._buf) < HEADER.size + length:
                return out
            body = bytes(self._buf[HEADER.size:HEADER.size + length])
            del self._buf[:HEADER.size + length]
            message = self._parse(body)
            if message is not None:
                self.counters.ok += 1
                out.append(message)

    def _resync(self) -> None:
        """Garbage: drop bytes up to the next possible magic, counting the run once."""
        if not self._lost:
            self.counters.malformed += 1
            self._lost = True
        start = self._buf.find(MAGIC, 1)
        if start < 0:  # keep a tail that may be the start of a magic
            keep = next((k for k in range(min(len(MAGIC) - 1, len(self._buf)), 0, -1)
                         if MAGIC.startswith(bytes(self._buf[-k:]))), 0)
            del self._buf[:len(self._buf) - keep]
        else:
            del self._buf[:start]

    def _parse(self, body: bytes) -> dict | None:
        try:
            message = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            self.counters.malformed += 1
            return None
        if not isinstance(message, dict) or not isinstance(message.get("t"), str):
            self.counters.malformed += 1
            return None
        if message.get("v") != VERSION or message["t"] not in TYPES:
            self.counters.unknown += 1
            return None
        return message
