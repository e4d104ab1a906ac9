# SPDX-License-Identifier: GPL-2.0-only
"""Compare with this machine's kernel: the scenario run for real, beside the model's result.

The learner checks the model for themselves. For each statement: what each side returned,
the signal if any, and the scenario's maps rows that are new or changed (perms, Rss, Locked,
present pages), each item marked same, known (a documented kernel-version or machine
difference explains it: docs/fidelity.md) or DIFFERS. The real run happens off the UI thread
in `lab.realkernel`'s runner; where it cannot run (not Linux, or the scenario needs what this
machine cannot give), the screen says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import LoadingIndicator, Static
from textual.worker import get_current_worker

from lab.realkernel import host
from lab.stepping.session import Session
from lab.tui.i18n import lang_of, t, use_bindings
from lab.tui.known_zh import learner_text

#: Differences a comparison touches on nearly every row (a build option of this machine's
#: kernel): told once at the end, not marked on each item. As `mmaplab run --real` does.
QUIET = ("no-soft-dirty",)
RESULT_KINDS = ("errno", "ret", "placement", "value", "events")
ROW_KINDS = ("row", "perms", "offset", "path", "rss", "locked", "present", "hugetlb", "vmflags")


@dataclass
class Item:
    """One thing both sides have a value for, and whether they agree."""

    label: str
    model: str
    kernel: str
    differences: list = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """"same", "known" (every difference is explained) or "differs"."""
        if not self.differences:
            return "same"
        return "known" if all(d.expected for d in self.differences) else "differs"


@dataclass
class StatementComparison:
    line: int
    stmt: str
    items: list[Item]
    differences: list  # every difference of this statement, quiet ones left out


def sim_document(session: Session) -> dict:
    """The model's result as `mmaplab run --json` prints it, from the recorded session."""
    from lab.report import Report

    report = Report(session.initial_maps)
    report.events = [(rec.event, rec.maps_after) for rec in session.records
                     if rec.event is not None]
    return report.to_json()


def _result(ev: dict, lang: str = "en") -> str:
    if ev["errno"]:
        return f"-1, errno {ev['errno']}"
    if ev.get("value") is not None:
        return t("cmp_read", lang, value=ev["value"])
    ret = ev["ret"]
    if ret is None:
        return t("cmp_done", lang)
    return f"{ret:#x}" if isinstance(ret, int) and ret > 0xFFFF else str(ret)


def _short(c: tuple) -> str:
    """An address both runs share: "L3+0x1000" is line 3's mapping + 0x1000."""
    from lab.realkernel.events import coord_text

    if c[0] == "line":
        return f"L{c[1]}{'+' if c[2] >= 0 else '-'}{abs(c[2]):#x}"
    return coord_text(c)


def _span(key: tuple) -> str:
    """A row's range: "L1+0x0..+0x2000" when both ends are in line 1's mapping."""
    a, b = key
    if a[0] == b[0] == "line" and a[1] == b[1]:
        return f"{_short(a)}..+{b[2]:#x}" if b[2] >= 0 else f"{_short(a)}..{_short(b)}"
    return f"{_short(a)}..{_short(b)}"


def _row_text(r: dict | None, lang: str = "en") -> str:
    # the values keep the names smaps and pagemap give them (Rss, Locked, present)
    if r is None:
        return t("cmp_no_mapping", lang)
    text = f"{r['perms']} Rss {r['rss'] // 1024}k Locked {r['locked'] // 1024}k " \
           f"present {r['present']}"
    return text + (f" hugetlb {r['hugetlb'] // 1024}k" if r.get("hugetlb") else "")


def comparisons(sim_doc: dict, real_doc: dict, differences: list,
                lang: str = "en") -> list[StatementComparison]:
    """Statement by statement, the items both runs have and which of them agree (their
    values in `lang`; the labels stay the English words, translated when drawn)."""
    from lab.realkernel.events import ScenarioView

    sim, real = ScenarioView(sim_doc, "sim"), ScenarioView(real_doc, "real")
    loud = [d for d in differences if d.expected not in QUIET]
    out = []
    for k in range(max(len(sim.events), len(real.events))):
        s = sim.events[k] if k < len(sim.events) else None
        r = real.events[k] if k < len(real.events) else None
        ev = s or r
        assert ev is not None
        mine = [d for d in loud if d.line == ev["line"]]
        unreached, none = t("cmp_not_reached", lang), t("cmp_no_signal", lang)
        items = [Item("returns", _result(s, lang) if s else unreached,
                      _result(r, lang) if r else unreached,
                      [d for d in mine if d.kind in RESULT_KINDS])]
        if (s and s["signal"]) or (r and r["signal"]):
            items.append(Item("signal", (s and s["signal"]) or none,
                              (r and r["signal"]) or none,
                              [d for d in mine if d.kind == "signal"]))
        if s and r:
            items += _row_items(sim, real, k, loud, lang)
        out.append(StatementComparison(ev["line"], ev["stmt"], items, mine))
    return out


