# SPDX-License-Identifier: GPL-2.0-only
"""Fuzzing the follow-mode decoder: no bytes an instructor (or anyone) sends can crash it.

The decoder returns only objects of a known version and type, counts what it drops, and
finds valid frames again after garbage; a state message's fields either pass
ClassState.from_json or raise BadState naming the field, nothing else; a Follower handed
any decoded message neither raises nor loses its thread.
MMAPLAB_FUZZ_EXAMPLES sets how many inputs each test draws (benchmarks/fuzz_long.py).
"""

from __future__ import annotations

import json
import math
import os
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lab.classroom.follow import Follower
from lab.classroom.protocol import HEADER, MAGIC, MAX_FRAME, TYPES, VERSION, Decoder, encode
from lab.classroom.state import BadState, ClassState

EXAMPLES = int(os.environ.get("MMAPLAB_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 1000,
                database=None, suppress_health_check=list(HealthCheck))

ABSURD = st.sampled_from([0, -1, 1 << 64, (1 << 64) - 1, -(1 << 63), 10**30, 10**400, 1.5,
                          float("nan"), float("inf"), True, None, "", "\x1b[2J", "\ud800",
                          [], {}])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | ABSURD,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=20)
STATE = {"scenario": "p = mmap(NULL, 4096, 3, 0x22, -1, 0)\n", "source_name": "s.txt",
         "statement": 0, "step": 3, "at_end": False, "breakpoints": [["do_mmap", None]],
         "lesson": None, "page": None, "panel": "c", "address": None}


@st.composite
def states(draw) -> dict:
    """A valid state with some fields replaced, dropped or added."""
    doc = dict(STATE)
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.sampled_from([*STATE, "new_field"]))
        if draw(st.integers(0, 4)) == 0:
            doc.pop(key, None)
        else:
            doc[key] = draw(json_values)
    return doc


@st.composite
def messages(draw) -> dict:
    t = draw(st.sampled_from([*TYPES, "state", "state", "nope", ""]))
    msg = {"v": draw(st.sampled_from([VERSION] * 6 + [0, 2, "1", None, 1.0])), "t": t}
    if t == "state":
        msg.update(seq=draw(st.integers() | ABSURD), sent=draw(st.floats() | ABSURD),
                   state=draw(states() | json_values))
    else:
        msg.update(draw(st.dictionaries(st.text(max_size=8), json_values, max_size=3)))
    return msg


def frame(body: bytes, length: int | None = None) -> bytes:
    return MAGIC + (len(body) if length is None else length).to_bytes(4, "big") + body


@st.composite
def streams(draw) -> bytes:
    """Frames good and bad, garbage between them, lengths that lie."""
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.integers(0, 6))
        if kind <= 2:
            parts.append(encode(draw(messages())))
        elif kind == 3:
            parts.append(draw(st.binary(max_size=40)))
        elif kind == 4:
            parts.append(frame(draw(st.binary(max_size=40))))
        elif kind == 5:  # a length that is not the body's
            body = json.dumps(draw(messages())).encode()
            parts.append(frame(body, draw(st.sampled_from(
                [0, 1, len(body) - 1, len(body) + 1, MAX_FRAME, MAX_FRAME + 1, 0xFFFFFFFF]))))
        else:  # deeply nested JSON
            depth = draw(st.integers(1, 100_000))
            parts.append(frame(b'{"v":1,"t":"state","state":' + b"[" * depth + b"]" * depth
                               + b"}"))
    return b"".join(parts)


def chunks(draw, data: bytes) -> list[bytes]:
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=6)))
    return [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)])]


def check_messages(out: list[dict]) -> None:
    for m in out:
        assert isinstance(m, dict) and m["v"] == VERSION and m["t"] in TYPES
        if m["t"] == "state":
            try:
                ClassState.from_json(m.get("state"))
            except BadState:
                pass


@FUZZ
@given(st.data())
def test_any_stream_in_any_chunks_decodes_without_raising(data):
    stream = data.draw(streams())
    decoder = Decoder()
    out = []
    for part in chunks(data.draw, stream):
        out += decoder.feed(part)
    check_messages(out)
    c = decoder.counters
    assert c.ok == len(out)
    assert min(c.ok, c.malformed, c.oversized, c.unknown) >= 0


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_decode_without_raising(data):
    decoder = Decoder()
    check_messages(decoder.feed(data))


@FUZZ
@given(st.lists(messages(), min_size=1, max_size=5), st.data())
def test_valid_frames_split_anywhere_decode_to_the_same_messages(msgs, data):
    stream = b"".join(encode(m) for m in msgs)
    whole = Decoder().feed(stream)
    decoder = Decoder()
    split = []
    for part in chunks(data.draw, stream):
        split += decoder.feed(part)
    assert json.dumps(split) == json.dumps(whole)


