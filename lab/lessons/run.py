# SPDX-License-Identifier: GPL-2.0-only
"""A lesson being taken: its pages in order, tied to steps of the recorded trace.

The pages are the intro (title, goals, words), then every narration, question and checkpoint
at the step its anchor resolved to, then the outro. A question sits at step g and is asked
while the learner is at g, before the line runs: the learner may not move past g, by page or
by step, until they have answered it (a wrong answer counts, and shows the right one).
`{{ expr }}` in any text is filled in with computed facts, so no number in a lesson is typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lab.lessons import questions
from lab.lessons.anchors import resolve
from lab.lessons.answers import ExpressionError, compile_expression, evaluate_expression
from lab.lessons.facts import FactError, Facts
from lab.lessons.i18n import t
from lab.lessons.model import Block, Lesson
from lab.lessons.questions import Computed, QuestionSpec, Verdict
from lab.lessons.recording import Recording

_FILL = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_RANK = {"question": 0, "narration": 1, "checkpoint": 2}


@dataclass
class QuestionState:
    """One question of a run: what it asks, its computed answer, and the learner's replies."""

    id: str
    spec: QuestionSpec
    computed: Computed
    attempts: int = 0
    answered: bool = False  # a readable reply was given (right or wrong) or the answer shown
    correct: bool = False  # the first readable reply was right
    given: str | None = None
    verdict: Verdict | None = None

    def prompt(self, lang: str) -> str:
        return self.spec.prompt.get(lang) or next(iter(self.spec.prompt.values()), "")

    def options(self, lang: str) -> list[tuple[str, str]] | None:
        """(letter, label) of each option, or None for a question answered by a value."""
        labels = questions.option_labels(self.spec, lang)
        if labels is None:
            return None
        from lab.lessons.replies import letter

        return [(letter(i), label) for i, label in enumerate(labels)]


@dataclass
class Page:
    index: int
    kind: str  # "intro", "narration", "question", "checkpoint", "outro"
    block_id: str
    step: int | None  # the global step the trace shows with this page; None: the intro
    text: str  # Markdown, in the run's language, with {{ }} filled in
    title: str | None = None
    goals: list[str] = field(default_factory=list)
    question: QuestionState | None = None
    block: Block | None = field(default=None, repr=False)


def fill(text: str, facts: Facts, lang: str) -> str:
    """Replace each {{ expr }} by its computed value (raises ExpressionError/FactError)."""

    def one(m: re.Match) -> str:
        value = evaluate_expression(compile_expression(m.group(1)), facts)
        if isinstance(value, bool):
            return t("yes" if value else "no", lang)
        return str(value)

    return _FILL.sub(one, text)


def spec_of(block: Block) -> QuestionSpec:
    tree = compile_expression(block.answer) if block.answer is not None else None
    statement = block.anchor.statement if block.anchor else None
    return QuestionSpec(block.question_kind or "value", statement, dict(block.text),
                        block.options, block.labels, block.answer, tree)


