# SPDX-License-Identifier: GPL-2.0-only
"""The scenario language's error messages in the app's language.

lab.scenario and lab.runner say what is wrong with a statement in short English messages of
a fixed shape ("unknown name 'x' (did you mean y?)", "mmap() takes 6 arguments (...), got 2"),
and Python's own parser adds a few ("'(' was never closed"). `message_text` rewrites them
into Chinese by an ordered table of patterns, the way narration_i18n.note_words does for the
recorder's notes: names, numbers and quoted code stay as they are, and a message whose shape
the table does not know stays English. `error_text` does the same for a whole ScenarioError,
its location and caret line unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lab.scenario import ScenarioError

#: What lab.scenario.whitelist.describe (and the integer check) call a construct → Chinese.
_WHAT_ZH: dict[str, str] = {
    "attribute access (a.b)": "属性访问（a.b）",
    "a lambda": "lambda 表达式",
    "a comprehension": "推导式",
    "an f-string": "f-string",
    "a starred argument": "星号参数",
    "a comparison": "比较运算",
    "'and'/'or'": "'and'/'or'",
    "a conditional expression": "条件表达式",
    "an assignment expression (:=)": "赋值表达式（:=）",
    "a tuple": "元组",
    "a list": "列表",
    "a dict": "字典",
    "a set": "集合",
    "an import": "import 语句",
    "augmented assignment (+= and the like)": "复合赋值（+= 之类）",
    "an assignment": "赋值",
    "an annotated assignment": "带类型注解的赋值",
    "'pass'": "'pass'",
    "'del'": "'del'",
    "an if statement": "if 语句",
    "a loop": "循环",
    "a function definition": "函数定义",
    "a class definition": "类定义",
    "True/False": "True/False",
    "a string": "字符串",
    "a floating-point number": "浮点数",
    "a byte string": "字节串",
    "a complex number": "复数",
}

#: What Python's parser says cannot be assigned to ("cannot assign to literal").
_TARGET_ZH: dict[str, str] = {
    "function call": "函数调用",
    "literal": "字面量",
    "expression": "表达式",
    "comparison": "比较运算",
    "conditional expression": "条件表达式",
    "subscript": "下标",
    "attribute": "属性",
    "lambda": "lambda 表达式",
    "True": "True",
    "False": "False",
    "None": "None",
    "Ellipsis": "Ellipsis",
    "f-string expression": "f-string 表达式",
}


def _what(text: str) -> str | None:
    """A construct's description in Chinese, None when it is not a known one."""
    if text in _WHAT_ZH:
        return _WHAT_ZH[text]
    m = re.fullmatch(r"Python's ('[A-Za-z_]\w*')", text)
    if m:
        return f"Python 的 {m.group(1)}"
    if re.fullmatch(r"'[^']*'|\"[^\"]*\"|-?\d+|True|False|None|b'[^']*'", text):
        return text  # a value's repr (lab.scenario.evaluate)
    return None


def _but_not(text: str) -> str | None:
    """"，而不是…" for a construct, None when it is not a known one."""
    what = _what(text)
    if what is None:
        return None
    return "，而不是" + (" " if what[:1].isascii() else "") + what


def _takes(m: re.Match[str]) -> str | None:
    func, expected, given = m.group("func"), m.group("expected"), m.group("given")
    if expected == "no arguments":
        return f"{func}() 不接受参数，给了 {given} 个"
    e = re.fullmatch(r"(at least )?(\d+) arguments? \((.*)\)", expected)
    if e is None:
        return None
    need = "至少需要" if e.group(1) else "需要"
    return f"{func}() {need} {e.group(2)} 个参数（{e.group(3)}），给了 {given} 个"


def _expected_statement(m: re.Match[str]) -> str | None:
    tail = "" if m.group(1) is None else _but_not(m.group(1))
    return None if tail is None else _STATEMENT_ZH + tail


def _not_construct(prefix: str) -> Callable[[re.Match[str]], str | None]:
    def zh(m: re.Match[str]) -> str | None:
        tail = _but_not(m.group(1))
        return None if tail is None else prefix + tail
    return zh


def _cannot_assign(m: re.Match[str]) -> str | None:
    target = _TARGET_ZH.get(m.group(1))
    if target is None:
        return None
    text = f"不能给{target}赋值"
    if m.group(2):
        text += "。是不是想写 '==' 而不是 '='？"
    return text


_STATEMENT_ZH = "这里应该是一个调用（如 mmap(...)）或一次内存写入 p[i] = v"
#: " (did you mean X?)" of lab.scenario.errors.did_you_mean, already in Chinese.
_HINT = r"((?:（是不是想写 .+?？）)?)"
_Q = r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"  # a quoted name or value (a repr)
_N = r"(-?\d+)"
_F = r"(?P<func>[A-Za-z_]\w*)"

Translation = str | Callable[[re.Match[str]], "str | None"]

