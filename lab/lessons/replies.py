# SPDX-License-Identifier: GPL-2.0-only
"""A learner's reply: read generously (EACCES, -13, eacces; 0x7ffff7de0000 or p - 0x3000;
a letter, a value or a label for an option), compared exactly with the computed answer, and
the computed answer shown back in the learner's language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lab.kernel.include.uapi.errno import ERRNO_NAMES
from lab.lessons.i18n import t
from lab.runner import scenario_constants
from lab.scenario import ScenarioError, evaluate, parse_expression

BUILTIN_OPTIONS = {
    "merge": [True, False],
    "merge_with": ["prev", "next", "both", "none"],
}
_YES = {"yes", "y", "true", "1", "是", "对", "会", "合并", "是的"}
_NO = {"no", "n", "false", "0", "否", "不", "不会", "不合并", "不是"}
_NONE = {"none", "0", "success", "ok", "no error", "无", "成功", "没有", "不出错"}
_ROW = re.compile(r"^\s*(?:0x)?([0-9a-f]+)\s*-\s*(?:0x)?([0-9a-f]+)\s+([r-][w-][x-][ps])"
                  r"(?:\s+(.*?))?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Reply:
    """A learner's reply read for one question: what it means, or why it means nothing."""

    value: Any = None
    ok: bool = True  # False: the reply could not be read (`problem` says why)
    problem: str = ""


def letter(i: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[i]


def read_reply(kind: str, text: str, options: list | None, labels: list[str] | None,
               expected: Any, lang: str, variables: dict[str, int] | None = None) -> Reply:
    """Read the learner's text as a value comparable with the computed answer."""
    text = " ".join(text.strip().split())
    if not text:
        return Reply(ok=False, problem=t("reply_empty", lang))
    if options is not None:
        return _read_option(text, options, labels, lang)
    if kind == "errno":
        return _read_errno(text, lang)
    if kind == "signal":
        word = text.upper()
        if word.lower() in _NONE:
            return Reply("none")
        return Reply(word if word.startswith("SIG") else "SIG" + word)
    if kind == "vma":
        m = _ROW.match(text)
        if m is None:
            return Reply(ok=False, problem=t("reply_vma", lang))
        return Reply((int(m.group(1), 16), int(m.group(2), 16), m.group(3).lower(),
                      m.group(4)))
    if isinstance(expected, bool):
        low = text.lower()
        if low in _YES:
            return Reply(True)
        if low in _NO:
            return Reply(False)
        return Reply(ok=False, problem=t("reply_yes_no", lang))
    if isinstance(expected, int):
        return _read_int(text, lang, variables or {})
    return Reply(text)


def _read_option(text: str, options: list, labels: list[str] | None, lang: str) -> Reply:
    low = text.lower().rstrip(").")
    if len(low) == 1 and low.isalpha() and ord(low) - ord("a") < len(options):
        return Reply(options[ord(low) - ord("a")])
    for i, option in enumerate(options):
        shown = labels[i] if labels else None
        if str(option).lower() == text.lower() or (shown and " ".join(
                shown.split()).lower() == text.lower()):
            return Reply(option)
        if isinstance(option, bool) and ((option and low in _YES) or (not option and low in _NO)):
            return Reply(option)
    return Reply(ok=False, problem=t("reply_option", lang,
                                     letters=", ".join(letter(i) for i in range(len(options)))))


def _read_errno(text: str, lang: str) -> Reply:
    word = text.strip().lstrip("-").upper()
    if text.strip().lower() in _NONE:
        return Reply("none")
    if word.isdigit():
        name = ERRNO_NAMES.get(int(word))
        return Reply(name) if name else Reply(ok=False, problem=t("reply_errno", lang))
    if word in ERRNO_NAMES.values():
        return Reply(word)
    return Reply(ok=False, problem=t("reply_errno", lang))


def _read_int(text: str, lang: str, variables: dict[str, int]) -> Reply:
    words = text.lower().replace(",", "").split()
    if len(words) == 2 and words[1] in ("kb", "kib", "pages", "page", "页", "个"):
        text = words[0]
    try:
        env = {**scenario_constants(), **variables}
        value = evaluate(parse_expression(text, "<answer>", env, variables), env)
    except ScenarioError:
        return Reply(ok=False, problem=t("reply_number", lang))
    if not isinstance(value, int) or isinstance(value, bool):
        return Reply(ok=False, problem=t("reply_number", lang))
    return Reply(value)


def matches(kind: str, reply: Reply, expected: Any, expected_row: dict | None = None) -> bool:
    if not reply.ok:
        return False
    if kind == "vma" and isinstance(reply.value, tuple):
        start, end, perms, path = reply.value
        row = expected_row or {}
        return (start, end, perms) == (row.get("start"), row.get("end"), row.get("perms")) \
            and (path is None or path == row.get("path"))
    if isinstance(expected, str) and isinstance(reply.value, str):
        return expected.lower() == reply.value.lower()
    if isinstance(expected, bool) or isinstance(reply.value, bool):
        return reply.value is expected
    return reply.value == expected


def display(kind: str, value: Any, lang: str) -> str:
    """The computed answer as the learner is shown it."""
    if kind == "errno":
        return t("answer_no_error", lang) if value == "none" else value
    if kind == "ret" and isinstance(value, int):
        if value < 0 and -value in ERRNO_NAMES:
            return f"-{ERRNO_NAMES[-value]} ({value})"
        return hex(value) if value >= 0x10000 else str(value)
    if kind == "rss":
        return f"{value} kB"
    if kind in ("committed", "present", "dirty") and isinstance(value, int):
        return t("answer_page" if value == 1 else "answer_pages", lang, n=value)
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    return str(value)


def typed_answer(kind: str, value: Any) -> str:
    """A reply that is right for this computed answer (what a headless run types)."""
    if kind == "ret" and isinstance(value, int) and value >= 0:
        return hex(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
