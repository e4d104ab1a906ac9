# SPDX-License-Identifier: GPL-2.0-only
"""The classroom's wire format and published state: framing, limits, bad input counted."""

import json
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lab.classroom import protocol
from lab.classroom.link import FollowLink, TeachLink, scenario_text, session_state
from lab.classroom.state import BadState, ClassState
from lab.runner import scenario_constants
from lab.scenario import parse_scenario
from lab.stepping.session import Position, Session

STATE = ClassState("p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\n",
                   "t.scn", Position(0, 3), breakpoints=(("do_mmap", None),
                                                         ("mm/mmap.c:1285", "len > 4096")),
                   lesson="first-mmap", page=2, panel="vmas", address=0x7FFFF7FF0000)


def frame(body: bytes) -> bytes:
    return struct.pack(">4sI", b"MMLB", len(body)) + body


def test_state_round_trips_through_a_frame():
    data = protocol.encode({"t": "state", "seq": 1, "sent": 1.5, "state": STATE.to_json()})
    (msg,) = protocol.Decoder().feed(data)
    assert msg["v"] == protocol.VERSION and msg["t"] == "state"
    assert ClassState.from_json(msg["state"]) == STATE


@given(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=30))
def test_frames_split_anywhere_decode_the_same(cuts):
    data = b"".join(protocol.encode({"t": "state", "seq": i, "state": STATE.to_json()})
                    for i in range(3))
    dec = protocol.Decoder()
    out, i = [], 0
    for n in cuts:
        out += dec.feed(data[i:i + n])
        i += n
    out += dec.feed(data[i:])
    assert [m["seq"] for m in out] == [0, 1, 2]
    assert dec.counters.dropped == 0


def test_garbage_between_frames_is_counted_once_and_skipped():
    good = protocol.encode({"t": "hello", "session": "c"})
    dec = protocol.Decoder()
    out = dec.feed(b"GET / HTTP/1.0\r\n\r\n" + good + b"\x00\xffjunk" + good)
    assert len(out) == 2
    assert dec.counters.malformed == 2 and dec.counters.ok == 2


def test_oversized_frame_is_skipped_without_being_buffered():
    dec = protocol.Decoder(max_frame=1000)
    out = dec.feed(struct.pack(">4sI", b"MMLB", 5000) + b"x" * 3000)
    assert out == [] and dec.counters.oversized == 1
    assert len(dec._buf) == 0  # noqa: SLF001 - nothing of the skipped body is kept
    out = dec.feed(b"x" * 2000 + protocol.encode({"t": "bye"}))
    assert [m["t"] for m in out] == ["bye"]


def test_bodies_that_are_not_messages_are_counted_by_reason():
    dec = protocol.Decoder()
    out = dec.feed(frame(b"\xff\xfe") + frame(b"{not json") + frame(b"[1, 2]")
                   + frame(json.dumps({"v": 2, "t": "state"}).encode())
                   + frame(json.dumps({"v": 1, "t": "drive"}).encode())
                   + frame(b"[" * 100000))
    assert out == []
    assert dec.counters.as_dict() == {"ok": 0, "malformed": 4, "oversized": 0, "unknown": 2}


def test_a_message_over_the_limit_is_refused_at_the_sender():
    with pytest.raises(protocol.FrameTooLarge):
        protocol.encode({"t": "state", "state": {"scenario": "#" * protocol.MAX_FRAME}})


@pytest.mark.parametrize("bad", [
    {"scenario": 1, "source_name": "s", "statement": 0, "step": 0},
    {"scenario": "", "source_name": "s", "statement": -1, "step": 0},
    {"scenario": "", "source_name": "s", "statement": True, "step": 0},
    {"scenario": "", "source_name": "s", "statement": 0, "step": 0, "breakpoints": [[1]]},
    {"scenario": "", "source_name": "s", "statement": 0, "step": 0, "address": -5},
    "not an object",
])
def test_state_with_wrong_fields_is_refused(bad):
    with pytest.raises(BadState):
        ClassState.from_json(bad)


def _session(text: str) -> Session:
    return Session(parse_scenario(text, "t.scn", scenario_constants()))


def test_teach_link_publishes_every_move_with_the_apps_extras():
    session = _session(STATE.scenario)
    sent: list[ClassState] = []
    TeachLink(session, sent.append, extras=lambda: {"panel": "c"})
    session.step_into()
    session.step_into()
    session.add_breakpoint("do_mmap")
    session.step_back()
    assert [s.position for s in sent] == [Position(0, 0), Position(0, 1), Position(0, 2),
                                          Position(0, 1)]
    assert sent[-1].breakpoints == (("do_mmap", None),) and sent[-1].panel == "c"


def test_scenario_text_replays_to_the_same_trace():
    text = "# a comment\n\nfd = open(\"d.bin\", O_RDWR, size=8192)\n" \
           "p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0)  # two pages\nx = p[0]\n"
    a = _session(text)
    b = _session(scenario_text(a.scenario))
    assert [st.line for st in a.scenario] == [st.line for st in b.scenario]
    assert a.total_steps == b.total_steps
    pos = a.position_of(a.total_steps - 3)
    assert a.step_at(pos).c_line == b.step_at(pos).c_line
    assert session_state(a).scenario == scenario_text(a.scenario)


def test_follow_link_keeps_the_instructor_while_detached_and_rejoins_there():
    applied = []
    link = FollowLink("c", applied.append)
    link.connection_changed("connected")
    link.receive(STATE)
    link.detach()
    later = ClassState(STATE.scenario, STATE.source_name, Position(0, 9))
    link.receive(later)
    assert applied == [STATE]
    assert "detached" in link.status_text()
    link.rejoin()
    assert applied == [STATE, later]
    assert "following" in link.status_text()
    link.connection_changed("ended", "bye")
    assert "has left" in link.status_text() and applied[-1] == later


def test_the_class_line_speaks_the_apps_language_and_follows_it():
    link = FollowLink("c1", lambda state: None)
    lang = ["zh"]
    link.lang = lambda: lang[0]
    assert link.status_text() == "课堂 c1：等待讲师"
    link.connection_changed("connected")
    link.receive(ClassState(STATE.scenario, STATE.source_name, Position(0, 3)))
    assert link.status_text() == "课堂 c1：讲师在 第 1 条语句，第 4 步 · 跟随中（按 d 脱离）"
    lang[0] = "en"
    assert link.status_text() == \
        "class c1: instructor at statement 1, step 4 · following (d detaches)"
    link.detach()
    link.connection_changed("lost")
    lang[0] = "zh"
    assert link.status_text() == "课堂 c1：连接中断（讲师当时在 第 1 条语句，第 4 步）；正在重连"
