# SPDX-License-Identifier: GPL-2.0-only
"""Every version of the VMA list a recording saw, kept as what changed from the one before.

The VMA panel shows the list as it was at any step. Kept whole, one version of a process
with 65,530 VMAs is 65,530 pointers (half a megabyte), and a scenario that builds them makes
that many versions. `VmaLog` keeps each version as the views it removed and added, with a
whole copy every `CHECKPOINT_EVERY` versions; `VmaSnapshot` reads like the tuple of one
version and builds it on demand from the nearest version already built (stepping to the next
or previous version costs one difference). What a step changed is read from the differences
too (`vma_difference`), so it costs what changed, not the length of the list.
"""

from __future__ import annotations

import bisect
import threading
from array import array
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lab.stepping.state import VmaView

#: A whole copy of the list is kept every this many versions: at most this many differences
#: are applied to reach any version.
CHECKPOINT_EVERY = 1024
_RECENT = 8  # versions built lately, kept for the panels' next read

Views = tuple["VmaView", ...]


class VmaLog:
    """Version 0 is the list a recording began with; version k + 1 is diffs[k] applied."""

    def __init__(self, initial: Sequence[VmaView]):
        first = tuple(initial)
        self.diffs: list[tuple[Views, Views]] = []  # (removed, added), each by start
        self.lengths = array("q", [len(first)])
        self._checkpoints: dict[int, Views] = {0: first}
        self._recent: dict[int, Views] = {}
        self._live: tuple[list[int], list[VmaView]] | None = None  # the newest, as lists
        self._lock = threading.Lock()  # the panels read from more than one thread
        self.latest = VmaSnapshot(self, 0)

    def change(self, removed: Sequence[VmaView], added: Sequence[VmaView]) -> VmaSnapshot:
        """A new version: the newest with `removed` taken out and `added` put in."""
        if self._live is None:
            newest = self.version(self.latest.k)
            self._live = ([v.start for v in newest], list(newest))
        removed = tuple(sorted(removed, key=_start))
        added = tuple(sorted(added, key=_start))
        _apply(*self._live, removed, added)
        self.diffs.append((removed, added))
        k = len(self.diffs)
        self.lengths.append(len(self._live[1]))
        if k % CHECKPOINT_EVERY == 0:
            self._checkpoints[k] = tuple(self._live[1])
        self.latest = VmaSnapshot(self, k)
        return self.latest

    def version(self, k: int) -> Views:
        """The list at version k, built from the nearest version at hand."""
        hit = self._checkpoints.get(k)
        if hit is not None:
            return hit
        with self._lock:
            return self._recent.get(k) or self._build(k)

    def _build(self, k: int) -> Views:
        base = (k // CHECKPOINT_EVERY) * CHECKPOINT_EVERY
        near = [v for v in self._recent if abs(v - k) < abs(base - k)]
        start = min(near, key=lambda v: abs(v - k)) if near else base
        views = self._recent[start] if near else self._checkpoints[start]
        starts, out = [v.start for v in views], list(views)
        if start < k:
            for removed, added in self.diffs[start:k]:
                _apply(starts, out, removed, added)
        else:
            for removed, added in reversed(self.diffs[k:start]):
                _apply(starts, out, added, removed)
        built = tuple(out)
        if len(self._recent) >= _RECENT:
            del self._recent[next(iter(self._recent))]
        self._recent[k] = built
        return built

    def net(self, k1: int, k2: int) -> tuple[Views, Views]:
        """What changed from version k1 to version k2: (views gone, views come), by start."""
        if k1 > k2:
            came, gone = self.net(k2, k1)
            return gone, came
        gone: dict[VmaView, None] = {}
        came: dict[VmaView, None] = {}
        for removed, added in self.diffs[k1:k2]:
            for v in removed:
                if v in came:
                    del came[v]
                else:
                    gone[v] = None
            for v in added:
                if v in gone:
                    del gone[v]
                else:
                    came[v] = None
        return tuple(sorted(gone, key=_start)), tuple(sorted(came, key=_start))

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_recent": {}, "_live": None, "_lock": None}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _lock=threading.Lock())


class VmaSnapshot(Sequence):
    """The VMA list at one version of a VmaLog: reads like the tuple of its views."""

    __slots__ = ("k", "log")

    def __init__(self, log: VmaLog, k: int):
        self.log, self.k = log, k

    def views(self) -> Views:
        return self.log.version(self.k)

    def __len__(self) -> int:
        return self.log.lengths[self.k]

    def __getitem__(self, i):
        return self.views()[i]

    def __iter__(self) -> Iterator[VmaView]:
        return iter(self.views())

    def __reversed__(self) -> Iterator[VmaView]:
        return reversed(self.views())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, VmaSnapshot) and other.log is self.log:
            return other.k == self.k or self.log.net(self.k, other.k) == ((), ())
        if isinstance(other, (VmaSnapshot, tuple, list)):
            return len(self) == len(other) and self.views() == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"VmaSnapshot(version {self.k}, {len(self)} VMAs)"

    def containing(self, addr: int) -> VmaView | None:
        """The VMA holding addr at this version, or None."""
        views = self.views()
        i = bisect.bisect_right(views, addr, key=_start) - 1
        return views[i] if i >= 0 and addr < views[i].end else None


def vma_difference(before: Sequence[VmaView], after: Sequence[VmaView]
                   ) -> tuple[Views, Views]:
    """(views in `before` only, views in `after` only), by start: what a change removed and
    added. Between two versions of one log it is read from the differences alone."""
    if isinstance(before, VmaSnapshot) and isinstance(after, VmaSnapshot) \
            and before.log is after.log:
        return before.log.net(before.k, after.k)
    old, new = set(before), set(after)
    return (tuple(v for v in before if v not in new), tuple(v for v in after if v not in old))


def _start(v: VmaView) -> int:
    return v.start


def _apply(starts: list[int], views: list[VmaView], removed: Views, added: Views) -> None:
    """Take `removed` out of the sorted lists and put `added` in."""
    for v in removed:
        i = bisect.bisect_left(starts, v.start)
        while views[i] != v:  # starts are unique within a version; this is a safety net
            i += 1
        del starts[i], views[i]
    for v in added:
        i = bisect.bisect_left(starts, v.start)
        starts.insert(i, v.start)
        views.insert(i, v)
