# SPDX-License-Identifier: GPL-2.0-only
"""Integer values of the kernel's #define and enum constants, read from kernel_src headers.

A small C preprocessor for constant headers. A translation unit is a list of kernel_src
files read in order, following #include between kept files; #if branches are the ones
x86-64 6.1 compiles (cindex's KERNEL_CONFIG), and where a condition cannot be decided the
first branch counts, as in cindex. Object- and function-like macros are expanded the C way,
then the expression is evaluated with C's integer types (int, unsigned int, long, unsigned
long, as x86-64 sizes them) by a visitor over a whitelist of Python `ast` nodes: never eval.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lab import pyast
from lab.resources import kernel_src_dir
from lab.source.cindex import ARCH_DEFINES, KERNEL_CONFIG
from lab.source.manifest import load_manifest

PRELUDE = "<prelude>"

# Macros from headers that kernel_src does not keep, with their kernel definitions:
# include/uapi/linux/const.h (__AC, _AC, _AT, _UL, _ULL, _BITUL, _BITULL),
# include/vdso/const.h (UL, ULL), include/vdso/bits.h (BIT), include/linux/bits.h (BIT_ULL),
# and what the compiler and the x86-64 build predefine.
_PRELUDE_TEXT = """
#define __AC(X,Y)	(X##Y)
#define _AC(X,Y)	__AC(X,Y)
#define _AT(T,X)	((T)(X))
#define _UL(x)		(_AC(x, UL))
#define _ULL(x)		(_AC(x, ULL))
#define _BITUL(x)	(_UL(1) << (x))
#define _BITULL(x)	(_ULL(1) << (x))
#define UL(x)		(_UL(x))
#define ULL(x)		(_ULL(x))
#define BIT(nr)		(UL(1) << (nr))
#define BIT_ULL(nr)	(ULL(1) << (nr))
#define __KERNEL__	1
#define __x86_64__	1
#define __LP64__	1
#define BITS_PER_LONG	64
#define __BITS_PER_LONG	64
#define CONFIG_PGTABLE_LEVELS	4
"""


class MacroError(ValueError):
    """A constant that this evaluator cannot turn into an integer."""


class _Unknown(Exception):
    """An #if condition names something we cannot know: the first branch counts."""


# -- C integer types ---------------------------------------------------------------------
@dataclass(frozen=True)
class CType:
    bits: int
    signed: bool

    def wrap(self, value: int) -> int:
        mask = (1 << self.bits) - 1
        value &= mask
        if self.signed and value >> (self.bits - 1):
            value -= 1 << self.bits
        return value

    def fits(self, value: int) -> bool:
        return 0 <= value < 1 << (self.bits - self.signed)


INT, UINT, LONG, ULONG = CType(32, True), CType(32, False), CType(64, True), CType(64, False)
_QUALIFIERS = {"const", "volatile", "__force", "__bitwise", "__user", "__iomem", "__kernel"}
_TYPE_WORDS = {"signed", "unsigned", "char", "short", "int", "long"}
_BASE_TYPES = {
    **{f"{p}{s}{n}": CType(n, s == "s") for p in ("", "__") for s in "us" for n in (8, 16, 32, 64)},
    **{f"__{e}{n}": CType(n, False) for e in ("le", "be") for n in (16, 32, 64)},
    "size_t": ULONG, "ssize_t": LONG, "phys_addr_t": ULONG, "uintptr_t": ULONG,
}


def _ctype(words: Sequence[str], typedefs: Mapping[str, CType]) -> CType | None:
    words = [w for w in words if w not in _QUALIFIERS]
    if len(words) == 1 and words[0] in typedefs:
        return typedefs[words[0]]
    if not words or not set(words) <= _TYPE_WORDS:
        return None
    rest = " ".join(w for w in words if w not in ("signed", "unsigned")) or "int"
    bits = {"char": 8, "short": 16, "short int": 16, "int": 32, "long": 64, "long int": 64,
            "long long": 64, "long long int": 64}.get(rest)
    return None if bits is None else CType(bits, "unsigned" not in words)


def _promote(t: CType) -> CType:
    return INT if t.bits < 32 else t


def _common(a: CType, b: CType) -> CType:
    """C's usual arithmetic conversions."""
    a, b = _promote(a), _promote(b)
    if a.signed == b.signed:
        return a if a.bits >= b.bits else b
    u, s = (b, a) if a.signed else (a, b)
    return u if u.bits >= s.bits else s


