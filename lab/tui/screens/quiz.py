# SPDX-License-Identifier: GPL-2.0-only
"""The quiz in the lab: OSTEP-style problems made by the simulator from a seed.

One problem at a time: its scenario, its question; the learner predicts (or types ? to see
the answer), and the verdict names the C lines that decided it. Then Enter makes the next
problem, t opens this problem's scenario in the lab to step through why, Esc closes. The seed
is in the title: `mmaplab quiz --seed S` asks the same problems on the command line.
Dismisses with the QuizItem to step through, or None.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input

from lab.tui.i18n import t, use_bindings
from lab.tui.panels.lesson import Prose, inline, paragraphs

if TYPE_CHECKING:
    from lab.lessons.progress import ProgressStore
    from lab.lessons.questions import Verdict
    from lab.lessons.quiz import Quiz, QuizItem

BATCH = 5  # problems made at a time from one seed (as `mmaplab quiz` asks them)


def _bindings(lang: str) -> list[Binding]:
    return [
        Binding("escape", "close", t("key_close", lang), show=False),
        Binding("enter", "next", t("key_next_problem", lang), show=False),
        Binding("t", "trace", t("key_trace_problem", lang), show=False),
    ]


class QuizScreen(ModalScreen["QuizItem | None"]):
    DEFAULT_CSS = """
    QuizScreen { align: center middle; background: $background 60%; }
    QuizScreen > Vertical {
        width: 86; max-width: 96%; height: auto; max-height: 90%; padding: 0 1;
        border: round $warning; background: $surface;
    }
    QuizScreen VerticalScroll { height: auto; max-height: 16; }
    QuizScreen #quiz-help { color: $foreground 70%; }
    QuizScreen Input { margin: 1 0 0 0; }
    """
    BINDINGS = _bindings("en")

    def __init__(self, lang: str, seed: int | None = None,
                 store: ProgressStore | None = None):
        super().__init__()
        self.lang = lang
        use_bindings(self, _bindings(lang))
        self.seed = seed
        self.store = store  # the quiz's tally goes with the lessons' progress
        self.quiz: Quiz | None = None
        self.index = 0
        self.done = False
        self.right = 0

    @property
    def item(self) -> QuizItem | None:
        return self.quiz.items[self.index] if self.quiz and self.quiz.items else None

    def compose(self):
        with Vertical() as box:
            box.border_title = t("ui_quiz", self.lang)
            with VerticalScroll():
                yield Prose(t("ui_quiz_making", self.lang), id="quiz-problem")
            yield Prose(t("ui_predict_help", self.lang), id="quiz-help")
            yield Input(id="quiz-input", disabled=True)
            yield Prose("", id="quiz-verdict")

    def on_mount(self) -> None:
        self.make(self.seed)

    @work(thread=True, exclusive=True, group="quiz")
    def make(self, seed: int | None) -> None:
        """Record a batch of problems off the UI thread (a few tenths of a second)."""
        from lab.lessons.quiz import generate_quiz

        quiz = generate_quiz(seed, BATCH)
        self.app.call_from_thread(self.show_quiz, quiz)

    def show_quiz(self, quiz: Quiz) -> None:
        self.quiz, self.index = quiz, 0
        self.show_item()

    def show_item(self) -> None:
        item, lang = self.item, self.lang
        if item is None:
            self.query_one("#quiz-problem", Prose).update(t("ui_quiz_none", lang))
            return
        assert self.quiz is not None
        self.done = False
        box = self.query_one(Vertical)
        box.border_title = t("ui_quiz_title", lang, seed=self.quiz.seed, n=self.index + 1,
                             count=len(self.quiz.items), topic=item.topic_text(lang))
        code = Style(color="cyan")
        body = Text()
        for n, line in enumerate(item.scenario_text.splitlines(), 1):
            body.append(f"{n:>2}  {line}\n", style=code)
        body.append("\n")
        question = Text("\n").join(inline(p, code) for p in paragraphs(item.prompt(lang)))
        question.stylize("bold")
        body.append_text(question)
        for letter, label in item.options(lang) or []:
            body.append(f"\n  {letter}) {label}")
        self.query_one("#quiz-problem", Prose).update(body)
        self.query_one("#quiz-help", Prose).update(t("ui_predict_help_quiz", lang))
        self.query_one("#quiz-verdict", Prose).update("")
        field = self.query_one(Input)
        field.disabled, field.value, field.placeholder = False, "", ""
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        item, text = self.item, event.value.strip()
        if item is None or self.done or not text:
            return
        lang = self.lang
        verdict = self.shown(item) if text == "?" else item.check(text, lang)
        out = self.query_one("#quiz-verdict", Prose)
        if not verdict.readable:
            out.update(Text(t("ui_unreadable", lang, message=verdict.message), style="red"))
            return
        self.done = True
        self.right += verdict.correct
        if self.store is not None:
            try:
                self.store.count_quiz(1, int(verdict.correct))
            except OSError:
                pass  # the tally is a nicety; the problem itself went fine
        text_out = Text(verdict.message, style="bold green" if verdict.correct else "bold yellow")
        if verdict.decided:
            text_out.append("\n" + t("quiz_where", lang), style="not bold")
        for d in verdict.decided:
            text_out.append("\n" + t("decided_at", lang, where=d.c_location,
                                     function=d.function, text=d.c_text or d.note or ""),
                            style="not bold")
        out.update(text_out)
        self.query_one("#quiz-help", Prose).update(t("ui_quiz_after", lang))
        field = self.query_one(Input)
        field.disabled = True  # Enter, t and Esc are the dialog's keys now
        self.set_focus(None)

    def shown(self, item: QuizItem) -> Verdict:
        """? typed: the simulator's answer, counted as not predicted."""
        from lab.lessons.questions import Verdict

        answer = item.answer_text(self.lang)
        return Verdict(False, True, "", answer, t("verdict_shown", self.lang, answer=answer),
                       item.decided())

    def action_next(self) -> None:
        if not self.done or self.quiz is None:
            return
        if self.index + 1 < len(self.quiz.items):
            self.index += 1
            self.show_item()
        else:  # the batch is used up: the next seed, so the problems stay reproducible
            self.query_one("#quiz-problem", Prose).update(t("ui_quiz_making", self.lang))
            self.make(self.quiz.seed + 1)

    def action_trace(self) -> None:
        if self.done:
            self.dismiss(self.item)

    def action_close(self) -> None:
        self.dismiss(None)