@FUZZ
@given(st.binary(max_size=60), st.lists(messages(), min_size=1, max_size=3))
def test_garbage_before_valid_frames_costs_no_valid_message(junk, msgs):
    if MAGIC[:1] in junk:
        junk = junk.replace(MAGIC[:1], b"?")  # a stray "M" could start a lying header
    good = Decoder().feed(b"".join(encode(m) for m in msgs))
    assert Decoder().feed(junk + b"".join(encode(m) for m in msgs)) == good


FIELDS = {*STATE, "state"}


def check_bad_state(err: BadState) -> None:
    """The refusal names the field it is about, in printable text."""
    text = str(err)
    assert text.split(" ", 1)[0].split("[", 1)[0] in FIELDS, text
    assert text.isprintable(), repr(text)


@FUZZ
@given(states() | json_values)
def test_state_fields_are_accepted_or_refused_with_bad_state(doc):
    try:
        state = ClassState.from_json(doc)
    except BadState as err:
        check_bad_state(err)
        return
    assert state.position.statement >= 0 and state.position.step >= 0
    assert state.address is None or 0 <= state.address < 1 << 64
    assert state.page is None or state.page >= 0
    assert ClassState.from_json(state.to_json()) == state


FOLLOW_DIR = tempfile.mkdtemp(prefix="mmaplab-fuzz-follow-")


@FUZZ
@given(st.lists(messages(), max_size=6))
def test_a_follower_handles_any_decoded_message_without_raising(msgs):
    """What the reading thread does with each message: an exception here would end it."""
    got, statuses = [], []
    follower = Follower("fuzz", FOLLOW_DIR, on_state=lambda s, t: got.append((s, t)),
                        on_status=lambda kind, detail: statuses.append((kind, detail)))
    stream = b"".join(map(encode, msgs))
    decoded = Decoder(counters=follower.counters).feed(stream)
    for message in decoded:
        assert follower._handle(message) == (message["t"] == "bye")
    assert follower.callback_errors == 0
    assert follower.counters.ok == len(got) + sum(m["t"] != "state" for m in decoded)
    for state, sent in got:
        assert isinstance(state, ClassState) and isinstance(sent, float)
        assert math.isfinite(sent), sent  # a latency is computed from it
    assert all(isinstance(d, str) for _, d in statuses)


def test_a_header_of_maximum_length_is_skipped_not_buffered():
    decoder = Decoder()
    out = decoder.feed(HEADER.pack(MAGIC, 0xFFFFFFFF) + b"x" * 1000)
    assert out == [] and decoder.counters.oversized == 1
    assert len(decoder._buf) == 0  # the body is thrown away as it comes, never held


def _follower(got: list) -> Follower:
    return Follower("fuzz", FOLLOW_DIR, on_state=lambda s, t: got.append((s, t)))


def test_a_state_sent_at_a_time_too_big_for_a_float_is_applied_at_now():
    """float(10**400) raised OverflowError in the reading thread and ended it."""
    got: list = []
    follower = _follower(got)
    for sent in (10**400, float("inf"), float("nan"), True, "now"):
        follower._handle({"v": VERSION, "t": "state", "seq": 1, "sent": sent, "state": STATE})
    assert len(got) == 5 and all(math.isfinite(t) for _, t in got)
    assert follower.callback_errors == 0


def test_a_file_name_that_is_not_utf8_is_sent_and_decoded_unchanged():
    """An instructor's scenario file whose name has a byte that is not UTF-8 (a lone
    surrogate in Python) made encode() raise UnicodeEncodeError on every publish."""
    state = {**STATE, "source_name": "bad\udcffname.txt", "scenario": "x = p[0]  # \udc80\n"}
    out = Decoder().feed(encode({"t": "state", "seq": 1, "sent": 0.0, "state": state}))
    assert [ClassState.from_json(m["state"]).source_name for m in out] == ["bad\udcffname.txt"]
    assert encode({"t": "hello", "session": "中文"})[8:].decode() == \
        '{"v":1,"t":"hello","session":"中文"}'  # UTF-8 stays the rule when it can be


def test_a_negative_lesson_page_is_refused_naming_the_field():
    """A page of -1 would have shown a lesson's last page (Python's negative index)."""
    try:
        ClassState.from_json({**STATE, "lesson": "01-tour", "page": -1})
    except BadState as err:
        assert str(err) == "page is negative"
    else:
        raise AssertionError("a negative page was accepted")
