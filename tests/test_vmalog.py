# SPDX-License-Identifier: GPL-2.0-only
"""The VMA list's versions, kept as differences (lab/stepping/vmalog.py), read back exactly
as the whole lists they stand for: in any order of reading, across checkpoints, pickled."""

from __future__ import annotations

import pickle
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.stepping import vmalog
from lab.stepping.state import VmaView
from lab.stepping.vmalog import VmaLog, VmaSnapshot, vma_difference

PAGE = 4096


def _view(page: int, pages: int = 1, flags: int = 0x73) -> VmaView:
    return VmaView(page * PAGE, (page + pages) * PAGE, flags, 0, "rw-p", "")


def _history(seed: int, changes: int) -> tuple[VmaLog, list[tuple[VmaView, ...]]]:
    """A log of `changes` random differences and, beside it, every version in full."""
    rng = random.Random(seed)
    current = {p: _view(p) for p in range(0, 200, 2)}
    log = VmaLog(sorted(current.values(), key=lambda v: v.start))
    versions = [tuple(sorted(current.values(), key=lambda v: v.start))]
    for _ in range(changes):
        before = set(current.values())
        for _ in range(rng.randint(0, 3)):
            if current and rng.random() < 0.5:
                del current[rng.choice(sorted(current))]
        for _ in range(rng.randint(0, 3)):
            page = rng.randrange(0, 400, 2)  # a new VMA, or a changed one: a new view
            current[page] = _view(page, flags=rng.randrange(1 << 8))
        after = set(current.values())
        removed, added = list(before - after), list(after - before)
        log.change(removed, added)
        versions.append(tuple(sorted(current.values(), key=lambda v: v.start)))
    return log, versions


@pytest.fixture(autouse=True)
def _small_checkpoints(monkeypatch):
    monkeypatch.setattr(vmalog, "CHECKPOINT_EVERY", 8)  # many checkpoints in a short log


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), reads=st.lists(st.integers(0, 60), max_size=40))
def test_every_version_reads_as_its_whole_list_in_any_order(seed, reads):
    log, versions = _history(seed, 60)
    for k in reads + list(range(60, -1, -1)) + list(range(61)):
        snap = VmaSnapshot(log, k)
        assert tuple(snap) == versions[k]
        assert len(snap) == len(versions[k])
        assert snap == versions[k] and snap == list(versions[k])


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), k1=st.integers(0, 40), k2=st.integers(0, 40))
def test_the_change_between_two_versions_is_the_difference_of_their_lists(seed, k1, k2):
    log, versions = _history(seed, 40)
    gone, came = log.net(k1, k2)
    before, after = set(versions[k1]), set(versions[k2])
    assert set(gone) == before - after and set(came) == after - before
    assert list(gone) == sorted(gone, key=lambda v: v.start)
    assert vma_difference(VmaSnapshot(log, k1), VmaSnapshot(log, k2)) == (gone, came)
    assert vma_difference(versions[k1], versions[k2]) == (gone, came)  # the generic way
    assert (VmaSnapshot(log, k1) == VmaSnapshot(log, k2)) == (versions[k1] == versions[k2])


def test_a_pickled_log_reads_the_same_and_can_grow():
    log, versions = _history(7, 30)
    copy = pickle.loads(pickle.dumps(log))
    assert [tuple(VmaSnapshot(copy, k)) for k in range(31)] == versions
    snap = copy.change([], [_view(1000)])
    assert tuple(snap) == (*versions[-1], _view(1000))


def test_containing_finds_the_vma_holding_an_address():
    log = VmaLog([_view(0, 2), _view(4, 1)])
    snap = log.latest
    assert snap.containing(PAGE) == _view(0, 2)
    assert snap.containing(2 * PAGE) is None
    assert snap.containing(4 * PAGE + 5) == _view(4, 1)
    assert snap.containing(5 * PAGE) is None
