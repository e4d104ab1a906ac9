# SPDX-License-Identifier: GPL-2.0-only
"""The C index: the one place that knows the structure of the kernel C we teach.

Each kernel_src file is parsed once with tree-sitter-c. The index finds function
definitions by name (also inside #ifdef blocks and in the SYSCALL_DEFINEn(...) form,
which tree-sitter sees as a call followed by a block), lists each function's executable
statements with their real line ranges, and resolves identifiers to their definitions,
the way Bootlin's Elixir does. Line numbers are always those of the real kernel tree.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import tree_sitter
import tree_sitter_c

from lab import pyast
from lab.resources import kernel_src_dir
from lab.source.manifest import KernelFile, load_manifest

C_LANGUAGE = tree_sitter.Language(tree_sitter_c.language())

# The kernel configuration the lab models: x86-64 as Debian builds it, as far as the
# #ifdefs of the kept source ask. Symbols not named here count as not set.
KERNEL_CONFIG = frozenset(
    {
        "CONFIG_64BIT",
        "CONFIG_X86",
        "CONFIG_X86_64",
        "CONFIG_MMU",
        "CONFIG_SHMEM",
        "CONFIG_HUGETLB_PAGE",
        "CONFIG_HUGETLBFS",
        "CONFIG_TRANSPARENT_HUGEPAGE",
        "CONFIG_NUMA",
        "CONFIG_USERFAULTFD",
        "CONFIG_ARCH_HAS_PKEYS",
        "CONFIG_X86_INTEL_MEMORY_PROTECTION_KEYS",
        "CONFIG_MEM_SOFT_DIRTY",
        "CONFIG_SECURITY",
        "CONFIG_LSM_MMAP_MIN_ADDR",
        "CONFIG_SWAP",
        "CONFIG_MEMCG",
        "CONFIG_PER_VMA_LOCK_STATS",
        "CONFIG_ARCH_HAS_PTE_SPECIAL",
        "CONFIG_PGTABLE_LEVELS_4",
        "CONFIG_FS_DAX",
        "CONFIG_HAVE_ARCH_SOFT_DIRTY",
        "CONFIG_STACK_GROWSUP_NOT",
        "CONFIG_ADVISE_SYSCALLS",
        "CONFIG_SYSVIPC",
        "CONFIG_ARCH_USES_HIGH_VMA_FLAGS",
        "CONFIG_ARCH_HAS_MEMBARRIER_CALLBACKS",
        "CONFIG_HAVE_FAST_GUP",
        "CONFIG_SMP",
        "CONFIG_LOCK_MM_AND_FIND_VMA",  # arch/x86/Kconfig selects it (6.1.37 and later)
    }
)

# Architecture macros (not CONFIG_ symbols) that the kept #ifdefs test, as x86-64 sets them.
ARCH_DEFINES = {
    "HAVE_ARCH_UNMAPPED_AREA": True,
    "HAVE_ARCH_UNMAPPED_AREA_TOPDOWN": True,
    "__ARCH_WANT_SYS_OLD_MMAP": False,
    "CONFIG_PGTABLE_LEVELS": True,
}

# Statement node types that do something when executed.
_SIMPLE_STATEMENTS = {
    "expression_statement",
    "return_statement",
    "goto_statement",
    "continue_statement",
    "declaration",
}
# `break;`, `fallthrough;` and `;` are control-flow punctuation: a Python twin has no line
# for them, so they are not statements a step can land on.
_PUNCTUATION_TEXT = {"break;", "fallthrough;", ";"}


def normalise(text: str) -> str:
    """Collapse white space, so C text compares equal however it was wrapped."""
    return " ".join(text.split())


@dataclass(frozen=True)
class CStatement:
    """One executable C statement of a function, with its real line range."""

    function: str
    path: str
    line: int
    end_line: int
    kind: str
    text: str  # normalised; for if/while/for/switch only the header, for case/labels the label

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class CFunction:
    name: str
    display: str  # "do_mmap" or "SYSCALL_DEFINE6(mmap)"
    path: str
    line: int  # first line of the definition (return type or SYSCALL_DEFINE line)
    end_line: int
    body_line: int  # the opening brace
    active: bool  # inside #if branches that the modelled configuration compiles
    statements: tuple[CStatement, ...] = field(repr=False)
    loops: tuple[tuple[int, int], ...] = field(default=(), repr=False)  # (first, last) lines

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"

    def statement_at(self, line: int) -> CStatement | None:
        for st in self.statements:
            if st.line <= line <= st.end_line and st.kind not in ("if", "switch", "loop"):
                return st
        for st in self.statements:
            if st.line <= line <= st.end_line:
                return st
        return None


@dataclass(frozen=True)
class Definition:
    name: str
    kind: str  # function, macro, struct, union, enum, enumerator, typedef, variable
    path: str
    line: int
    active: bool


class UnknownFunction(KeyError):
    def __init__(self, name: str, close: list[str]):
        super().__init__(name)
        self.name = name
        self.close = close

    def __str__(self) -> str:
        hint = f"; close matches: {', '.join(self.close)}" if self.close else ""
        return f"no kernel function named {self.name!r} in kernel_src{hint}"


@dataclass
class ParsedFile:
    path: str
    text: str
    lines: list[str]
    kfile: KernelFile
    functions: list[CFunction]
    definitions: list[Definition]


class _ConfigEval(ast.NodeVisitor):
    """Evaluate a C preprocessor condition over KERNEL_CONFIG: True, False, or None if unknown."""

    _DEFINED = re.compile(r"\b(?:defined|IS_ENABLED|IS_BUILTIN|IS_REACHABLE)\s*\(?\s*(\w+)\s*\)?")

    @classmethod
    def evaluate(cls, condition: str) -> bool | None:
        expr = cls._DEFINED.sub(lambda m: _symbol_value(m.group(1)), condition)
        expr = expr.replace("&&", " and ").replace("||", " or ")
        expr = re.sub(r"!(?!=)", " not ", expr)
        try:
            tree = pyast.parse(expr.strip(), mode="eval")
        except SyntaxError:
            return None
        return cls()._value(tree.body)

    def _value(self, node: ast.AST) -> bool | None:
        if isinstance(node, ast.Constant):
            return bool(node.value) if node.value is not None else None
        if isinstance(node, ast.Name):
            return _config_name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            v = self._value(node.operand)
            return None if v is None else not v
        if isinstance(node, ast.BoolOp):
            values = [self._value(v) for v in node.values]
            if isinstance(node.op, ast.And):
                if False in values:
                    return False
                return None if None in values else True
            if True in values:
                return True
            return None if None in values else False
        return None


def _config_name(name: str) -> bool | None:
    if name in ARCH_DEFINES:
        return ARCH_DEFINES[name]
    if name.startswith("CONFIG_"):
        return name in KERNEL_CONFIG
    return None


def _symbol_value(name: str) -> str:
    known = _config_name(name)
    return "None" if known is None else ("1" if known else "0")


def _ifdef_condition(node: tree_sitter.Node) -> bool | None:
    name = node.child_by_field_name("name")
    directive = node.children[0].type if node.children else "#ifdef"
    known = _config_name(name.text.decode()) if name is not None else None
    if known is None:
        return None
    return known if directive == "#ifdef" else not known


class CIndex:
    """Index over every file in kernel_src/ (parsed once, on first use)."""

    #: Lookups answered from the files that name the function; past these, the table of
    #: every file (0.3 s to build) is cheaper than scanning the texts again for each name.
    FEW_LOOKUPS = 16

    def __init__(self, root: Path | None = None):
        self.root = root or kernel_src_dir()
        self.manifest = load_manifest(self.root)
        self._parser = tree_sitter.Parser(C_LANGUAGE)
        self._files: dict[str, ParsedFile] = {}
        self._functions: dict[str, list[CFunction]] | None = None
        self._definitions: dict[str, list[Definition]] | None = None
        self._texts: dict[str, str] = {}  # files read, not parsed yet
        self._lookups = 0

    # -- files -------------------------------------------------------------------------
    @property
    def paths(self) -> list[str]:
        return sorted(self.manifest.files)

    def file(self, path: str) -> ParsedFile:
        parsed = self._files.get(path)
        if parsed is None:
            kfile = self.manifest.files[path]
            text = self._texts.pop(path, None) or (self.root / path).read_text(encoding="utf-8")
            parsed = self._parse(path, text, kfile)
            self._files[path] = parsed
        return parsed

    def line_text(self, path: str, real_line: int) -> str:
        parsed = self.file(path)
        local = parsed.kfile.local_line(real_line)
        if local is None:
            raise KeyError(f"{path}:{real_line} is not kept in kernel_src")
        return parsed.lines[local - 1]

    # -- functions ---------------------------------------------------------------------
    def _all(self) -> dict[str, list[CFunction]]:
        if self._functions is None:
            table: dict[str, list[CFunction]] = {}
            for path in self.paths:
                if path.endswith((".c", ".h")):
                    for fn in self.file(path).functions:
                        table.setdefault(fn.name, []).append(fn)
            for fns in table.values():
                fns.sort(key=lambda f: (not f.active, not f.path.endswith(".c")))
            self._functions = table
        return self._functions

    def function_names(self) -> list[str]:
        return sorted(self._all())

    def functions(self, name: str) -> list[CFunction]:
        """Every definition of `name`, the one the modelled configuration compiles first."""
        name = _canonical_name(name)
        self._lookups += 1
        if self._functions is not None or self._lookups > self.FEW_LOOKUPS:
            return list(self._all().get(name, []))
        # Before the whole table is built (start-up: the lab asks for a few functions), only
        # the files whose text can define `name` are parsed; the same list, in the same order.
        found = [fn for path in self._files_naming(name) for fn in self.file(path).functions
                 if fn.name == name]
        if not found:
            return list(self._all().get(name, []))  # none: let the whole table say so
        found.sort(key=lambda f: (not f.active, not f.path.endswith(".c")))
        return found

    def _files_naming(self, name: str) -> list[str]:
        """The C files whose text has `name(`, or SYSCALL_DEFINEn(name for sys_name."""
        bare = name[4:] if name.startswith("sys_") else None
        pattern = re.compile(rf"\b{re.escape(name)}\s*\(" + (
            rf"|SYSCALL_DEFINE\d\s*\(\s*{re.escape(bare)}\b" if bare else ""))
        word = bare or name  # in the text of any file that can define it (a fast test)
        return [path for path in self.paths if path.endswith((".c", ".h"))
                and word in self._text(path) and pattern.search(self._text(path))]

    def _text(self, path: str) -> str:
        parsed = self._files.get(path)
        if parsed is not None:
            return parsed.text
        text = self._texts.get(path)
        if text is None:
            text = self._texts[path] = (self.root / path).read_text(encoding="utf-8")
        return text

    def function(self, name: str) -> CFunction:
        found = self.functions(name) or self.functions("sys_" + name)
        if not found:
            raise UnknownFunction(name, self.close_matches(name))
        return found[0]

    def close_matches(self, name: str, n: int = 6) -> list[str]:
        names = self.function_names()
        close = difflib.get_close_matches(_canonical_name(name), names, n=n, cutoff=0.6)
        contains = [x for x in names if name in x and x not in close]
        return (close + contains)[:n]

    def function_at(self, path: str, real_line: int) -> CFunction | None:
        for fn in self.file(path).functions:
            if fn.line <= real_line <= fn.end_line:
                return fn
        return None

    def source_lines(self, fn: CFunction) -> list[tuple[int, str]]:
        """The function's lines as (real line number, text)."""
        parsed = self.file(fn.path)
        first = parsed.kfile.local_line(fn.line)
        assert first is not None
        count = fn.end_line - fn.line + 1
        return [(fn.line + i, parsed.lines[first - 1 + i]) for i in range(count)]

    # -- identifiers -------------------------------------------------------------------
    def definitions(self, identifier: str) -> list[Definition]:
        """Where `identifier` is defined in kernel_src: active definitions first."""
        if self._definitions is None:
            table: dict[str, list[Definition]] = {}
            for path in self.paths:
                for d in self.file(path).definitions:
                    table.setdefault(d.name, []).append(d)
            for defs in table.values():
                defs.sort(key=lambda d: (not d.active, d.kind == "prototype"))
            self._definitions = table
        return list(self._definitions.get(identifier, []))

    # -- parsing -----------------------------------------------------------------------
    def _parse(self, path: str, text: str, kfile: KernelFile) -> ParsedFile:
        data = text.encode("utf-8")
        tree = self._parser.parse(data)
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        walker = _FileWalker(path, data, kfile)
        walker.walk_toplevel(tree.root_node, active=True)
        return ParsedFile(path, text, lines, kfile, walker.functions, walker.definitions)


_SYSCALL_RE = re.compile(r"^(?:COMPAT_)?SYSCALL_DEFINE(\d)\s*\(\s*(\w+)")


def _canonical_name(name: str) -> str:
    """`SYSCALL_DEFINE6(mmap)`, `sys_mmap` and `mmap` all name the mmap system call."""
    m = re.fullmatch(r"\s*SYSCALL_DEFINE\d\s*\(\s*(\w+)\s*\)?\s*", name)
    if m:
        return "sys_" + m.group(1)
    return name.strip()


class _FileWalker:
    def __init__(self, path: str, data: bytes, kfile: KernelFile):
        self.path = path
        self.data = data
        self.kfile = kfile
        self.functions: list[CFunction] = []
        self.definitions: list[Definition] = []

    def line(self, point_row: int) -> int:
        return self.kfile.real_line(point_row + 1)

    def text(self, node: tree_sitter.Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    # Top level: definitions, possibly nested in preprocessor blocks.
    def walk_toplevel(self, node: tree_sitter.Node, active: bool) -> None:
        children = list(node.children)
        i = 0
        while i < len(children):
            child = children[i]
            kind = child.type
            if kind == "function_definition":
                self._function(child, active)
            elif kind == "expression_statement" and _SYSCALL_RE.match(self.text(child)):
                body = children[i + 1] if i + 1 < len(children) else None
                if body is not None and body.type == "compound_statement":
                    self._syscall(child, body, active)
                    i += 1
            elif kind in ("preproc_ifdef", "preproc_if"):
                self._preproc(child, active)
            elif kind in ("preproc_def", "preproc_function_def"):
                self._define(child.child_by_field_name("name"), "macro", active)
            elif kind in ("declaration", "type_definition", "struct_specifier",
                          "union_specifier", "enum_specifier"):
                self._declaration(child, active)
            elif kind == "ERROR":
                self.walk_toplevel(child, active)
            i += 1

    def _preproc(self, node: tree_sitter.Node, active: bool) -> None:
        """#ifdef/#if/#elif blocks; where a condition is unknown the first branch counts."""
        if node.type == "preproc_ifdef":
            cond = _ifdef_condition(node)
        else:
            c = node.child_by_field_name("condition")
            cond = _ConfigEval.evaluate(self.text(c)) if c is not None else None
        alternative = node.child_by_field_name("alternative")
        self.walk_toplevel(_Holder([ch for ch in node.children if ch != alternative]),
                           active and cond is not False)  # type: ignore[arg-type]
        if alternative is None:
            return
        else_active = active and cond is False
        if alternative.type in ("preproc_elif", "preproc_elifdef"):
            self._preproc(alternative, else_active)
        else:
            self.walk_toplevel(alternative, else_active)

    def _define(self, name_node: tree_sitter.Node | None, kind: str, active: bool) -> None:
        if name_node is not None:
            self.definitions.append(
                Definition(self.text(name_node), kind, self.path,
                           self.line(name_node.start_point[0]), active)
            )

    def _declaration(self, node: tree_sitter.Node, active: bool) -> None:
        for spec in _descendants(node, ("struct_specifier", "union_specifier", "enum_specifier")):
            name = spec.child_by_field_name("name")
            if name is not None and spec.child_by_field_name("body") is not None:
                self._define(name, spec.type.split("_")[0], active)
            if spec.type == "enum_specifier":
                for enumerator in _descendants(spec, ("enumerator",)):
                    self._define(enumerator.child_by_field_name("name"), "enumerator", active)
        if node.type == "type_definition":
            for decl in node.children_by_field_name("declarator"):
                self._define(_declarator_name(decl), "typedef", active)
        elif node.type == "declaration":
            for decl in node.children_by_field_name("declarator"):
                is_proto = _find_function_declarator(decl) is not None
                self._define(_declarator_name(decl), "prototype" if is_proto else "variable",
                             active)

    def _function(self, node: tree_sitter.Node, active: bool) -> None:
        decl = node.child_by_field_name("declarator")
        fdecl = _find_function_declarator(decl) if decl is not None else None
        name_node = _declarator_name(fdecl) if fdecl is not None else None
        body = node.child_by_field_name("body")
        if name_node is None or body is None:
            return
        name = self.text(name_node)
        self._add_function(name, name, node, node, body, active)

    def _syscall(self, head: tree_sitter.Node, body: tree_sitter.Node, active: bool) -> None:
        m = _SYSCALL_RE.match(self.text(head))
        assert m is not None
        display = f"SYSCALL_DEFINE{m.group(1)}({m.group(2)})"
        self._add_function("sys_" + m.group(2), display, head, body, body, active)

    def _add_function(self, name: str, display: str, start: tree_sitter.Node,
                      end: tree_sitter.Node, body: tree_sitter.Node, active: bool) -> None:
        statements: list[CStatement] = []
        self._loops: list[tuple[int, int]] = []
        self._statements(body, name, statements)
        fn = CFunction(
            name=name,
            display=display,
            path=self.path,
            line=self.line(start.start_point[0]),
            end_line=self.line(end.end_point[0]),
            body_line=self.line(body.start_point[0]),
            active=active,
            statements=tuple(statements),
            loops=tuple(self._loops),
        )
        self.functions.append(fn)
        self.definitions.append(Definition(name, "function", self.path, fn.line, active))

    # Statements inside a body, in source order.
    def _statements(self, node: tree_sitter.Node, fn: str, out: list[CStatement]) -> None:
        for child in node.children:
            self._statement(child, fn, out)

    def _add(self, fn: str, out: list[CStatement], kind: str, node: tree_sitter.Node,
             text: str, end: tree_sitter.Node | None = None) -> None:
        end = end or node
        out.append(CStatement(fn, self.path, self.line(node.start_point[0]),
                              self.line(end.end_point[0]), kind, normalise(text)))

    def _statement(self, node: tree_sitter.Node, fn: str, out: list[CStatement]) -> None:
        kind = node.type
        if kind == "compound_statement":
            self._statements(node, fn, out)
        elif kind in _SIMPLE_STATEMENTS or kind == "break_statement":
            text = self.text(node)
            if normalise(text) in _PUNCTUATION_TEXT:
                return
            if kind == "declaration" and not _has_initializer(node):
                return
            self._add(fn, out, kind.replace("_statement", ""), node, text)
        elif kind == "if_statement":
            cond = node.child_by_field_name("condition")
            self._add(fn, out, "if", node, self.text(node)[: cond.end_byte - node.start_byte],
                      cond)
            self._statement(node.child_by_field_name("consequence"), fn, out)
            alt = node.child_by_field_name("alternative")
            if alt is not None:
                self._statements(alt, fn, out)  # else_clause: its statement
        elif kind in ("for_statement", "while_statement"):
            self._loops.append((self.line(node.start_point[0]), self.line(node.end_point[0])))
            body = node.child_by_field_name("body")
            header_end = node.children[node.children.index(body) - 1]
            self._add(fn, out, "loop", node,
                      self.text(node)[: header_end.end_byte - node.start_byte], header_end)
            self._statement(body, fn, out)
        elif kind == "do_statement":
            self._loops.append((self.line(node.start_point[0]), self.line(node.end_point[0])))
            body = node.child_by_field_name("body")
            cond = node.child_by_field_name("condition")
            self._statement(body, fn, out)
            self._add(fn, out, "loop", cond, "while " + self.text(cond) + ";")
        elif kind == "switch_statement":
            cond = node.child_by_field_name("condition")
            self._add(fn, out, "switch", node,
                      self.text(node)[: cond.end_byte - node.start_byte], cond)
            self._statement(node.child_by_field_name("body"), fn, out)
        elif kind == "case_statement":
            colon = next(ch for ch in node.children if ch.type == ":")
            self._add(fn, out, "case", node,
                      self.text(node)[: colon.end_byte - node.start_byte], colon)
            for child in node.children[node.children.index(colon) + 1 :]:
                self._statement(child, fn, out)
        elif kind == "labeled_statement":
            label = node.child_by_field_name("label")
            self._add(fn, out, "label", node, self.text(label) + ":", label)
            for child in node.children[2:]:
                self._statement(child, fn, out)
        elif kind in ("preproc_ifdef", "preproc_if", "preproc_else", "preproc_elif"):
            cond = _ifdef_condition(node) if kind == "preproc_ifdef" else None
            if kind == "preproc_if":
                c = node.child_by_field_name("condition")
                cond = _ConfigEval.evaluate(self.text(c)) if c is not None else None
            alternative = node.child_by_field_name("alternative")
            for child in node.children:
                if child == alternative:
                    continue
                if child.type not in ("identifier",) and cond is not False:
                    self._statement(child, fn, out)
            if alternative is not None and cond is not True:
                self._statement(alternative, fn, out)


class _Holder:
    """A stand-in node whose children are some of another node's children."""

    def __init__(self, children: list[tree_sitter.Node]):
        self.children = children


def _descendants(node: tree_sitter.Node, types: tuple[str, ...]):
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in types:
            yield n
        stack.extend(reversed(n.children))


def _find_function_declarator(decl: tree_sitter.Node | None) -> tree_sitter.Node | None:
    while decl is not None:
        if decl.type == "function_declarator":
            inner = decl.child_by_field_name("declarator")
            # `int (*f)(void)` declares a pointer, not a function
            if inner is not None and inner.type == "parenthesized_declarator":
                return None
            return decl
        decl = decl.child_by_field_name("declarator")
    return None


def _declarator_name(decl: tree_sitter.Node | None) -> tree_sitter.Node | None:
    while decl is not None:
        if decl.type in ("identifier", "field_identifier", "type_identifier"):
            return decl
        nxt = decl.child_by_field_name("declarator")
        if nxt is None:
            nxt = next((c for c in decl.children if c.type in
                        ("identifier", "type_identifier", "pointer_declarator",
                         "function_declarator", "parenthesized_declarator",
                         "array_declarator", "attributed_declarator")), None)
        decl = nxt
    return None


def _has_initializer(node: tree_sitter.Node) -> bool:
    return any(c.type == "init_declarator" for c in node.children)


@cache
def default_index() -> CIndex:
    return CIndex()
