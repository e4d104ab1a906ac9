# SPDX-License-Identifier: GPL-2.0-only
"""A predict prompt: the lesson's question before the step that answers it.

The learner types an option's letter or a value (the simulator computed the right one when
the lesson opened), or `?` to see the answer. The verdict explains the answer with the C
lines that decided it; Enter or Escape then goes on. Escape before answering leaves the
question for later, and the step stays where it is. Dismisses with True once answered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input

from lab.tui.i18n import t, use_bindings

if TYPE_CHECKING:
    from lab.lessons.questions import Verdict


def _bindings(lang: str) -> list[Binding]:
    return [Binding("escape", "close", t("key_later", lang), show=False)]


class PredictScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    PredictScreen { align: center middle; background: $background 60%; }
    PredictScreen > Vertical {
        width: 86; max-width: 96%; height: auto; max-height: 90%; padding: 0 1;
        border: round $warning; background: $surface;
    }
    PredictScreen VerticalScroll { height: auto; max-height: 18; }
    PredictScreen #predict-help { color: $foreground 70%; }
    PredictScreen #predict-verdict { height: auto; }
    PredictScreen Input { margin: 1 0 0 0; }
    """
    BINDINGS = _bindings("en")

    def __init__(self, title: str, prompt: str, options: list[tuple[str, str]] | None,
                 answer: Callable[[str], Verdict], reveal: Callable[[], Verdict], lang: str):
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.options = options or []
        self.answer = answer
        self.reveal = reveal
        self.lang = lang
        self.done = False
        use_bindings(self, _bindings(lang))

    @classmethod
    def for_lesson(cls, mode) -> PredictScreen:  # noqa: ANN001 (lab.tui.lesson_mode)
        """The question on the current page of the lesson being taken."""
        run, lang = mode.run, mode.lang
        q = run.page.question
        return cls(f"{t('ui_predict', lang)} · {run.lesson.get_title(lang)}", q.prompt(lang),
                   q.options(lang), mode.answer, mode.reveal, lang)

    def compose(self):
        lang = self.lang
        from rich.style import Style

        from lab.tui.panels.lesson import Prose, inline, paragraphs

        body = Text("\n").join(inline(p, Style(color="cyan")) for p in paragraphs(self.prompt))
        body.stylize("bold")
        for letter, label in self.options:
            body.append(f"\n  {letter}) {label}", style="not bold")
        with Vertical() as box:
            box.border_title = self.title_text
            with VerticalScroll():
                yield Prose(body, id="predict-question")
            yield Prose(t("ui_predict_help", lang), id="predict-help")
            yield Input(id="predict-input", restrict=r"[^\[\]]*")  # ] [ turn pages
            yield Prose("", id="predict-verdict")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.done:
            self.dismiss(True)
            return
        text = event.value.strip()
        if not text:
            return
        verdict = self.reveal() if text == "?" else self.answer(text)
        lang = self.lang
        out = self.query_one("#predict-verdict")
        if not verdict.readable:
            out.update(Text(t("ui_unreadable", lang, message=verdict.message), style="red"))
            return
        self.done = True
        out.update(self.verdict_text(verdict))
        field = self.query_one(Input)
        field.value = ""
        field.placeholder = t("ui_continue", lang)

    def verdict_text(self, verdict: Verdict) -> Text:
        lang = self.lang
        text = Text(verdict.message, style="bold green" if verdict.correct else "bold yellow")
        for d in verdict.decided:
            text.append("\n" + t("decided_at", lang, where=d.c_location, function=d.function,
                                 text=d.c_text or d.note or ""), style="not bold")
        text.append("\n" + t("ui_continue", lang), style="dim")
        return text

    def action_close(self) -> None:
        self.dismiss(self.done)
