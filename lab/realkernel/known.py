# SPDX-License-Identifier: GPL-2.0-only
"""Known differences between the Linux 6.1 model and this machine, and when they apply.

Each entry says what changed, in which kernel version (or that it is this machine, not the
kernel), a sentence for a learner, and how to recognise its effect in a comparison. Only
the entries the host explains are applied: on a 6.1 kernel no version entry is.
`MODEL_BUGS` are places where the model is wrong about 6.1 itself; they are recognised so
a report can name them, but they stay disagreements. docs/fidelity.md lists every entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lab.realkernel import host
from lab.realkernel.rules import (
    LAYOUT,
    MAP_32BIT,
    MAP_ABOVE4G,
    MAP_ANONYMOUS,
    MAP_DROPPABLE,
    MAP_FIXED,
    MAP_FIXED_NOREPLACE,
    MAP_HUGETLB,
    MAP_PRIVATE,
    MAP_STACK,
    MAP_TYPE,
    MMAP_MIN_FLOOR,
    PMD_SIZE,
    ULONG_MAX,
    Context,
    thp_aligns,
    thp_aligns_signed,
)


@dataclass(frozen=True)
class Known:
    id: str
    since: tuple[int, int] | None  # the kernel that changed it; None: this machine
    title: str
    learner: str  # what a learner is told
    test: Callable  # (difference, context) -> bool
    cascades: tuple[str, ...] = ()  # kinds of later difference that follow from it

    def applies(self, facts: dict) -> bool:
        if self.since is None:
            return self.id in facts.get("machine", ())
        return tuple(facts["version"][:2]) >= self.since


# -- kernel versions ------------------------------------------------------------------------
def _thp_anon(d, ctx) -> bool:
    if d.kind != "placement":
        return False
    args, k = ctx.mmap_args(d)
    length, flags = args[1] & ULONG_MAX, args[3] & ULONG_MAX
    anon_private = flags & MAP_ANONYMOUS and flags & MAP_TYPE == MAP_PRIVATE and \
        not flags & MAP_HUGETLB
    sized = length % PMD_SIZE == 0 if ctx.version >= (6, 12) else length >= PMD_SIZE
    return bool(anon_private and sized and ctx.real.events[k]["ret"] % PMD_SIZE == 0)


def _stack_nohugepage(d, ctx) -> bool:
    stack = any(ctx.mmap_flags_of_line(line) & MAP_STACK for line in ctx.lines_under(d))
    if d.kind == "vmflags":
        return d.key[3] == "nh" and bool(d.real) and stack
    return d.kind in LAYOUT and (stack or bool((ctx.mmap_flags(d) or 0) & MAP_STACK))


def _droppable(d, ctx) -> bool:
    flags = ctx.mmap_flags(d)
    if flags is not None and flags & MAP_TYPE == MAP_DROPPABLE:
        return True
    return d.kind in LAYOUT and any(
        ctx.mmap_flags_of_line(line) & MAP_TYPE == MAP_DROPPABLE for line in ctx.lines_under(d))


def _above4g(d, ctx) -> bool:
    flags = ctx.mmap_flags(d)
    return flags is not None and bool(flags & MAP_ABOVE4G) and d.kind in LAYOUT + ("errno",)


def _fixed_failure_keeps(d, ctx) -> bool:
    if d.kind != "row" or d.sim is not None:
        return False
    args, k = ctx.mmap_args(d)
    return ctx.real.events[k]["errno"] is not None and \
        args[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE) == MAP_FIXED


def _split_error(d, ctx) -> bool:
    """MAP_FIXED cutting a hugetlb mapping off a huge page boundary: 6.1 says ENOMEM."""
    if d.kind != "errno" or (d.sim, d.real) != ("ENOMEM", "EINVAL"):
        return False
    args, k = ctx.mmap_args(d, "sim")
    if not args[3] & MAP_FIXED:
        return False
    start, end = args[0] & ULONG_MAX, (args[0] + args[1]) & ULONG_MAX
    before = ctx.sim.events[k - 1]["maps"] if k else ctx.sim.doc["initial_maps"]
    return any("ht" in r["vmflags"] and r["start"] < end and start < r["end"] for r in before)


def _hugetlb_placement(d, ctx) -> bool:
    """6.1 rounds a hugetlb hint down (to 0 below 2 MiB: EPERM) and ignores MAP_32BIT."""
    if d.kind not in ("placement", "errno") or not ctx.hugetlb_call(d):
        return False
    args, _ = ctx.mmap_args(d)
    addr, flags = args[0] & ULONG_MAX, args[3] & ULONG_MAX
    if flags & MAP_32BIT and not flags & MAP_FIXED:
        return True
    hint = max(addr, MMAP_MIN_FLOOR) if addr and not flags & MAP_FIXED else 0
    if d.kind == "errno":
        return bool(hint and hint < PMD_SIZE and d.sim == "EPERM")
    return bool(hint and hint % PMD_SIZE)


def _dev_zero_private(d, ctx) -> bool:
    if d.kind != "placement":
        return False
    args, k = ctx.mmap_args(d)
    flags, fd, offset = args[3] & ULONG_MAX, args[4], args[5] & ULONG_MAX
    if flags & MAP_TYPE != MAP_PRIVATE or flags & MAP_ANONYMOUS or \
            ctx.fd_open(d, fd)[0] != "/dev/zero":
        return False
    return thp_aligns(offset, args[1] & ULONG_MAX) and \
        (ctx.real.events[k]["ret"] - offset) % PMD_SIZE == 0


def _file_readahead(d, ctx) -> bool:
    if d.kind not in ("rss", "present") or d.rows[0] is None:
        return False
    path = d.rows[0]["path"]
    if not path or path.startswith("/dev/") or ctx.file_fs(path) != "ext4":
        return False
    return ctx.accessed_before(d)


def _mprotect_unaccount(d, ctx) -> bool:
    """VM_ACCOUNT ('ac') kept by 6.1 on a mapping mprotect() made read-only; gone here."""
    return d.kind == "vmflags" and d.key[3] == "ac" and bool(d.sim) and not d.real


def _thp_topdown(d, ctx) -> bool:
    """Both align a file mapping; from 6.8 an already aligned pick takes the top of the pad."""
    if d.kind != "placement":
        return False
    args, k = ctx.mmap_args(d)
    flags, offset, length = args[3] & ULONG_MAX, args[5] & ULONG_MAX, args[1] & ULONG_MAX
    path, kwargs = ctx.fd_open(d, args[4])
    if flags & MAP_ANONYMOUS or path in (None, "/dev/zero") or kwargs.get("fs", "ext4") != "ext4":
        return False
    rets = (ctx.sim.events[k]["ret"], ctx.real.events[k]["ret"])
    return thp_aligns(offset, length) and all((r - offset) % PMD_SIZE == 0 for r in rets)


def _mprotect_unaccounts(d, ctx) -> bool:
    if not ctx.called_before(d, "mprotect"):
        return False
    if d.kind == "row":  # uncharged, a piece merges back with its uncharged neighbour
        row = d.rows[0] or d.rows[1]
        return row["path"] == "" and row["perms"].endswith("p")
    if d.kind != "vmflags" or d.key[3] != "ac" or not d.sim or d.real:
        return False
    sim_row = d.rows[0]
    return sim_row["path"] == "" and sim_row["perms"].endswith("p") and \
        "wr" not in sim_row["vmflags"]


# -- this machine ---------------------------------------------------------------------------
def _soft_dirty(d, ctx) -> bool:
    return d.kind == "vmflags" and d.key[3] == "sd" and bool(d.sim) and not d.real


def _more_ram(d, ctx) -> bool:
    if d.kind != "errno" or d.sim != "ENOMEM" or d.real == "ENOMEM":
        return False
    args, _ = ctx.mmap_args(d)
    return ctx.sysctl_before(d, "vm.overcommit_memory", 0) == 0 and \
        ctx.facts["sim_ram"] < (args[1] & ULONG_MAX) <= ctx.facts["ram"]


KNOWN: list[Known] = [
    Known("thp-anon-alignment", (6, 7),
          "large anonymous mappings are aligned to 2 MiB",
          "Since Linux 6.7 the kernel places an anonymous private mapping whose length is a "
          "multiple of 2 MiB at a 2 MiB boundary, so a transparent huge page can back it; "
          "6.1 puts it right below the previous mapping. (6.7 to 6.11 did this for any "
          "length of 2 MiB or more; 6.12 limited it to multiples of 2 MiB.)",
          _thp_anon, cascades=LAYOUT),
    Known("thp-topdown-preference", (6, 8),
          "a huge-page-aligned file mapping takes the top of its search",
          "To align a file mapping of 2 MiB or more for huge pages, the kernel asks for 2 MiB "
          "more than needed and places the mapping inside. When the start of that larger "
          "area is already aligned, 6.1 uses it; since 6.8 the kernel uses the aligned "
          "address 2 MiB higher, the end a top-down layout prefers (seen with MAP_32BIT, "
          "which searches bottom-up).",
          _thp_topdown, cascades=LAYOUT),
    Known("map-stack-nohugepage", (6, 7),
          "MAP_STACK mappings get VM_NOHUGEPAGE",
          "Since Linux 6.7 a MAP_STACK mapping is marked VM_NOHUGEPAGE ('nh' in VmFlags), "
          "so thread stacks are not backed by huge pages; as its flags differ, it no longer "
          "merges with a neighbouring plain anonymous mapping. 6.1 ignores MAP_STACK.",
          _stack_nohugepage),
    Known("map-above4g", (6, 6),
          "flag MAP_ABOVE4G (0x80) exists",
          "Linux 6.6 added MAP_ABOVE4G (0x80) for x86 shadow stacks: the mapping must lie "
          "above 4 GiB, and MAP_SHARED_VALIDATE accepts the bit. 6.1 does not know it: "
          "plain mmap ignores it and MAP_SHARED_VALIDATE refuses it with EOPNOTSUPP.",
          _above4g, cascades=LAYOUT),
    Known("map-droppable", (6, 11),
          "map type MAP_DROPPABLE (0x08) exists",
          "Linux 6.11 added the map type MAP_DROPPABLE (0x08), memory the kernel may drop "
          "under pressure (used by the vDSO's getrandom). 6.1 knows only MAP_SHARED, "
          "MAP_PRIVATE and MAP_SHARED_VALIDATE, and refuses 0x08 with EINVAL.",
          _droppable, cascades=LAYOUT),
    Known("mprotect-unaccounts-unfaulted", (6, 5),
          "mprotect gives back the commitment of untouched memory",
          "A private writable anonymous mapping is charged to the overcommit accounting "
          "(VM_ACCOUNT, 'ac' in VmFlags). Linux 6.1 keeps the charge when mprotect makes it "
          "read-only; since 6.5, if no page of it was ever touched, the charge is given "
          "back and 'ac' goes, so the piece also stops merging with still-charged "
          "neighbours.",
          _mprotect_unaccounts, cascades=LAYOUT),
    Known("map-fixed-failure-keeps-old", (6, 12),
          "a failed MAP_FIXED leaves the old mapping in place",
          "When a MAP_FIXED mmap fails at the overcommit check, Linux 6.1 has already "
          "unmapped what was there, leaving a hole. Since 6.12 the kernel keeps the old "
          "mappings until the new one is sure to succeed. (A failure in the file's own mmap "
          "still leaves a hole on both.)",
          _fixed_failure_keeps, cascades=LAYOUT),
    Known("fixed-split-error", (6, 12),
          "a MAP_FIXED that cannot split a mapping reports why",
          "MAP_FIXED first unmaps what is in the way, splitting a mapping it only partly "
          "covers. A huge page mapping can only be split on a huge page boundary. Linux 6.1 "
          "turns any failure of that unmapping into ENOMEM; since 6.12 mmap returns the "
          "split's own error, EINVAL.",
          _split_error),
    Known("hugetlb-generic-placement", (6, 13),
          "huge page mappings are placed by the generic code",
          "Linux 6.1 on x86 places huge page mappings with its own code "
          "(arch/x86/mm/hugetlbpage.c): it rounds an address hint down to a huge page "
          "boundary (a hint below 2 MiB becomes 0, which mmap_min_addr refuses with EPERM) "
          "and ignores MAP_32BIT. Since 6.13 the generic code does it: the hint is rounded "
          "up, and MAP_32BIT is honoured.",
          _hugetlb_placement, cascades=LAYOUT),
    Known("dev-zero-private-thp", (6, 2),
          "private /dev/zero mappings are placed for huge pages",
          "A private mapping of /dev/zero is anonymous memory. Linux 6.1 places it like any "
          "small mapping; newer kernels place it as they place a file mapping that could use "
          "huge pages: one of 2 MiB or more goes at an address whose offset within 2 MiB "
          "matches the file offset's. (Seen on 6.18; the first release with it is not "
          "pinned down here.)",
          _dev_zero_private, cascades=LAYOUT),
    Known("file-readahead-folios", (6, 2),
          "how many file pages a read fault maps",
          "A read fault on a file mapping maps the page it needs and, by fault-around, the "
          "pages around it that are already in the page cache; which ones are depends on "
          "readahead and on the size of the page cache's folios. Both changed after 6.1 "
          "(large folios in the page cache, and for ext4 since 6.16), so the count of pages "
          "present after faults on an ext4 file differs from 6.1's by a few. Only this "
          "machine's kernel was measured; 6.1's own count is the model's reading of its code.",
          _file_readahead),
    Known("mprotect-unaccounts-unfaulted", (6, 8),
          "mprotect() gives back the commit charge of untouched memory",
          "A private writable mapping is charged to the overcommit accounting (VM_ACCOUNT, "
          "'ac' in VmFlags). Linux 6.1 keeps the charge when mprotect() makes the mapping "
          "read-only. Newer kernels drop it when no page of an anonymous mapping was ever "
          "touched (it has no anon_vma yet), so 'ac' disappears. (Seen on 6.18; the first "
          "release with it is not pinned down here.)",
          _mprotect_unaccount),
    Known("no-soft-dirty", None,
          "this kernel is built without soft-dirty tracking",
          "The model's kernel (Debian's 6.1) has CONFIG_MEM_SOFT_DIRTY, so every new "
          "mapping shows 'sd' in VmFlags. This machine's kernel is built without it, so "
          "'sd' never appears here. It is a build option, not a change in mmap.",
          _soft_dirty),
    Known("more-ram", None,
          "this machine has more RAM than the default world",
          "The default world has 8 GiB of RAM; with vm.overcommit_memory=0 a single mapping "
          "larger than RAM plus swap is refused with ENOMEM. This machine has more RAM, so "
          "mappings between 8 GiB and its own size get past that check here.",
          _more_ram, cascades=LAYOUT),
]


# -- the model's own mistakes ---------------------------------------------------------------
def _thp_signed(d, ctx) -> bool:
    if d.kind != "placement":
        return False
    args, k = ctx.mmap_args(d)
    flags, offset, length = args[3] & ULONG_MAX, args[5] & ULONG_MAX, args[1] & ULONG_MAX
    path, kwargs = ctx.fd_open(d, args[4])
    regular = path not in (None, "/dev/zero", "/dev/null") and \
        kwargs.get("fs", "ext4") == "ext4"
    return bool(not flags & MAP_ANONYMOUS and regular and thp_aligns(offset, length)
                and not thp_aligns_signed(offset, length))


def _locked_pss(d, ctx) -> bool:
    return d.kind == "locked" and isinstance(d.sim, int) and isinstance(d.real, int) and \
        d.real < d.sim and d.sim == d.rows[0]["rss"]


def _open_accmode(d, ctx) -> bool:
    (func, args, _), _ = ctx.call(d, "sim")
    return d.kind == "errno" and func == "open" and args[1] & 3 == 3 and \
        d.sim == "EINVAL" and d.real is None


MODEL_BUGS: list[Known] = [
    Known("open-accmode-3", None,
          "open() with access mode 3 is refused",
          "Linux accepts open() with O_ACCMODE (3) as its access mode: the file is opened for "
          "ioctl only, with neither read nor write access, and mmap then refuses it with "
          "EACCES. The model's open refuses it with EINVAL.",
          _open_accmode, cascades=("errno",)),
    Known("thp-unaligned-signed-compare", None,
          "__thp_get_unmapped_area compares as signed what C compares as unsigned",
          "For a file offset within 2 MiB below 2^63, 6.1's `(off + len_pad) < off` is an "
          "unsigned comparison (len_pad is unsigned long), so the kernel goes on to align "
          "the mapping to the offset modulo 2 MiB; the model wraps the sum to a negative "
          "loff_t and gives up.",
          _thp_signed, cascades=LAYOUT),
    Known("locked-not-proportional", None,
          "smaps' Locked is proportional, as Pss is",
          "6.1 adds a locked page to Locked with its proportional share (Pss): a page "
          "mapped twice counts half in each mapping. The model adds all of Rss.",
          _locked_pss),
]


def host_facts() -> dict:
    """The facts of this machine the known differences need."""
    facts = host.facts()
    facts["sim_ram"] = 8 << 30
    machine = []
    if facts.get("soft_dirty") is False:
        machine.append("no-soft-dirty")
    if facts["ram"] > facts["sim_ram"]:
        machine.append("more-ram")
    facts["machine"] = machine
    return facts


def applicable(facts: dict | None = None) -> list[Known]:
    """The known differences this host (or the host described by `facts`) can show."""
    facts = facts or host_facts()
    return [k for k in KNOWN if k.applies(facts)]


def _first_hit(rules: list[Known], d, ctx) -> Known | None:
    for rule in rules:
        try:
            if rule.test(d, ctx):
                return rule
        except (LookupError, StopIteration, TypeError, ValueError):
            continue
    return None


def classify(diffs: list, sim, real, facts: dict | None = None) -> None:
    """Mark what the known differences and the known model bugs explain, in order.

    A difference that changes the layout (a mapping placed elsewhere, or existing on one
    side only) makes later layout differences of that run follow from it.
    """
    facts = dict(facts or real.doc.get("runner", {}).get("facts") or host_facts())
    facts["version"] = list(host.version(real.doc.get("host_kernel")))
    ctx = Context(sim, real, facts)
    rules = applicable(facts)
    cascade: tuple[int, Known, str] | None = None
    for d in diffs:
        rule = _first_hit(rules, d, ctx)
        kind = "expected"
        if rule is None:
            rule, kind = _first_hit(MODEL_BUGS, d, ctx), "model_bug"
        if rule is None and cascade is not None and (
                d.kind in cascade[1].cascades or (
                    d.kind in ("errno", "signal", "value", "events", "rss", "present")
                    and ctx.layout_dependent(d))):
            line, rule, kind = cascade
            d.why = f"follows from line {line}: {rule.title}"
        elif rule is not None:
            d.why = rule.learner
            if rule.cascades and cascade is None:
                cascade = (d.line, rule, kind)
        if rule is not None:
            setattr(d, kind, rule.id)
