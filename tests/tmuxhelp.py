# SPDX-License-Identifier: GPL-2.0-only
"""The lab in a real terminal, for the tmux tests: a private tmux server per test.

`TmuxServer` is one server on its own socket (no config file read, nothing shared with the
user's tmux or another test), holding named sessions; `TmuxPane` is the common case, one
program in a server of its own. Keys are sent one at a time: tmux reads a string such as
"0x1000" whole as the character U+1000. Textual draws on standard error, so a command run
here must never redirect it.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
_count = itertools.count()


def wait_until(ready: Callable[[], object], timeout: float = 15.0,
               what: str = "never happened") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.05)
    raise AssertionError(what)


class TmuxServer:
    """A private tmux server; `kill()` ends it and everything running in it."""

    def __init__(self, prefix: str = "mmaplab-test", env: dict[str, str] | None = None):
        self.socket = f"{prefix}-{os.getpid()}-{next(_count)}"
        self.env = {k: v for k, v in {**os.environ, **(env or {})}.items() if k != "TMUX"}

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args],
                              env=self.env, capture_output=True, text=True,
                              timeout=30).stdout

    def start(self, name: str, command: str, width: int = 120, height: int = 40,
              env: dict[str, str] | None = None) -> None:
        """Run `command` (a shell line) in a new session `name`, with `env` set in it."""
        pairs = [a for k, v in (env or {}).items() for a in ("-e", f"{k}={v}")]
        self.run("new-session", "-d", "-x", str(width), "-y", str(height), "-s", name,
                 *pairs, command)

    def screen(self, name: str, escapes: bool = False) -> str:
        return self.run("capture-pane", "-p", *(["-e"] if escapes else []), "-t", name)

    def wait(self, name: str, pattern: str, timeout: float = 30.0) -> re.Match:
        """The first match of the regular expression `pattern` on `name`'s screen, on the
        screen once it has settled: Textual paints each widget as its repaint reaches the
        screen, so a capture can catch a frame where some panels show the new step and others
        still the old one."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen(name)
            found = re.search(pattern, shown)
            if found:  # a text that shows only for a moment (a progress line) is kept
                return re.search(pattern, self._settled(name, shown)) or found
            if time.monotonic() > deadline:
                raise AssertionError(f"{name}: /{pattern}/ never appeared; the screen "
                                     f"was:\n{shown}")
            time.sleep(0.1)

    def _settled(self, name: str, shown: str, within: float = 2.0) -> str:
        """The screen once two captures 0.1 s apart agree (or `shown`'s latest after
        `within` seconds, for a screen that keeps changing, such as a progress line)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            time.sleep(0.1)
            again = self.screen(name)
            if again == shown:
                break
            shown = again
        return shown

    def wait_for(self, name: str, text: str, timeout: float = 30.0) -> str:
        """The screen, once `text` is on it."""
        return self.wait(name, re.escape(text), timeout).string

    def keys(self, name: str, *keys: str) -> None:
        for key in keys:
            self.run("send-keys", "-t", name, key)
            time.sleep(0.05)

    def has(self, name: str) -> bool:
        return any(line.split(":")[0] == name
                   for line in self.run("list-sessions").splitlines())

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], env=self.env,
                       capture_output=True, timeout=30)
        path = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}" / self.socket
        path.unlink(missing_ok=True)


class TmuxPane:
    """One program in a tmux server of its own, at width x height."""

    NAME = "lab"

    def __init__(self, command: str, width: int = 120, height: int = 40,
                 env: dict[str, str] | None = None, prefix: str = "mmaplab-test"):
        self.server = TmuxServer(prefix, env)
        self.env = self.server.env
        self.server.start(self.NAME, command, width, height, env)

    def tmux(self, *args: str) -> str:
        return self.server.run(*args)

    def screen(self, escapes: bool = False) -> str:
        return self.server.screen(self.NAME, escapes)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        return self.server.wait_for(self.NAME, text, timeout)

    def wait_gone(self, text: str, timeout: float = 30.0) -> None:
        wait_until(lambda: text not in self.screen(), timeout,
                   f"{text!r} stayed; the screen was:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        self.server.keys(self.NAME, *keys)

    def type(self, text: str) -> None:
        self.keys(*text)

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-t", self.NAME, "-x", str(width), "-y", str(height))

    def alternate_screen(self) -> bool:
        return self.tmux("display", "-p", "-t", self.NAME, "#{alternate_on}").strip() == "1"

    def alive(self) -> bool:
        return self.server.has(self.NAME)

    def gone(self, timeout: float = 15.0) -> bool:
        """Whether the program has ended (its session closed) within `timeout` seconds."""
        try:
            wait_until(lambda: not self.alive(), timeout)
        except AssertionError:
            return False
        return True

    def kill(self) -> None:
        self.server.kill()