#: The English message shapes → Chinese, tried in order; each pattern matches a whole message.
_MESSAGES_ZH: tuple[tuple[re.Pattern[str], Translation], ...] = tuple(
    (re.compile(p, re.DOTALL), zh) for p, zh in (
        # -- names, functions, keywords (whitelist.py, evaluate.py) --------------------------
        (rf"unknown name {_Q}{_HINT}", r"未知的名字 \1\2"),
        (rf"unknown function {_Q}{_HINT}", r"未知的函数 \1\2"),
        (rf"unknown function {_Q}; the functions are (.+)", r"未知的函数 \1；可用的函数有：\2"),
        (rf"unknown keyword {_Q} for {_F}\(\){_HINT}; allowed: (.+)",
         r"\g<func>() 没有关键字参数 \1\3；可用的有：\4"),
        (rf"unknown (\w+) {_Q} for {_F}\(\){_HINT}; expected one of: (.+)",
         r"\g<func>() 的 \1 不能是 \2\4；可选的有：\5"),
        (rf"keyword {_Q} is given twice", r"关键字参数 \1 重复给出"),
        (rf"{_F}\(\) takes no keyword arguments", r"\g<func>() 不接受关键字参数"),
        (rf"{_F}\(\) takes (?P<expected>.+), got (?P<given>\d+)", _takes),
        (rf"{_F}\(\) expects True or False for (\w+)", r"\g<func>() 的 \2 需要 True 或 False"),
        (rf"{_F}\(\) expects a string literal for (\w+)", r"\g<func>() 的 \2 需要一个字符串字面量"),
        (rf"{_Q} is a constant; choose another variable name", r"\1 是常量名；请换一个变量名"),
        (rf"{_Q} is a function; choose another variable name", r"\1 是函数名；请换一个变量名"),
        # -- statements -------------------------------------------------------------------
        (r"expected a call such as mmap\(\.\.\.\) or a memory access p\[i\] = v(?:, not (.+))?",
         _expected_statement),
        (r"invalid syntax; expected a call such as mmap\(\.\.\.\) or a memory access p\[i\] = v",
         "语法错误；" + _STATEMENT_ZH),
        (r"expected a call such as mmap\(\.\.\.\) or a memory read p\[i\] after '='",
         "'=' 后面应该是一个调用（如 mmap(...)）或一次内存读取 p[i]"),
        (r"expected a variable name or a memory access p\[i\] before '=', not (.+)",
         _not_construct("'=' 前面应该是变量名或内存访问 p[i]")),
        (r"expected a function name such as mmap, not (.+)",
         _not_construct("这里应该是函数名（如 mmap）")),
        (r"one statement per line: start a new line instead of ';'",
         "一行只能写一条语句：请另起一行，不要用 ';'"),
        (r"one statement per line", "一行只能写一条语句"),
        (r"chained assignment \(a = b = \.\.\.\) is not supported",
         "不支持连续赋值（a = b = ...）"),
        (r"slices are not supported: a memory access is one byte, p\[i\]",
         "不支持切片：一次内存访问只读写一个字节，p[i]"),
        (r"starred arguments \(\*args\) are not supported", "不支持星号参数（*args）"),
        (r"'\*\*' arguments are not supported", "不支持 '**' 参数"),
        (r"calls are not allowed inside expressions; make each call a statement",
         "表达式里不能有调用；请把每个调用单独写成一条语句"),
        (r"a memory access must be a whole statement: x = p\[i\] or p\[i\] = v",
         "内存访问必须单独成为一条语句：x = p[i] 或 p[i] = v"),
        (r"expected an expression", "这里需要一个表达式"),
        (r"expected an expression, not (.+)", _not_construct("这里需要一个表达式")),
        # -- values ---------------------------------------------------------------------
        (r"expected an integer expression, not (.+)", _not_construct("这里需要一个整数表达式")),
        (r"expected an integer; write NULL or 0 instead of None",
         "这里需要一个整数；请写 NULL 或 0，不要写 None"),
        (r"expected an integer, not (.+)", _not_construct("这里需要一个整数")),
        (r"operator ('[^']+') is not supported", r"不支持运算符 \1"),
        (r"integer literal does not fit in 64 bits", "整数字面量超出了 64 位"),
        (r"integer literal is too long", "整数字面量太长"),
        (r"value out of range \(more than (\d+) bits\)", r"数值超出范围（超过 \1 位）"),
        (r"division by zero", "除数为零"),
        (rf"shift count {_N} is outside 0\.\.(\d+)", r"移位位数 \1 不在 0..\2 范围内"),
        (r"expression is nested more than (\d+) levels deep: operators in a row nest to the "
         r"left", r"表达式嵌套超过了 \1 层：连续的运算符是向左嵌套的"),
        (r"expression is nested more than (\d+) levels deep", r"表达式嵌套超过了 \1 层"),
        # -- characters and sizes (lexer.py, parser.py, whitelist.py) ----------------------
        (rf"control or invisible character {_Q} is not allowed \(inside a string, write an "
         r"escape such as (\\x1b)\)",
         r"不允许使用控制字符或不可见字符 \1（在字符串里请写成转义，如 \2）"),
        (rf"unexpected character {_Q}: outside strings only ASCII is allowed",
         r"意外的字符 \1：字符串之外只能用 ASCII 字符"),
        (r"statement is longer than (\d+) characters", r"语句超过了 \1 个字符"),
        (r"scenario is larger than (\d+) characters", r"场景超过了 \1 个字符"),
        (r"too many statements \(the limit is (\d+)\)", r"语句太多（最多 \1 条）"),
        (r"invalid UTF-8 byte (0x[0-9a-f]{2}): a scenario must be UTF-8 text",
         r"无效的 UTF-8 字节 \1：场景必须是 UTF-8 文本"),
        (r"cannot parse this statement: (.+)", r"无法解析这条语句：\1"),
        # -- Python's parser (the messages a learner's typos meet most) --------------------
        (r"invalid syntax", "语法错误"),
        (r"invalid syntax\. Perhaps you forgot a comma\?", "语法错误。是不是漏了逗号？"),
        (r"invalid syntax\. Maybe you meant '==' or ':=' instead of '='\?",
         "语法错误。是不是想写 '==' 或 ':='，而不是 '='？"),
        (r"('.') was never closed", r"\1 没有闭合"),
        (r"unmatched ('.')", r"多余的 \1：前面没有与它配对的括号"),
        (r"closing parenthesis ('.') does not match opening parenthesis ('.')",
         r"右括号 \1 与左括号 \2 不匹配"),
        (r"closing parenthesis ('.') does not match opening parenthesis ('.') on line (\d+)",
         r"右括号 \1 与第 \3 行的左括号 \2 不匹配"),
        (r"unterminated string literal \(detected at line (\d+)\)",
         r"字符串字面量没有结束（在第 \1 行发现）"),
        (r"unterminated triple-quoted string literal \(detected at line (\d+)\)",
         r"三引号字符串没有结束（在第 \1 行发现）"),
        (r"unexpected EOF while parsing", "语句没写完就结束了"),
        (r"invalid (decimal|hexadecimal|octal|binary) literal",
         lambda m: f"无效的{_BASES[m.group(1)]}字面量"),
        (r"invalid digit ('.') in (octal|binary) literal",
         lambda m: f"{_BASES[m.group(2)]}字面量中有无效的数字 {m.group(1)}"),
        (r"leading zeros in decimal integer literals are not permitted; use an 0o prefix for "
         r"octal integers", "十进制整数字面量不能以 0 开头；八进制数请加 0o 前缀"),
        (r"cannot assign to (.+?)(?: here)?(\. Maybe you meant '==' instead of '='\?)?",
         _cannot_assign),
        (r"expected '(.)'", r"这里缺少 '\1'"),
        (r"positional argument follows keyword argument", "位置参数不能写在关键字参数后面"),
        (r"expression cannot contain assignment, perhaps you meant \"==\"\?",
         "表达式里不能有赋值，是不是想写 \"==\"？"),
        (r"unexpected character after line continuation character", "续行符 \\ 后面有多余的字符"),
        (r"invalid character ('.') \((U\+[0-9A-F]+)\)", r"无效的字符 \1（\2）"),
        (r"invalid non-printable character (U\+[0-9A-F]+)", r"无效的不可打印字符 \1"),
        # -- the runner (lab/runner.py, lab/realkernel/execute.py) --------------------------
        (rf"{_Q} already exists with size (\d+)", r"\1 已经存在，大小为 \2"),
        (rf"open: {_Q} does not exist; say how big it is, e.g. (size=\d+)",
         r"open：\1 不存在；请给出它的大小，例如 \2"),
        (rf"open: (size={_N}) is not a file size \(0 to (\d+), MAX_LFS_FILESIZE\)",
         r"open：\1 不是有效的文件大小（应在 0 到 \3 之间，即 MAX_LFS_FILESIZE）"),
        (rf"{_N} does not fit in a 64-bit register", r"\1 超出了 64 位寄存器的范围"),
        (rf"unknown file system {_Q}", r"未知的文件系统 \1"),
        (r"(.+) is not modelled yet", r"\1 还没有模拟"),
    ))

_BASES = {"decimal": "十进制", "hexadecimal": "十六进制", "octal": "八进制", "binary": "二进制"}


def _zh(message: str) -> str | None:
    """The message in Chinese, None when its shape is not in the table."""
    text = re.sub(r" \(did you mean (.+?)\?\)", r"（是不是想写 \1？）", message)
    for pattern, zh in _MESSAGES_ZH:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        result = m.expand(zh) if isinstance(zh, str) else zh(m)
        if result is not None:
            return result
    return None


def message_text(message: str, lang: str = "en") -> str:
    """A ScenarioError's message in `lang` (as it is, if its shape is not known)."""
    if lang != "zh":
        return message
    zh = _zh(message)
    return message if zh is None else zh


def error_text(err: ScenarioError | str, lang: str = "en") -> str:
    """The error as the app shows it in `lang`: FILE:LINE:COLUMN: message, the line, a caret.

    In English this is str(err) (a plain string is shown as it is); in Chinese only the
    message part changes, so the location and the caret line stay where they were.
    """
    if isinstance(err, str):
        return message_text(err, lang)
    message = message_text(err.message, lang)
    if message == err.message:
        return str(err)
    return str(ScenarioError(message, err.line, err.column, err.source_name, err.source_line))
