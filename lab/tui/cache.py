# SPDX-License-Identifier: GPL-2.0-only
"""A disk cache of recorded sessions, so the lab opens in a blink the second time.

Recording a scenario needs the whole C index and the twin's links (most of a cold start);
the recorded Session is plain data and pickles in a few milliseconds. A cached session is
used only when the scenario text, the lab's version, the Python version and every source
file the recording reads (lab/**/*.py, kernel_src/**) are exactly as they were: their
sizes and modification times are part of the key. The cache lives in the user's own
directory ($MMAPLAB_CACHE_DIR, else $XDG_CACHE_HOME/mmaplab, else ~/.cache/mmaplab), is
created private, and is not read if anyone else could have written to it.
MMAPLAB_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from functools import cache
from pathlib import Path

import lab
from lab.resources import kernel_src_dir
from lab.stepping.session import Session

PROTOCOL = pickle.HIGHEST_PROTOCOL
KEEP = 16  # recorded scenarios kept
#: Longer scenarios are not kept: 65,530 statements pickle to some 150 MB and load in half
#: the time they take to record; the cache is for the lessons and the scenarios people type.
MAX_STATEMENTS = 5000


def enabled() -> bool:
    return not os.environ.get("MMAPLAB_NO_CACHE")


def cache_dir() -> Path:
    if os.environ.get("MMAPLAB_CACHE_DIR"):
        return Path(os.environ["MMAPLAB_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mmaplab"


@cache
def sources_fingerprint() -> str:
    """Size and mtime of every file a recording depends on, hashed."""
    h = hashlib.sha256(f"{lab.__version__}|{sys.version}".encode())
    roots = [Path(lab.__file__).resolve().parent, kernel_src_dir()]
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if root == roots[0] and not name.endswith(".py"):
                    continue
                st = os.stat(os.path.join(dirpath, name))
                rel = os.path.relpath(os.path.join(dirpath, name), root)
                h.update(f"{rel}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _key(text: str, source_name: str) -> str:
    h = hashlib.sha256(sources_fingerprint().encode())
    h.update(source_name.encode() + b"\0" + text.encode())
    return h.hexdigest()[:32]


def _trusted(path: Path) -> bool:
    """Ours, and writable by nobody else (a pickle runs code when loaded)."""
    try:
        for p in (path.parent, path):
            st = p.stat()
            if st.st_uid != os.getuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return False
    except OSError:
        return False
    return True


def load(text: str, source_name: str) -> Session | None:
    if not enabled():
        return None
    path = cache_dir() / f"session-{_key(text, source_name)}.pickle"
    if not path.exists() or not _trusted(path):
        return None
    try:
        with open(path, "rb") as f:
            session = pickle.load(f)
    except Exception:  # a stale or broken entry: record afresh
        return None
    return session if isinstance(session, Session) else None


def save(text: str, source_name: str, session: Session) -> None:
    """Write the session (a freshly recorded one: nothing the UI caches in it yet)."""
    if not enabled() or len(session.records) > MAX_STATEMENTS \
            or session.whole_statements is not None:
        return
    directory = cache_dir()
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".session-")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(session, f, protocol=PROTOCOL)
        os.replace(tmp, directory / f"session-{_key(text, source_name)}.pickle")
        _prune(directory)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # no cache, no harm


def _prune(directory: Path, keep: int = KEEP) -> None:
    """Keep the most recently written entries (old lab versions leave theirs behind)."""
    entries = sorted(directory.glob("session-*.pickle"), key=lambda p: p.stat().st_mtime,
                     reverse=True)
    for old in entries[keep:]:
        old.unlink(missing_ok=True)
