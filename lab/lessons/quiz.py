# SPDX-License-Identifier: GPL-2.0-only
"""`mmaplab quiz`: random problems made by the simulator, in the manner of OSTEP's.

Each problem is a short scenario drawn from a seeded generator and one question about its
last statement (the errno, the new maps row, merge or not, pages present, pages committed).
The simulator records the scenario; the answer and the C lines that decided it come from
that recording, never from the generator. The same seed gives the same problems and answers.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from lab.lessons.facts import Decided, Facts
from lab.lessons.i18n import LANGUAGES, t
from lab.lessons.questions import (
    Computed,
    QuestionSpec,
    Verdict,
    check,
    compute,
    expected_text,
    option_labels,
    typed_answer,
)
from lab.lessons.recording import Recording, record
from lab.runner import scenario_constants
from lab.scenario import parse_scenario

PAGE = 4096
RW = "PROT_READ | PROT_WRITE"
ANON = "MAP_PRIVATE | MAP_ANONYMOUS"
Problem = tuple[str, list[str], str]  # (topic, scenario lines, question kind)


def _pages(n: int) -> str:
    return f"{n} * 4096" if n > 1 else "4096"


def _open_mode(r: random.Random) -> Problem:
    mode = r.choice(["O_RDONLY", "O_WRONLY", "O_RDWR"])
    prot = r.choice(["PROT_READ", RW, "PROT_WRITE"])
    kind = r.choice(["MAP_SHARED", "MAP_PRIVATE"])
    size = r.randint(1, 4)
    return "open_mode", [f'fd = open("data.bin", {mode}, size={size * PAGE})',
                         f"p = mmap(NULL, {_pages(r.randint(1, size))}, {prot}, {kind}, fd, 0)"
                         ], "errno"


def _file_checks(r: random.Random) -> Problem:
    lines = []
    which = r.choice(["append", "noexec", "noexec", "implies"])
    if which == "append":
        lines.append('fd = open("log.bin", O_RDWR, size=8192, append_only=True)')
        prot = r.choice(["PROT_READ", RW])
        kind = r.choice(["MAP_SHARED", "MAP_PRIVATE"])
    else:
        if which == "implies":
            lines.append("personality(READ_IMPLIES_EXEC)")
        noexec = r.random() < 0.7
        mount = ", noexec=True" if noexec else ""
        lines.append(f'fd = open("tool.bin", O_RDONLY, size=8192{mount})')
        prot = r.choice(["PROT_READ", "PROT_READ | PROT_EXEC", "PROT_EXEC"])
        kind = "MAP_PRIVATE"
    lines.append(f"p = mmap(NULL, 8192, {prot}, {kind}, fd, 0)")
    return "file_checks", lines, "errno"


def _arguments(r: random.Random) -> Problem:
    n = r.randint(1, 4)
    cases = [
        f"p = mmap(NULL, 0, {RW}, {ANON}, -1, 0)",
        f"p = mmap(NULL, -1, {RW}, {ANON}, -1, 0)",
        f"p = mmap(NULL, {_pages(n)}, {RW}, MAP_ANONYMOUS, -1, 0)",
        f"p = mmap(NULL, {_pages(n)}, {RW}, {ANON}, -1, {r.choice([1, 100, 2048])})",
        f"p = mmap(NULL, {_pages(n)}, {RW}, {ANON}, -1, {r.choice([4096, 8192])})",
        f"p = mmap({hex(0x40000000 + r.choice([0x123, 0x800, 0x1000]))}, {_pages(n)}, {RW}, "
        f"{ANON} | MAP_FIXED, -1, 0)",
        f"p = mmap(0, {_pages(n)}, {RW}, {ANON} | MAP_FIXED, -1, 0)",
        f"p = mmap({r.choice(['0x555555559000', '0x555555560000', '0x40000000'])}, "
        f"{_pages(n)}, {RW}, {ANON} | MAP_FIXED_NOREPLACE, -1, 0)",
        f"p = mmap(NULL, {_pages(n)}, PROT_READ, MAP_PRIVATE, {r.choice([42, 7])}, 0)",
        f"p = mmap(NULL, {_pages(n)}, {RW}, {ANON} | MAP_HUGETLB, -1, 0)",
    ]
    lines = [r.choice(cases)]
    if "MAP_HUGETLB" in lines[0] and r.random() < 0.5:
        lines.insert(0, f'sysctl("vm.nr_hugepages", {r.choice([1, 4])})')
    return "arguments", lines, "errno"


def _locking(r: random.Random) -> Problem:
    lines = []
    limit = r.choice([0, 4096, 16384, 65536])
    lines.append(f"setrlimit(RLIMIT_MEMLOCK, {limit})")
    if r.random() < 0.3:
        lines.append("capset(CAP_IPC_LOCK)")
    lines.append(f"p = mmap(NULL, {_pages(r.choice([1, 2, 4, 8, 16]))}, {RW}, "
                 f"{ANON} | MAP_LOCKED, -1, 0)")
    return "locking", lines, "errno"


def _merge(r: random.Random) -> Problem:
    prots = ["PROT_READ", RW]
    prot_a = r.choice(prots)
    extra = r.choice(["", "", " | MAP_POPULATE", " | MAP_NORESERVE", " | MAP_LOCKED"])
    prot_b = prot_a if r.random() < 0.6 else r.choice(prots)
    if r.random() < 0.35:  # fill a one-page gap between two mappings
        base = 0x40000000
        return "merge", [
            f"a = mmap({hex(base)}, 4096, {prot_a}, {ANON}, -1, 0)",
            f"c = mmap({hex(base + 2 * PAGE)}, 4096, {r.choice([prot_a, prot_b])}, {ANON}, "
            "-1, 0)",
            f"b = mmap({hex(base + PAGE)}, 4096, {prot_b}, {ANON} | MAP_FIXED{extra}, -1, 0)",
        ], "merge_with"
    kind_b = ANON if r.random() < 0.8 else "MAP_SHARED | MAP_ANONYMOUS"
    return "merge", [
        f"a = mmap(NULL, {_pages(r.randint(1, 4))}, {prot_a}, {ANON}, -1, 0)",
        f"b = mmap(NULL, {_pages(r.randint(1, 4))}, {prot_b}, {kind_b}{extra}, -1, 0)",
    ], "merge_with"


def _address(r: random.Random) -> Problem:
    length = r.choice([PAGE, 2 * PAGE, 3 * PAGE, 5000, 100, 10000])
    hint = r.choice([0x10000000 + r.randint(0, 64) * PAGE, 0x20000123, 0x2000, 0x8000,
                     0x555555560000, 0x7FFFF7E00000, 0])
    fixed = r.random() < 0.25 and hint % PAGE == 0 and hint >= 0x10000
    flags = ANON + (" | MAP_FIXED" if fixed else "")
    return "address", [f"p = mmap({hex(hint) if hint else 'NULL'}, {length}, PROT_READ, "
                       f"{flags}, -1, 0)"], "vma"


def _populate(r: random.Random) -> Problem:
    n = r.randint(1, 6)
    variant = r.choice(["rw", "read", "none", "nonblock", "file", "locked", "shared"])
    kind = "present" if r.random() < 0.6 else "rss"
    if variant == "file":
        size = r.choice([5000, 8192, 10000, 12288])
        return "populate", [f'fd = open("data.bin", O_RDONLY, size={size})',
                            f"p = mmap(NULL, {_pages(n)}, PROT_READ, MAP_PRIVATE | "
                            "MAP_POPULATE, fd, 0)"], kind
    prot, flags = {
        "rw": (RW, f"{ANON} | MAP_POPULATE"),
        "read": ("PROT_READ", f"{ANON} | MAP_POPULATE"),
        "none": ("PROT_NONE", f"{ANON} | MAP_POPULATE"),
        "nonblock": (RW, f"{ANON} | MAP_POPULATE | MAP_NONBLOCK"),
        "locked": (RW, f"{ANON} | MAP_LOCKED"),
        "shared": (RW, "MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE"),
    }[variant]
    return "populate", [f"p = mmap(NULL, {_pages(n)}, {prot}, {flags}, -1, 0)"], kind


def _accounting(r: random.Random) -> Problem:
    lines = []
    if r.random() < 0.3:
        lines.append(f'sysctl("vm.overcommit_memory", {r.choice([1, 2])})')
    n = r.randint(1, 8)
    prot = r.choice(["PROT_READ", RW, RW])
    flags = r.choice([ANON, ANON, "MAP_SHARED | MAP_ANONYMOUS", f"{ANON} | MAP_NORESERVE"])
    lines.append(f"p = mmap(NULL, {_pages(n)}, {prot}, {flags}, -1, 0)")
    return "accounting", lines, "committed"


MAKERS: tuple[Callable[[random.Random], Problem], ...] = (
    _open_mode, _file_checks, _arguments, _locking, _merge, _address, _populate, _accounting)
_PROMPTS = {"errno": "quiz_q_errno", "merge_with": "quiz_q_merge", "vma": "quiz_q_vma",
            "present": "quiz_q_present", "rss": "quiz_q_rss", "committed": "quiz_q_committed"}


@dataclass
class QuizItem:
    """One problem: its scenario, its question, and the simulator's answer."""

    number: int
    topic: str
    scenario_text: str
    spec: QuestionSpec
    recording: Recording
    facts: Facts
    computed: Computed

    @property
    def session(self):
        return self.recording.session

    def topic_text(self, lang: str) -> str:
        return t("topic_" + self.topic, lang)

    def prompt(self, lang: str) -> str:
        return self.spec.prompt.get(lang) or self.spec.prompt["en"]

    def options(self, lang: str) -> list[tuple[str, str]] | None:
        labels = option_labels(self.spec, lang)
        return None if labels is None else [("abcdefghij"[i], x) for i, x in enumerate(labels)]

    def check(self, reply: str, lang: str) -> Verdict:
        return check(self.spec, self.computed, reply, lang, self.facts)

    def answer_text(self, lang: str) -> str:
        return expected_text(self.spec, self.computed, lang)

    def right_reply(self) -> str:
        return typed_answer(self.spec, self.computed)

    def decided(self) -> list[Decided]:
        return self.facts.describe_all(self.computed.decided)