_NUMBER = re.compile(r"(0[xX][0-9a-fA-F]+|\d+)([uUlL]*)")


def _literal(token: str) -> tuple[int, CType]:
    m = _NUMBER.fullmatch(token)
    if m is None:
        raise MacroError(f"not an integer literal: {token}")
    digits, suffix = m.group(1), m.group(2).lower()
    based = digits[:2].lower() == "0x" or (digits.startswith("0") and len(digits) > 1)
    try:
        value = int(digits, 16 if digits[:2].lower() == "0x" else 8 if based else 10)
    except ValueError:
        raise MacroError(f"bad literal {token}") from None
    if suffix not in ("", "u", "l", "ul", "lu", "ll", "ull", "llu"):
        raise MacroError(f"bad integer suffix in {token}")
    unsigned, long_ = "u" in suffix, "l" in suffix  # long long is as wide as long here
    if unsigned:
        choices = [ULONG] if long_ else [UINT, ULONG]
    elif long_:
        choices = [LONG, ULONG] if based else [LONG]
    else:
        choices = [INT, UINT, LONG, ULONG] if based else [INT, LONG]
    for t in choices:
        if t.fits(value):
            return value, t
    raise MacroError(f"{token} does not fit in 64 bits")


def _plain_type(value: int) -> CType:
    """The type a decimal literal of this value would have (for values given in Python)."""
    return next((t for t in (INT, LONG, ULONG) if t.fits(value)), LONG)


# -- lexing ------------------------------------------------------------------------------
_COMMENT_OR_STRING = re.compile(
    r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.DOTALL)
_TOKEN = re.compile(r"\s*(?:((?:0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b)|([A-Za-z_]\w*)"
                    r"|(##|<<|>>|<=|>=|==|!=|&&|\|\||->|\.\.\.|\S))")
_DIRECTIVE = re.compile(r"\s*#\s*(\w*)(.*)", re.DOTALL)


def _strip_comments(text: str) -> str:
    """Blank out comments, keeping line breaks so that line numbers stay."""
    def blank(m: re.Match[str]) -> str:
        s = m.group(0)
        return re.sub(r"[^\n]", " ", s) if s.startswith("/") else s
    return _COMMENT_OR_STRING.sub(blank, text)


def tokenize(text: str) -> list[str]:
    """C tokens of one logical line: numbers, identifiers, operators and punctuation."""
    tokens = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            break
        tokens.append(m.group(m.lastindex or 0))
        pos = m.end()
    return tokens


def _logical_lines(lines: list[str]) -> Iterator[tuple[int, int, str]]:
    """(first index, last index, text) of each line after joining backslash continuations."""
    i = 0
    while i < len(lines):
        first, text = i, lines[i]
        while text.endswith("\\") and i + 1 < len(lines):
            i += 1
            text = text[:-1] + " " + lines[i]
        yield first, i, text
        i += 1


# -- definitions -------------------------------------------------------------------------
@dataclass(frozen=True)
class Macro:
    """A #define (params None if object-like) or an enumerator (kind "enumerator")."""

    name: str
    params: tuple[str, ...] | None
    body: tuple[str, ...]
    path: str
    line: int  # real line in the kernel tree
    kind: str = "macro"

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


_DEFINE = re.compile(r"\s*([A-Za-z_]\w*)(\(([^)]*)\))?(.*)", re.DOTALL)
_ENUM = re.compile(r"\benum\b(?:\s+\w+)?\s*\{([^{}]*)\}")
_TYPEDEF = re.compile(r"\btypedef\s+([\w\s]+?)\s+([A-Za-z_]\w*)\s*;")
_INCLUDE = re.compile(r"\s*[<\"]([^>\"]+)[>\"]")
# Where #include <x> looks, in the order the x86-64 kernel build passes -I.
_INCLUDE_DIRS = ("arch/x86/include", "include", "arch/x86/include/uapi", "include/uapi")


def _parse_define(rest: str, path: str, line: int) -> Macro | None:
    m = _DEFINE.match(rest)
    if m is None:
        return None
    params = None
    if m.group(2) is not None:
        params = tuple(p.strip() for p in m.group(3).split(",") if p.strip())
    return Macro(m.group(1), params, tuple(tokenize(m.group(4))), path, line)


@dataclass
class _Frame:
    parent: bool  # the enclosing region is compiled
    taken: bool  # some branch of this #if chain has been taken
    active: bool