def _differs_now(d, a: dict | None, b: dict | None) -> bool:  # noqa: ANN001
    """Does the row difference `d` still hold between rows a (model) and b (kernel)?"""
    if a is None or b is None:
        return d.kind == "row"
    if d.kind == "vmflags":
        return (d.key[3] in a["vmflags"]) != (d.key[3] in b["vmflags"])
    return d.kind in a and a[d.kind] != b[d.kind]


def _row_items(sim, real, k: int, loud: list, lang: str = "en") -> list[Item]:  # noqa: ANN001
    """The rows this statement made or changed on either side, or that differ now."""
    now_s, now_r = sim.rows(k), real.rows(k)
    was_s = sim.rows(k - 1) if k else {}
    was_r = real.rows(k - 1) if k else {}
    line = sim.events[k]["line"]
    items = []
    for key in sorted(set(now_s) | set(now_r), key=repr):
        a, b = now_s.get(key), now_r.get(key)
        # compare() tells a row's difference once, where it began: it may still hold here
        diffs = [d for d in loud if d.kind in ROW_KINDS and len(d.key) > 2 and d.key[2] == key
                 and d.line <= line and _differs_now(d, a, b)]
        if not any(d.line == line for d in diffs) and was_s.get(key) == a \
                and was_r.get(key) == b:
            continue  # as it was after the last statement, on both sides
        path = (a or b or {}).get("path") or "anon"
        items.append(Item(f"{_span(key)}\n{path}", _row_text(a, lang), _row_text(b, lang),
                          diffs))
    gone = [key for key in set(was_s) | set(was_r) if key not in now_s and key not in now_r]
    for key in sorted(gone, key=repr):
        gone_text = t("cmp_row_gone", lang)
        items.append(Item(f"{_span(key)}", gone_text, gone_text))
    return items


def run_comparison(session: Session) -> tuple[dict, dict, list]:
    """(model document, kernel document, differences): runs the real kernel, so slow."""
    from lab.realkernel import compare, run_real

    sim_doc = sim_document(session)
    try:
        real_doc = run_real(session.scenario)
    except Exception as err:  # the runner's own failure: shown, never a traceback
        real_doc = {"error": f"{type(err).__name__}: {err}", "skipped": None}
    differences = compare(sim_doc, real_doc)
    return sim_doc, real_doc, differences


class CompareScreen(ModalScreen[None]):
    """The model's result and this machine's kernel's, side by side, per statement."""

    DEFAULT_CSS = """
    CompareScreen { align: center middle; background: $background 60%; }
    CompareScreen > VerticalScroll {
        width: 120; max-width: 100%; height: 90%; border: round $accent;
        background: $surface; padding: 0 1;
    }
    CompareScreen.-ascii > VerticalScroll { border: ascii $accent; }
    CompareScreen LoadingIndicator { height: 1; }
    CompareScreen #compare-status { margin-bottom: 1; }
    """
    BINDINGS = [Binding("escape,q", "close", t("key_close"))]
    AUTO_FOCUS = "VerticalScroll"  # arrows, Page Up/Down and Home/End scroll the report

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.result: tuple[dict, dict, list] | None = None
        self.unavailable: str | None = None
        self.lang = lang_of(self)
        use_bindings(self, [Binding("escape,q", "close", t("key_close", self.lang))])

    def compose(self):
        glyphs = getattr(self.app, "glyphs", None)
        self.set_class(bool(glyphs and glyphs.ascii), "-ascii")
        sep = glyphs.sep if glyphs else "·"
        with VerticalScroll() as box:
            box.border_title = t("cmp_title", self.lang, sep=sep)
            yield Static(id="compare-status")
            yield LoadingIndicator()
            yield Static(id="compare-body")

    def on_mount(self) -> None:
        ok, why = host.available()
        if not ok:
            self._unavailable(t("cmp_unavailable", self.lang, why=why))
            return
        self.query_one("#compare-status", Static).update(
            Text(t("cmp_running", self.lang), style="italic"))
        self._run()

    def _unavailable(self, message: str) -> None:
        self.unavailable = message
        self.query_one(LoadingIndicator).display = False
        self.query_one("#compare-status", Static).update(Text(message, style="bold"))

    @work(thread=True, exclusive=True)
    def _run(self) -> None:
        result = run_comparison(self.session)
        if get_current_worker().is_cancelled:
            return  # closed (or the app quit) while the kernel ran
        try:
            self.app.call_from_thread(self._show, result)
        except RuntimeError:
            pass  # the app is no longer running

    def _show(self, result: tuple[dict, dict, list]) -> None:
        if not self.is_attached:
            return
        sim_doc, real_doc, differences = result
        lang = self.lang
        if real_doc.get("skipped"):
            self._unavailable(t("cmp_skipped", lang, why=real_doc["skipped"]))
            return
        if real_doc.get("error"):
            self._unavailable(t("cmp_failed", lang, error=real_doc["error"]))
            return
        self.result = result
        self.query_one(LoadingIndicator).display = False
        found = comparisons(sim_doc, real_doc, differences, lang)
        self.query_one("#compare-status", Static).update(
            _summary(sim_doc, real_doc, found, lang))
        self.query_one("#compare-body", Static).update(_body(found, differences, lang))

    def action_close(self) -> None:
        self.dismiss(None)