@dataclass
class Quiz:
    seed: int
    items: list[QuizItem]


def _item(number: int, r: random.Random, maker: Callable[[random.Random], Problem]
          ) -> QuizItem | None:
    topic, lines, kind = maker(r)
    text = "\n".join(lines)
    scenario = parse_scenario(text, f"<quiz {number}>", scenario_constants())
    rec = record(scenario)
    if rec.error is not None or rec.ran != len(scenario):
        return None
    k = len(scenario)
    if kind in ("merge_with", "vma", "present", "rss") and rec.session.records[k - 1].event.errno:
        return None  # the mapping failed: there is no VMA to ask about
    spec = QuestionSpec(kind, k, {lang: t(_PROMPTS[kind], lang, line=k) for lang in LANGUAGES})
    facts = Facts(rec)
    return QuizItem(number, topic, text, spec, rec, facts, compute(spec, facts))


#: The most problems one quiz asks: each records its scenario, and past this it is no longer
#: a quiz for one sitting (and `--count 10**9` would run for days).
MAX_COUNT = 100
_COUNT_TOO_BIG = {"en": "mmaplab quiz: --count must be at most {max} (asked for {count})",
                  "zh": "mmaplab quiz：--count 最多为 {max}（给出的是 {count}）"}


def count_problem(count: int, lang: str = "en") -> str | None:
    """Why `count` is not a quiz length (a message in `lang`), or None when it is one."""
    if count < 1:
        return t("cli_count_bad", lang)
    if count > MAX_COUNT:
        return _COUNT_TOO_BIG.get(lang, _COUNT_TOO_BIG["en"]).format(max=MAX_COUNT, count=count)
    return None


def generate_quiz(seed: int | None = None, count: int = 5) -> Quiz:
    """`count` problems (1 to MAX_COUNT) from `seed` (a fresh random seed if None): the same
    seed, the same problems, the same answers."""
    if count_problem(count) is not None:
        raise ValueError(count_problem(count))
    if seed is None:
        seed = random.SystemRandom().randrange(1, 100_000)
    r = random.Random(seed)
    items: list[QuizItem] = []
    order: list[Callable[[random.Random], Problem]] = []
    for _ in range(count * 50):
        if len(items) == count:
            break
        if not order:
            order = list(MAKERS)
            r.shuffle(order)
        maker = order.pop()
        item = _item(len(items) + 1, r, maker)
        if item is not None:
            items.append(item)
    return Quiz(seed, items)