class TranslationUnit:
    """Kernel_src files preprocessed in order, as one compiler run would see them."""

    def __init__(self, paths: Sequence[str], root: Path | None = None):
        self.root = root or kernel_src_dir()
        self.manifest = load_manifest(self.root)
        self.macros: dict[str, Macro] = {}
        self.typedefs: dict[str, CType] = dict(_BASE_TYPES)
        self._active: dict[str, list[tuple[int, str]]] = {}
        self._values: dict[str, tuple[int, CType]] = {}
        for name in sorted(KERNEL_CONFIG) + [k for k, on in ARCH_DEFINES.items() if on]:
            self.macros[name] = Macro(name, None, ("1",), PRELUDE, 0)
        self._process(PRELUDE, _PRELUDE_TEXT, 0)
        for path in paths:
            self._include_file(path, depth=0)

    # -- reading files -----------------------------------------------------------------
    def _real_line(self, path: str, index: int) -> int:
        kfile = self.manifest.files.get(path)
        return kfile.real_line(index + 1) if kfile is not None else index + 1

    def _include_file(self, path: str, depth: int) -> None:
        if path in self._active or depth > 16:
            return
        full = self.root / path
        if not full.is_file():
            raise FileNotFoundError(f"{path} is not in kernel_src")
        self._active[path] = []
        self._process(path, full.read_text(encoding="utf-8"), depth)

    def _resolve(self, spec: str, current: str) -> str | None:
        here = str(Path(current).parent / spec)
        for candidate in (here, *(f"{d}/{spec}" for d in _INCLUDE_DIRS)):
            if candidate in self.manifest.files:
                return candidate
        return None

    def _process(self, path: str, text: str, depth: int) -> None:
        lines = _strip_comments(text).split("\n")
        code = [""] * len(lines)
        stack: list[_Frame] = []
        for first, last, logical in _logical_lines(lines):
            active = stack[-1].active if stack else True
            m = _DIRECTIVE.match(logical)
            if m is None:
                if active:
                    for i in range(first, last + 1):
                        code[i] = lines[i]
                        if path != PRELUDE and lines[i].strip():
                            self._active[path].append((self._real_line(path, i), lines[i]))
                continue
            word, rest = m.group(1), m.group(2)
            if word in ("if", "ifdef", "ifndef"):
                cond = self._condition(word, rest) if active else False
                stack.append(_Frame(active, cond is not False, active and cond is not False))
            elif word in ("elif", "else") and stack:
                top = stack[-1]
                if not top.parent or top.taken:
                    top.active = False
                else:
                    cond = True if word == "else" else self._condition("if", rest)
                    top.active = top.taken = cond is not False
            elif word == "endif" and stack:
                stack.pop()
            elif not active:
                continue
            elif word == "define":
                macro = _parse_define(rest, path, self._real_line(path, first))
                if macro is not None:
                    self.macros[macro.name] = macro
            elif word == "undef":
                self.macros.pop(rest.strip(), None)
            elif word == "include":
                inc = _INCLUDE.match(rest)
                target = self._resolve(inc.group(1), path) if inc else None
                if target is not None:
                    self._include_file(target, depth + 1)
        self._declarations(path, "\n".join(code))

    def _declarations(self, path: str, code: str) -> None:
        for m in _TYPEDEF.finditer(code):
            t = _ctype(m.group(1).split(), self.typedefs)
            if t is not None:
                self.typedefs[m.group(2)] = t
        for m in _ENUM.finditer(code):
            prev: str | None = None
            offset = m.start(1)
            for item in m.group(1).split(","):
                tokens = tokenize(item)
                start = offset + len(item) - len(item.lstrip())
                line = self._real_line(path, code.count("\n", 0, start))
                offset += len(item) + 1
                if not tokens or not re.fullmatch(r"[A-Za-z_]\w*", tokens[0]):
                    continue
                body = tuple(tokens[2:]) if tokens[1:2] == ["="] else (
                    ("0",) if prev is None else (prev, "+", "1"))
                self.macros.setdefault(
                    tokens[0], Macro(tokens[0], None, body, path, line, "enumerator"))
                prev = tokens[0]

    # -- preprocessor conditions -------------------------------------------------------
    def _condition(self, word: str, rest: str) -> bool | None:
        if word != "if":
            defined = rest.split()[0] in self.macros if rest.split() else False
            return defined if word == "ifdef" else not defined
        try:
            tokens = self.expand(self._defined(tokenize(rest)))
            value, _ = _Evaluator(self, {}, in_if=True).tokens(tokens)
        except (_Unknown, MacroError):
            return None
        return value != 0

    def _defined(self, tokens: list[str]) -> list[str]:
        """Replace defined(X), defined X and IS_ENABLED(X) by 1 or 0, before expansion."""
        out: list[str] = []
        i = 0
        while i < len(tokens):
            t = tokens[i]
            if t in ("defined", "IS_ENABLED", "IS_BUILTIN", "IS_REACHABLE", "IS_MODULE"):
                if tokens[i + 1 : i + 2] == ["("] and tokens[i + 3 : i + 4] == [")"]:
                    name, i = tokens[i + 2], i + 4
                elif t == "defined" and i + 1 < len(tokens):
                    name, i = tokens[i + 1], i + 2
                else:
                    raise MacroError(f"bad {t}")
                out.append("1" if name in self.macros and t != "IS_MODULE" else "0")
                continue
            out.append(t)
            i += 1
        return out

    # -- macro expansion ---------------------------------------------------------------
    def expand(self, tokens: Sequence[str], hide: frozenset[str] = frozenset()) -> list[str]:
        tokens = list(tokens)
        out: list[str] = []
        i = 0
        while i < len(tokens):
            t = tokens[i]
            m = self.macros.get(t) if t not in hide else None
            if m is None or m.kind != "macro":
                out.append(t)
                i += 1
            elif m.params is None:
                out += self.expand(m.body, hide | {t})
                i += 1
            elif tokens[i + 1 : i + 2] != ["("]:
                out.append(t)
                i += 1
            else:
                args, i = _arguments(tokens, i + 2)
                if not m.params and args == [[]]:
                    args = []
                if len(args) != len(m.params) or "..." in m.params:
                    raise MacroError(f"{t}() takes {len(m.params)} arguments")
                out += self.expand(self._substitute(m, args, hide), hide | {t})
        return out

    def _substitute(self, m: Macro, args: list[list[str]], hide: frozenset[str]) -> list[str]:
        assert m.params is not None
        body, res = m.body, []
        for k, tok in enumerate(body):
            if tok in m.params:
                arg = args[m.params.index(tok)]
                pasted = body[k - 1 : k] == ("##",) or body[k + 1 : k + 2] == ("##",)
                res += arg if pasted else self.expand(arg, hide)
            elif tok == "#":
                raise MacroError(f"{m.name} stringizes an argument")
            else:
                res.append(tok)
        out: list[str] = []
        i = 0
        while i < len(res):
            if res[i] == "##" and out and i + 1 < len(res):
                out[-1] += res[i + 1]
                i += 2
            else:
                out.append(res[i])
                i += 1
        return out

    # -- values --------------------------------------------------------------------------
    def definition(self, name: str) -> Macro:
        m = self.macros.get(name)
        if m is None or m.path == PRELUDE:
            raise KeyError(name)
        return m

    def value(self, name: str, assume: Mapping[str, int] | None = None) -> int:
        """The value of `name` as C computes it (negative for a negative signed value)."""
        self.definition(name)
        ev = _Evaluator(self, assume or {})
        return ev.name(name, frozenset())[0]

    def values(self, path: str) -> dict[str, int]:
        """Every constant defined in `path` that evaluates, by name."""
        out = {}
        ev = _Evaluator(self, {})
        for name, m in self.macros.items():
            if m.path == path and m.params is None:
                try:
                    out[name] = ev.name(name, frozenset())[0]
                except MacroError:
                    pass
        return out

    def active_lines(self, path: str) -> list[tuple[int, str]]:
        """(real line, text) of the non-directive lines of `path` that x86-64 compiles,
        with comments blanked."""
        return list(self._active[path])