class LessonRun:
    """One learner taking one lesson in one language (switchable), with its position."""

    def __init__(self, lesson: Lesson, recording: Recording, lang: str):
        self.lesson = lesson
        self.recording = recording
        self.session = recording.session
        self.facts = Facts(recording)
        self.lang = lang if lang in lesson.languages else lesson.languages[0]
        self._steps: dict[str, int] = {}
        self._questions: dict[str, QuestionState] = {}
        self.pages: list[Page] = []
        self.index = 0
        self.furthest = 0
        self._build()

    # -- building --------------------------------------------------------------------------
    def _build(self) -> None:
        lesson, rec = self.lesson, self.recording
        placed: list[tuple[int, int, int, Block]] = []
        for order, block in enumerate(lesson.blocks):
            if block.kind not in _RANK:
                continue
            anchor = block.anchor
            assert anchor is not None
            default = "last" if block.kind == "checkpoint" else "first"
            g = resolve(anchor, rec, default) if (anchor.at or anchor.statement) else 0
            self._steps[block.id] = g
            placed.append((g, _RANK[block.kind], order, block))
            if block.kind == "question":
                spec = spec_of(block)
                self._questions[block.id] = QuestionState(block.id, spec,
                                                         questions.compute(spec, self.facts))
        placed.sort(key=lambda p: p[:3])
        intro = lesson.intro
        self.pages.append(Page(0, "intro", intro.id if intro else "intro", None, "",
                               block=intro))
        for g, _, _, block in placed:
            self.pages.append(Page(len(self.pages), block.kind, block.id, g, "",
                                   question=self._questions.get(block.id), block=block))
        outro = lesson.outro
        self.pages.append(Page(len(self.pages), "outro", outro.id if outro else "outro",
                               self.session.total_steps - 1, "", block=outro))
        self.set_language(self.lang)

    def set_language(self, lang: str) -> None:
        """Show every page in `lang` (answers and position are kept)."""
        self.lang = lang if lang in self.lesson.languages else self.lesson.languages[0]
        for page in self.pages:
            page.text = fill(page.block.get_text(self.lang), self.facts, self.lang) \
                if page.block is not None else ""
            if page.kind == "intro":
                page.title = self.lesson.get_title(self.lang)
                page.goals = self.lesson.get_goals(self.lang)
            if page.question is not None and page.question.verdict is not None:
                page.question.verdict = self._verdict_again(page.question)

    def _verdict_again(self, q: QuestionState) -> Verdict:
        return questions.check(q.spec, q.computed, q.given or "", self.lang, self.facts)

    # -- where the learner is --------------------------------------------------------------
    @property
    def page(self) -> Page:
        return self.pages[self.index]

    @property
    def blocked(self) -> bool:
        """True while the current page is a question not yet answered."""
        q = self.page.question
        return q is not None and not q.answered

    def go(self, index: int) -> Page:
        """Move to a page; never past a question that is not answered yet."""
        index = max(0, min(index, len(self.pages) - 1))
        for p in self.pages[:index]:
            if p.question is not None and not p.question.answered:
                index = p.index
                break
        self.index = index
        self.furthest = max(self.furthest, index)
        return self.page

    def next(self) -> Page:
        return self.page if self.blocked else self.go(self.index + 1)

    def back(self) -> Page:
        return self.go(self.index - 1)

    @property
    def done(self) -> bool:
        return self.index == len(self.pages) - 1 and all(
            q.answered for q in self._questions.values())

    # -- free stepping in the app -----------------------------------------------------------
    def gate(self, target_step: int) -> Page | None:
        """The first unanswered question the learner must answer before reaching target_step.

        The app moves the trace to that page's step instead, and shows the question.
        """
        for p in self.pages:
            if p.question is not None and not p.question.answered and p.step is not None \
                    and p.step < target_step:
                return p
        return None

    def pages_at(self, step: int) -> list[Page]:
        """The narrations, questions and checkpoints anchored at this global step."""
        return [p for p in self.pages[1:-1] if p.step == step]

    def page_for_step(self, step: int) -> Page:
        """The last page at or before a step: what the lesson pane shows there."""
        found = self.pages[0]
        for p in self.pages[1:-1]:
            if p.step is not None and p.step <= step:
                found = p
        return found

    def visible_step(self, page: Page | None = None) -> int:
        """The global step the trace panes show with a page (the intro shows step 0)."""
        page = page or self.page
        return page.step if page.step is not None else 0

    # -- questions --------------------------------------------------------------------------
    @property
    def questions(self) -> list[QuestionState]:
        return [p.question for p in self.pages if p.question is not None]

    def question(self, qid: str) -> QuestionState:
        return self._questions[qid]

    def variables_before(self, q: QuestionState) -> dict[str, int]:
        """Scenario variables a reply may use: those bound before the question's step."""
        g = next(p.step for p in self.pages if p.question is q)
        upto = self.recording.statement_of_step(g or 0) - 1
        out: dict[str, int] = {}
        for stmt, rec in zip(self.recording.scenario, self.session.records[:upto]):
            target = getattr(stmt, "target", None)
            if target and rec.event is not None and isinstance(rec.event.ret, int):
                out[target] = rec.event.ret
        return out

    def answer(self, text: str, qid: str | None = None) -> Verdict:
        """Check a reply to the current page's question (or the question `qid`)."""
        q = self._questions[qid] if qid else self.page.question
        if q is None:
            raise ValueError("this page asks no question")
        verdict = questions.check(q.spec, q.computed, text, self.lang, self.facts,
                                  self.variables_before(q))
        if verdict.readable:
            q.attempts += 1
            if not q.answered:
                q.correct = verdict.correct
                q.answered = True
                q.given = verdict.given
            q.verdict = verdict
        return verdict

    def reveal(self, qid: str | None = None) -> Verdict:
        """Show the answer without a reply (counts as not right)."""
        q = self._questions[qid] if qid else self.page.question
        if q is None:
            raise ValueError("this page asks no question")
        expected = questions.expected_text(q.spec, q.computed, self.lang)
        verdict = Verdict(False, True, "", expected, t("verdict_shown", self.lang,
                                                        answer=expected),
                          self.facts.describe_all(q.computed.decided))
        if not q.answered:
            q.answered, q.correct = True, False
        q.verdict = verdict
        return verdict

    def right_reply(self, qid: str | None = None) -> str:
        """A reply the checker accepts (for headless runs and instructors' previews)."""
        q = self._questions[qid] if qid else self.page.question
        assert q is not None
        return questions.typed_answer(q.spec, q.computed)

    # -- progress ---------------------------------------------------------------------------
    def progress(self) -> dict[str, Any]:
        """This run's progress as plain data, for lab.lessons.progress."""
        return {
            "page": self.index,
            "furthest": self.furthest,
            "pages": len(self.pages),
            "done": self.done,
            "answers": {q.id: {"given": q.given, "correct": q.correct, "attempts": q.attempts}
                        for q in self._questions.values() if q.answered},
        }

    def restore(self, record: dict[str, Any]) -> None:
        """Take up a saved run: answers first, then the page (clamped to what is allowed)."""
        for qid, saved in (record.get("answers") or {}).items():
            q = self._questions.get(qid)
            if q is None or not isinstance(saved, dict):
                continue
            q.answered = True
            q.correct = bool(saved.get("correct"))
            q.given = saved.get("given") if isinstance(saved.get("given"), str) else None
            q.attempts = int(saved.get("attempts") or 1)
        furthest = record.get("furthest", 0)
        self.furthest = furthest if isinstance(furthest, int) else 0
        page = record.get("page", 0)
        self.go(page if isinstance(page, int) else 0)


