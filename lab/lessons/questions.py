# SPDX-License-Identifier: GPL-2.0-only
"""A predict question at run time: its computed answer, its options, and checking a reply.

Lessons and the quiz share this. The answer is computed from the recording when the question
is first needed; the options of a multiple-choice question are the author's (or, for `merge`
and `merge_with`, the lab's own), and the right one is whichever equals the computed answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lab.lessons import replies
from lab.lessons.answers import ExpressionError
from lab.lessons.facts import KIND_FACT, Decided, FactError, Facts
from lab.lessons.i18n import t
from lab.lessons.replies import BUILTIN_OPTIONS, Reply

_BUILTIN_LABELS = {
    "merge": ("opt_merge_yes", "opt_merge_no"),
    "merge_with": ("opt_prev", "opt_next", "opt_both", "opt_none"),
}


@dataclass
class Computed:
    """The simulator's answer to one question."""

    value: Any
    decided: list[int]
    row: dict | None = None  # the maps row, for `vma` questions
    kind: str = "value"


@dataclass
class Verdict:
    """The outcome of one reply."""

    correct: bool
    readable: bool  # False: the reply was not understood; ask again, nothing is recorded
    given: str
    expected: str  # the computed answer, as shown
    message: str  # in the learner's language
    decided: list[Decided] = field(default_factory=list)


@dataclass
class QuestionSpec:
    """What a question asks, independent of where it comes from (a lesson block or the quiz)."""

    kind: str  # a question kind of lab/lessons/model.py
    statement: int | None  # the statement a fact kind asks about
    prompt: dict[str, str]  # lang → text
    options: list | None = None
    labels: dict[str, list[str]] | None = None
    answer: str | None = None  # the expression, for choice/value
    answer_tree: Any = None  # its compiled form


def effective_options(spec: QuestionSpec) -> list | None:
    if spec.options is not None:
        return list(spec.options)
    return list(BUILTIN_OPTIONS[spec.kind]) if spec.kind in BUILTIN_OPTIONS else None


def option_labels(spec: QuestionSpec, lang: str) -> list[str] | None:
    options = effective_options(spec)
    if options is None:
        return None
    if spec.labels:
        chosen = spec.labels.get(lang) or next(iter(spec.labels.values()))
        if len(chosen) == len(options):
            return list(chosen)
    if spec.options is None and spec.kind in _BUILTIN_LABELS:
        return [t(key, lang) for key in _BUILTIN_LABELS[spec.kind]]
    return [replies.display(spec.kind, o, lang) if not isinstance(o, str) else o
            for o in options]


def compute(spec: QuestionSpec, facts: Facts) -> Computed:
    """The computed answer (raises ExpressionError or FactError when there is none)."""
    facts.decided = []
    if spec.kind in KIND_FACT:
        assert spec.statement is not None
        value = getattr(facts, KIND_FACT[spec.kind])(spec.statement)
        row = facts.row(spec.statement) if spec.kind == "vma" else None
        return Computed(value, list(facts.decided), row, spec.kind)
    from lab.lessons.answers import compile_expression, evaluate_expression

    tree = spec.answer_tree if spec.answer_tree is not None else \
        compile_expression(spec.answer or "")
    value = evaluate_expression(tree, facts)
    if isinstance(value, tuple):
        raise ExpressionError("expr_value", 1, detail="a tuple is not an answer")
    return Computed(value, list(facts.decided), None, spec.kind)


def correct_option(spec: QuestionSpec, computed: Computed) -> int | None:
    """The index of the option equal to the computed answer (None: no option is)."""
    options = effective_options(spec)
    if options is None:
        return None
    for i, o in enumerate(options):
        if replies.matches(spec.kind, Reply(o), computed.value, computed.row):
            return i
    return None


def expected_text(spec: QuestionSpec, computed: Computed, lang: str) -> str:
    i = correct_option(spec, computed)
    if i is not None:
        labels = option_labels(spec, lang) or []
        return f"{replies.letter(i)}) {labels[i]}"
    return replies.display(spec.kind, computed.value, lang)


def typed_answer(spec: QuestionSpec, computed: Computed) -> str:
    """A reply that the checker accepts as right: what a headless run replies."""
    i = correct_option(spec, computed)
    if i is not None:
        return replies.letter(i)
    return replies.typed_answer(spec.kind, computed.value)


def check(spec: QuestionSpec, computed: Computed, text: str, lang: str, facts: Facts,
          variables: dict[str, int] | None = None) -> Verdict:
    options = effective_options(spec)
    labels = option_labels(spec, lang)
    reply = replies.read_reply(spec.kind, text, options, labels, computed.value, lang,
                               variables)
    expected = expected_text(spec, computed, lang)
    decided = facts.describe_all(computed.decided)
    if not reply.ok:
        return Verdict(False, False, text, expected, reply.problem, decided)
    right = replies.matches(spec.kind, reply, computed.value, computed.row)
    message = t("verdict_right", lang, answer=expected) if right else \
        t("verdict_wrong", lang, answer=expected, given=text.strip())
    return Verdict(right, True, text.strip(), expected, message, decided)


def fact_error_key(err: Exception) -> tuple[str, dict]:
    if isinstance(err, (FactError, ExpressionError)):
        return err.key, err.params
    raise err