_VERDICT_STYLE = {"same": "green", "known": "yellow", "differs": "bold red"}


_VERDICT_TEXT = {"same": "cmp_same", "known": "cmp_known_verdict", "differs": "cmp_differs"}


def _summary(sim_doc: dict, real_doc: dict, found: list[StatementComparison],
             lang: str = "en") -> Text:
    text = Text()
    text.append(t("cmp_model", lang), style="bold")
    text.append(t("cmp_simulated", lang, version=sim_doc.get("kernel", "?")))
    text.append(t("cmp_machine", lang), style="bold")
    text.append(f"Linux {real_doc.get('host_kernel', '?')}\n")
    verdicts = [max((i.verdict for i in st.items), key=("same", "known", "differs").index)
                for st in found]
    differ, known = verdicts.count("differs"), verdicts.count("known")
    if not differ and not known:
        text.append(t("cmp_all_agree", lang, count=len(found)), style=_VERDICT_STYLE["same"])
    else:
        text.append(t("cmp_some_agree", lang, agree=len(found) - differ - known,
                      count=len(found)))
        if known:
            text.append(t("cmp_known", lang, count=known), style=_VERDICT_STYLE["known"])
            text.append(t("cmp_then" if differ else "cmp_stop", lang))
        if differ:
            text.append(t("cmp_differ", lang, count=differ), style=_VERDICT_STYLE["differs"])
    text.append("\n" + t("cmp_addresses", lang), style="dim")
    return text


def _body(found: list[StatementComparison], differences: list,
          lang: str = "en") -> RenderableType:
    parts: list[RenderableType] = []
    for st in found:
        parts.append(Text(t("cmp_line", lang, line=st.line, stmt=st.stmt), style="bold"))
        table = Table(box=None, expand=True, show_header=True, pad_edge=False,
                      header_style="dim")
        table.add_column("", min_width=19, max_width=28, overflow="fold")
        table.add_column(t("cmp_col_model", lang), ratio=3, overflow="fold")
        table.add_column(t("cmp_col_kernel", lang), ratio=3, overflow="fold")
        table.add_column("", width=7, no_wrap=True)
        for item in st.items:
            label = item.label
            if label in ("returns", "signal"):
                label = t("cmp_label_" + label, lang)
            table.add_row(label, item.model, item.kernel,
                          Text(t(_VERDICT_TEXT[item.verdict], lang),
                               style=_VERDICT_STYLE[item.verdict]))
        parts.append(table)
        if st.differences:
            notes = Table.grid(padding=(0, 1))
            notes.add_column(width=3, justify="right")
            notes.add_column(ratio=1)
            for d in st.differences:
                mark = t("cmp_note_known", lang, rule=d.expected) if d.expected else \
                    t("cmp_note_bug", lang, rule=d.model_bug) if d.model_bug else \
                    t("cmp_note_unexplained", lang)
                notes.add_row(Text("!", style=_VERDICT_STYLE["known" if d.expected
                                                              else "differs"]),
                              f"{d.text} ({mark})")
            parts.append(notes)
        parts.append(Text(""))
    parts += _explanations(differences, lang)
    return Group(*parts)


def _explanations(differences: list, lang: str = "en") -> list[RenderableType]:
    """Each known difference that applied, once, with the sentence that explains it."""
    from lab.realkernel.known import KNOWN, MODEL_BUGS

    told = {k.id: k for k in (*KNOWN, *MODEL_BUGS)}
    seen: dict[str, int] = {}
    for d in differences:
        rule = d.expected or d.model_bug
        if rule:
            seen[rule] = seen.get(rule, 0) + 1
    if not seen:
        return []
    out: list[RenderableType] = [Text(t("cmp_why", lang), style="bold")]
    for rule, count in sorted(seen.items()):
        known = told.get(rule)
        text = Text(f"{rule}", style="bold yellow")
        if rule in QUIET:
            text.append(t("cmp_quiet", lang, count=count) if count > 1
                        else t("cmp_quiet_one", lang), style="dim")
        text.append(f"{t('colon', lang)}{learner_text(known, lang) if known else ''}")
        out.append(text)
    return out
