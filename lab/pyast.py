# SPDX-License-Identifier: GPL-2.0-only
"""`ast.parse`, one parse at a time in the whole process.

CPython 3.11 (3.11.7 at least) keeps the depth count of building a tree in one
per-interpreter global: a second parse that starts while the first builds its tree (another
thread, or a gc callback on this one) makes the first fail with SystemError "AST constructor
recursion depth mismatch" (gh-106905). The lab parses in more than one thread (a follower
records the instructor's scenario while the app parses the twin's source), so every parse of
the lab goes through `parse`: one lock for all of them, and one retry, since the count
restarts with each parse.
"""

from __future__ import annotations

import ast
import threading

AST_LOCK = threading.RLock()


def parse(source: str, filename: str = "<unknown>", mode: str = "exec") -> ast.AST:
    with AST_LOCK:
        try:
            return ast.parse(source, filename, mode)
        except SystemError:
            return ast.parse(source, filename, mode)