def _arguments(tokens: Sequence[str], start: int) -> tuple[list[list[str]], int]:
    args: list[list[str]] = [[]]
    depth = 0
    for i in range(start, len(tokens)):
        t = tokens[i]
        if t == ")" and depth == 0:
            return args, i + 1
        if t == "," and depth == 0:
            args.append([])
            continue
        depth += (t == "(") - (t == ")")
        args[-1].append(t)
    raise MacroError("unbalanced parentheses in macro arguments")


# -- evaluation --------------------------------------------------------------------------
_OPERATORS = {"+", "-", "*", "/", "%", "<<", ">>", "<", ">", "<=", ">=", "==", "!=",
              "&", "|", "^", "~", "(", ")"}
_COMPARISONS = {"<", ">", "<=", ">=", "==", "!="}


class _Evaluator:
    def __init__(self, unit: TranslationUnit, assume: Mapping[str, int], in_if: bool = False):
        self.unit = unit
        self.assume = assume
        self.in_if = in_if
        self.cache: dict[str, tuple[int, CType]] = {} if assume else unit._values

    def name(self, name: str, stack: frozenset[str]) -> tuple[int, CType]:
        if name in self.assume:
            return self.assume[name], _plain_type(self.assume[name])
        if name in self.cache:
            return self.cache[name]
        if name in stack:
            raise MacroError(f"{name} is defined in terms of itself")
        m = self.unit.macros.get(name)
        if m is None or m.params is not None:
            raise MacroError(f"{name} is not an object-like macro or enumerator")
        tokens = m.body if m.kind == "enumerator" else [name]
        value, ctype = self.tokens(self.unit.expand(tokens, frozenset(self.assume)),
                                   stack | {name})
        if m.kind == "enumerator" and INT.fits(value):
            ctype = INT  # an enumerator whose value fits in int has type int
        self.cache[name] = value, ctype
        return value, ctype

    def tokens(self, tokens: Sequence[str], stack: frozenset[str] = frozenset()
               ) -> tuple[int, CType]:
        if not tokens:
            raise MacroError("empty expression")
        env: dict[str, tuple[str, object]] = {}
        parts: list[str] = []
        i = 0
        while i < len(tokens):
            t = tokens[i]
            cast_end = self._cast(tokens, i)
            if cast_end:
                ctype = _ctype(tokens[i + 1 : cast_end - 1], self.unit.typedefs)
                key = f"_c{len(env)}"
                env[key] = ("cast", ctype)
                parts += [key, "**"]
                i = cast_end
                continue
            if t == "!":
                parts += ["_not", "**"]
                env["_not"] = ("not", None)
            elif t == "&&" or t == "||":
                parts.append(" and " if t == "&&" else " or ")
            elif t in _OPERATORS:
                parts.append(t)
            elif _NUMBER.fullmatch(t):
                key = f"_l{len(env)}"
                env[key] = ("value", _literal(t))
                parts.append(key)
            elif re.fullmatch(r"[A-Za-z_]\w*", t):
                key = f"_l{len(env)}"
                env[key] = ("value", self._identifier(t, stack))
                parts.append(key)
            else:
                raise MacroError(f"cannot evaluate C token {t!r}")
            i += 1
        _check_precedence(parts)
        try:
            tree = pyast.parse(" ".join(parts), mode="eval")
        except SyntaxError:
            raise MacroError(f"not an expression: {' '.join(tokens)}") from None
        return _Visitor(env).visit(tree.body)

    def _identifier(self, t: str, stack: frozenset[str]) -> tuple[int, CType]:
        m = self.unit.macros.get(t)
        if self.in_if:
            if t.startswith("CONFIG_"):
                return 0, INT  # a config symbol that is not set
            raise _Unknown(t)
        if m is not None and m.kind == "enumerator" or t in self.assume:
            return self.name(t, stack)
        raise MacroError(f"{t} is not defined")

    def _cast(self, tokens: Sequence[str], i: int) -> int:
        """If tokens[i] opens a cast `(type)`, the index after its `)`; else 0."""
        if tokens[i] != "(":
            return 0
        j = i + 1
        while j < len(tokens) and re.fullmatch(r"[A-Za-z_]\w*", tokens[j]):
            if tokens[j] in self.unit.macros and self.unit.macros[tokens[j]].kind != "macro":
                return 0
            j += 1
        if j == i + 1 or tokens[j : j + 1] != [")"] or j + 1 >= len(tokens):
            return 0
        if _ctype(tokens[i + 1 : j], self.unit.typedefs) is None:
            return 0
        nxt = tokens[j + 1]
        if nxt in ("(", "~", "!", "-", "+") or re.fullmatch(r"\w+", nxt):
            return j + 1
        return 0


