# SPDX-License-Identifier: GPL-2.0-only
"""The model and the real kernel side by side, for `mmaplab run ... --real`.

For each statement: what each returned, the scenario's own maps rows on each side (their
addresses written relative to the mapping they belong to, since the two processes place
things differently), and the differences, each known one with the sentence that explains it.
"""

from __future__ import annotations

from lab.realkernel.events import ScenarioView, coord_text

COLUMN = 48
#: Known differences that touch nearly every row: told once at the end, not on every line.
QUIET = ("no-soft-dirty",)


def _result(ev: dict) -> str:
    if ev["signal"]:
        return f"killed by {ev['signal']}"
    if ev["errno"]:
        return f"-1, errno {ev['errno']}"
    if ev.get("value") is not None:
        return f"read {ev['value']}"
    ret = ev["ret"]
    return f"{ret:#x}" if isinstance(ret, int) and ret > 0xFFFF else str(ret)


def _short(c: tuple) -> str:
    if c[0] == "line":
        return f"L{c[1]}{'+' if c[2] >= 0 else '-'}{abs(c[2]):#x}"
    return coord_text(c)


def _rows(view: ScenarioView, k: int) -> list[str]:
    out = []
    for (start, end), r in sorted(view.rows(k).items(), key=lambda kv: kv[1]["start"]):
        out.append(f"{_short(start)}..{_short(end)} {r['perms']} rss {r['rss'] // 1024}k "
                   f"pr {r['present']} {r['path'] or '(anon)'}")
    return out


def side_by_side_text(sim_doc: dict, real_doc: dict, differences: list) -> str:
    """A report a person reads: both runs statement by statement, then the known causes."""
    host = real_doc.get("host_kernel", "?")
    head = [f"mmaplab: the model (Linux {sim_doc.get('kernel', '?')}) beside this machine's "
            f"kernel (Linux {host})"]
    if real_doc.get("skipped"):
        return "\n".join(head + ["", f"not run on the real kernel: {real_doc['skipped']}"])
    if real_doc.get("error"):
        return "\n".join(head + ["", f"the real run failed: {real_doc['error']}"])
    sim, real = ScenarioView(sim_doc, "sim"), ScenarioView(real_doc, "real")
    head.append(f"{'  model':<{COLUMN}}  kernel")
    out = head
    by_line: dict[int, list] = {}
    for d in differences:
        by_line.setdefault(d.line, []).append(d)
    for k in range(max(len(sim.events), len(real.events))):
        s = sim.events[k] if k < len(sim.events) else None
        r = real.events[k] if k < len(real.events) else None
        ev = s or r
        out.append("")
        out.append(f"line {ev['line']}: {ev['stmt']}")
        left = ["= " + _result(s)] + _rows(sim, k) if s else ["(not reached)"]
        right = ["= " + _result(r)] + _rows(real, k) if r else ["(not reached)"]
        for i in range(max(len(left), len(right))):
            a = left[i] if i < len(left) else ""
            b = right[i] if i < len(right) else ""
            out.append(f"  {a:<{COLUMN}}{b}")
        for d in by_line.get(ev["line"], []):
            if d.expected in QUIET:
                continue
            mark = f"  (known: {d.expected})" if d.expected else "  (UNEXPLAINED)"
            out.append(f"  ! {d.text}{mark}")
    from lab.realkernel.known import KNOWN

    learner = {k.id: k.learner for k in KNOWN}
    counts: dict[str, int] = {}
    for d in differences:
        if d.expected:
            counts[d.expected] = counts.get(d.expected, 0) + 1
    unexplained = sum(1 for d in differences if not d.expected)
    out.append("")
    out.append(f"{len(differences)} differences, {unexplained} unexplained")
    for name in sorted(counts):
        quiet = f" ({counts[name]} rows, not shown above)" if name in QUIET else ""
        out += _wrap(f"{name}{quiet}: {learner.get(name, '')}")
    return "\n".join(out) + "\n"


def _wrap(text: str, width: int = 96) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, initial_indent="  ", subsequent_indent="    ")