def run_headless(run: LessonRun) -> list[str]:
    """Take the lesson from start to end, answering every question right; the transcript."""
    out: list[str] = []
    while True:
        page = run.page
        out.append(render_page(run, page))
        if page.question is not None and not page.question.answered:
            reply = run.right_reply()
            verdict = run.answer(reply)
            if not verdict.correct:
                raise AssertionError(f"{run.lesson.path}: question {page.question.id}: the "
                                     f"computed answer {reply!r} was judged wrong")
            out.append(render_verdict(run, verdict, reply))
        if page.index == len(run.pages) - 1:
            break
        run.next()
    return out


def render_page(run: LessonRun, page: Page) -> str:
    """A page as plain text (for `mmaplab lessons show` and tests)."""
    lang = run.lang
    lines: list[str] = []
    if page.kind == "intro":
        lines.append(f"# {page.title}")
        if page.goals:
            lines.append(t("goals", lang))
            lines += [f"  - {g}" for g in page.goals]
        lines.append("")
        lines.append(t("scenario_heading", lang))
        lines += [f"  {ln}" for ln in run.lesson.scenario_text.strip("\n").split("\n")]
    else:
        where = _where(run, page)
        lines.append(f"[{t('page_' + page.kind, lang)}] {where}".rstrip())
    if page.text:
        lines.append(page.text)
    q = page.question
    if q is not None:
        for letter_, label in q.options(lang) or []:
            lines.append(f"  {letter_}) {label}")
    return "\n".join(lines) + "\n"


def render_verdict(run: LessonRun, verdict: Verdict, reply: str) -> str:
    lines = [f"> {reply}", verdict.message]
    for d in verdict.decided:
        lines.append(t("decided_at", run.lang, where=d.c_location, function=d.function,
                       text=d.c_text or d.note or ""))
    return "\n".join(lines) + "\n"


def _where(run: LessonRun, page: Page) -> str:
    if page.step is None:
        return ""
    step = run.session.step_at(run.session.position_of(page.step))
    k = run.recording.statement_of_step(page.step)
    stmt = run.recording.scenario.statements[k - 1]
    head = t("at_statement", run.lang, n=k, text=stmt.text)
    if step is None:
        return head
    return f"{head}, {step.c_location} ({step.function})"


__all__ = ["ExpressionError", "FactError", "LessonRun", "Page", "QuestionState", "fill",
           "run_headless"]