def _check_precedence(parts: list[str]) -> None:
    """C ranks == and < below & | ^, Python above them; refuse what would parse differently."""
    levels = [[0, False]]
    for p in parts:
        if p == "(":
            levels.append([0, False])
        elif p == ")" and len(levels) > 1:
            levels.pop()
        elif p.strip() in ("and", "or"):
            levels[-1] = [0, False]
        elif p in _COMPARISONS:
            levels[-1][0] += 1
        elif p in ("&", "|", "^"):
            levels[-1][1] = True
        if levels[-1][0] > 1 or (levels[-1][0] and levels[-1][1]):
            raise MacroError("mixed comparison and bitwise operators without parentheses")


class _Visitor:
    """Evaluate the whitelisted ast nodes with C's integer semantics."""

    def __init__(self, env: Mapping[str, tuple[str, object]]):
        self.env = env

    def visit(self, node: ast.AST) -> tuple[int, CType]:
        if isinstance(node, ast.Name) and self.env.get(node.id, ("",))[0] == "value":
            return self.env[node.id][1]  # type: ignore[return-value]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Invert)):
            v, t = self.visit(node.operand)
            t = _promote(t)
            op = {ast.USub: lambda x: -x, ast.UAdd: lambda x: x, ast.Invert: lambda x: ~x}
            return t.wrap(op[type(node.op)](v)), t
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return self._prefix(node)
        if isinstance(node, ast.BinOp):
            return self._binary(node)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            a, b = self.visit(node.left), self.visit(node.comparators[0])
            t = _common(a[1], b[1])
            x, y = t.wrap(a[0]), t.wrap(b[0])
            ops = {ast.Eq: x == y, ast.NotEq: x != y, ast.Lt: x < y, ast.LtE: x <= y,
                   ast.Gt: x > y, ast.GtE: x >= y}
            return int(ops[type(node.ops[0])]), INT
        if isinstance(node, ast.BoolOp):
            want = isinstance(node.op, ast.Or)
            for operand in node.values:
                if (self.visit(operand)[0] != 0) == want:
                    return int(want), INT
            return int(not want), INT
        raise MacroError(f"unsupported expression: {ast.dump(node)}")

    def _prefix(self, node: ast.BinOp) -> tuple[int, CType]:
        marker = self.env.get(node.left.id) if isinstance(node.left, ast.Name) else None
        if marker is None:
            raise MacroError("unsupported operator **")
        v, _ = self.visit(node.right)
        if marker[0] == "not":
            return int(v == 0), INT
        ctype = marker[1]
        assert isinstance(ctype, CType)
        return ctype.wrap(v), ctype

    def _binary(self, node: ast.BinOp) -> tuple[int, CType]:
        (a, ta), (b, tb) = self.visit(node.left), self.visit(node.right)
        op = type(node.op)
        if op in (ast.LShift, ast.RShift):
            t = _promote(ta)
            if not 0 <= b < t.bits:
                raise MacroError(f"shift by {b} bits of a {t.bits}-bit value")
            return t.wrap(a << b if op is ast.LShift else t.wrap(a) >> b), t
        t = _common(ta, tb)
        a, b = t.wrap(a), t.wrap(b)
        if op in (ast.Div, ast.Mod):
            if b == 0:
                raise MacroError("division by zero")
            q = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)  # C truncates
            return t.wrap(q if op is ast.Div else a - b * q), t
        ops = {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b, ast.BitOr: a | b,
               ast.BitAnd: a & b, ast.BitXor: a ^ b}
        if op not in ops:
            raise MacroError(f"unsupported operator {op.__name__}")
        return t.wrap(ops[op]), t


# -- public API --------------------------------------------------------------------------
@cache
def translation_unit(paths: tuple[str, ...]) -> TranslationUnit:
    """The unit of kernel_src `paths` (kernel tree paths), read in this order."""
    return TranslationUnit(paths)


def macro_values(path: str) -> dict[str, int]:
    """Every #define and enumerator of `path` whose value evaluates, by name."""
    return translation_unit((path,)).values(path)


def macro_value(name: str, paths: Sequence[str], *,
                assume: Mapping[str, int] | None = None) -> int:
    """The value of `name` after reading `paths` in order (arch headers first, as the
    kernel's includes bring them in). `assume` gives macros that read run-time state,
    e.g. TASK_EXEC, which tests current->personality. KeyError if no path defines it."""
    return translation_unit(tuple(paths)).value(name, assume)


def evaluate(expression: str, paths: Sequence[str] = ()) -> int:
    """Evaluate a C integer expression in the context of `paths`."""
    unit = translation_unit(tuple(paths))
    ev = _Evaluator(unit, {})
    return ev.tokens(unit.expand(tokenize(expression)))[0]
