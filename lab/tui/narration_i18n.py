# SPDX-License-Identifier: GPL-2.0-only
"""The narration's templates in English and Chinese, and Chinese for the recorder's notes.

`MESSAGES` are the templates `lab.tui.i18n.t` fills, so narration.py keeps a single code
path for both languages. The recorder (lab/stepping) writes what a step changed as short
English notes ("added 7ffff7ddd000-7ffff7de0000 rw-p", "folded 12 more rounds of the loop in
..."); those have a fixed shape, so `note_words` rewrites them by pattern and leaves
anything it does not know as it is: hexadecimal and flags read the same in either language.
"""

from __future__ import annotations

import re

MESSAGES: dict[str, dict[str, str]] = {
    # -- one step (narration.narrate) ------------------------------------------------------
    "fold": {"en": "Folded: {note}.", "zh": "{note}。"},
    "fold_state": {
        "en": "The state panels show the state after every folded round; the trace keeps the "
              "first rounds in full.",
        "zh": "状态窗格显示的是所有折叠轮次执行完之后的状态；轨迹只完整保留最初的几轮。"},
    "not_modelled": {"en": "Not modelled: {reason}.", "zh": "未模拟——{reason}。"},
    "whole": {
        "en": "Run whole, in one step: the scenario is longer than the trace budget of "
              "{budget} steps, so the statements in its middle run at full speed, one step "
              "each. The first and the last statements are traced line by line.",
        "zh": "整条运行，只占一步：这个场景超出了 {budget} 步的跟踪预算，所以中间的语句以全速运行，"
              "每条一步。开头和结尾的语句仍然逐行跟踪。"},
    "whole_did": {"en": "The whole call: {did}", "zh": "整个调用：{did}"},
    "if_true": {"en": "The condition {cond} is true here: the branch is taken.",
                "zh": "条件 {cond} 在这里成立：进入分支。"},
    "if_false": {"en": "The condition {cond} is false here: the branch is skipped.",
                 "zh": "条件 {cond} 在这里不成立：跳过分支。"},
    "returns_errno": {"en": "Returns -{err}: {meaning}", "zh": "返回 -{err}：{meaning}"},
    "returns": {"en": "Returns {value} to the caller.", "zh": "向调用者返回 {value}。"},
    "goto": {"en": "Jumps to {label}: the kernel's way to share clean-up code.",
             "zh": "跳转到 {label}：内核用这种方式让多条出错路径共用清理代码。"},
    "label": {"en": "The label {text} starts a shared exit path.",
              "zh": "标签 {text} 是一条共用退出路径的起点。"},
    "calls_traced": {"en": "Calls {callee}(): s steps into it, n runs it and stops after.",
                     "zh": "调用 {callee}()：按 s 单步进入，按 n 执行完它再停下。"},
    "calls_inlined": {
        "en": "Calls {callee}() (not traced further: a helper the twin inlines).",
        "zh": "调用 {callee}()（不再往里跟踪：Python 对照实现把这个辅助函数内联了）。"},
    "stays": {"en": "{name} stays {value}.", "zh": "{name} 保持为 {value}。"},
    "becomes": {"en": "{name} becomes {value}.", "zh": "{name} 变为 {value}。"},
    "stores": {"en": "Stores {value} in {field}.", "zh": "把 {value} 存入 {field}。"},
    "running": {"en": "Running it: {did}", "zh": "执行这一行：{did}"},
    "list_sep": {"en": "; ", "zh": "；"},
    "list_more": {"en": "; …", "zh": "；……"},
    # -- between calls and at the end (narration._statement_words, outcome) -----------------
    "ended": {"en": "The scenario has ended. The panels show the final state of the process.",
              "zh": "场景已经结束。各个窗格显示的是进程的最终状态。"},
    "last_failed": {"en": "The last call failed with {errno}.",
                    "zh": "最后一次调用以 {errno} 失败。"},
    "could_not_run": {"en": "This statement could not run: {message}",
                      "zh": "这条语句无法执行：{message}"},
    "mmap_untraced": {"en": "This mmap() is not traced (no steps were recorded).",
                      "zh": "这次 mmap() 没有被跟踪（没有记录任何步骤）。"},
    "what_open": {
        "en": "opens a file in the simulated file system: the set-up for file mappings. "
              "The lab traces mmap, not open.",
        "zh": "在模拟的文件系统中打开一个文件，为文件映射做准备。实验跟踪的是 mmap，"
              "而不是 open。"},
    "what_close": {"en": "closes a file descriptor; mappings of the file stay valid.",
                   "zh": "关闭一个文件描述符；这个文件已有的映射依然有效。"},
    "what_setrlimit": {"en": "changes a resource limit of the process.",
                       "zh": "修改进程的一项资源限制。"},
    "what_capset": {"en": "gives the process capabilities (it starts with none).",
                    "zh": "赋予进程 capability（进程一开始一项也没有）。"},
    "what_personality": {"en": "sets the process's personality flags.",
                         "zh": "设置进程的 personality 标志位。"},
    "what_sysctl": {
        "en": "is the administrator changing a machine setting (no system call of the "
              "process).",
        "zh": "是管理员在修改机器的设置（不是进程发起的系统调用）。"},
    "what_other": {"en": "is not traced by the lab.", "zh": "不在实验的跟踪范围之内。"},
    "returned": {"en": " It returned {ret}.", "zh": "它返回了 {ret}。"},
    "returned_errno": {"en": " It returned {ret} ({errno}).", "zh": "它返回了 {ret}（{errno}）。"},
    "statement": {"en": "{func}() {what}{result}", "zh": "{func}() {what}{result}"},
    "press_s": {"en": "Press s to go on to the next statement.",
                "zh": "按 s 继续执行下一条语句。"},
    "outcome_line": {"en": "line {n}: {text}", "zh": "第 {n} 行：{text}"},
    "outcome_skipped": {"en": "  … {count} more statements …", "zh": "  ……还有 {count} 条语句……"},
    "outcome_signal": {"en": "  {text}  → {signal}{code}{where}: the process would end here",
                       "zh": "  {text}  → {signal}{code}{where}：进程会在这里结束"},
    "signal_at": {"en": " at {addr}", "zh": "，地址 {addr}"},
    "outcome_reads": {"en": "  {text}  → reads {value}", "zh": "  {text}  → 读到 {value}"},
    # -- the narration and errors panels ----------------------------------------------------
    "last_step": {"en": "Last step: ", "zh": "上一步："},
    "panel_more": {"en": "; ...", "zh": "；……"},
    "err_none": {"en": "No error on this call's path.", "zh": "这次调用的路径上没有错误。"},
    "err_returned_at": {"en": "  returned at step {n} ({where})",
                        "zh": "  在第 {n} 步返回（{where}）"},
    "err_here": {"en": "here", "zh": "就是这一步"},
    "err_passed": {"en": "passed", "zh": "已经走过"},
    "err_ahead": {"en": "ahead: press E to go there", "zh": "还在后面：按 E 跳过去"},
    "err_returned_by": {"en": "returned by ", "zh": "返回语句 "},
    "err_in": {"en": " in {function}()", "zh": "，位于 {function}()"},
    "err_because": {"en": "because    ", "zh": "原因     "},
    "err_was_true": {"en": " was true ({where})", "zh": " 为真（{where}）"},
    "err_meaning": {"en": "mmap(2): {meaning}", "zh": "mmap(2)：{meaning}"},
}


_N = r"([\d,]+)"
_S = r"(\S+)"
#: The recorder's notes (lab/stepping/state.py, text.py, record.py) → Chinese.
_NOTES_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), zh) for p, zh in (
        (rf"^added {_S} {_S}(?: (.+))?$", r"新增 \1 \2 \3"),
        (rf"^expanded {_S} to {_S} {_S}$", r"把 \1 扩展为 \2 \3"),
        (rf"^split {_S}: now {_S} {_S}$", r"拆分 \1：现在是 \2 \3"),
        (rf"^removed {_S} {_S}$", r"移除 \1 \2"),
        (rf"^changed {_S}: flags {_S} → {_S}$", r"改动 \1：标志位 \2 → \3"),
        (rf"^PTE {_S}: {_S} → {_S}$", r"PTE \1：\2 → \3"),
        (rf"^{_N} PTEs written$", r"写入了 \1 个 PTE"),
        (rf"^{_N} PTEs set$", r"设置了 \1 个 PTE"),
        (rf"^{_N} cleared$", r"清除了 \1 个 PTE"),
        (rf"^{_N} changed$", r"改动了 \1 个 PTE"),
        (rf"^vm_committed_as {_S} → {_S} pages$", r"vm_committed_as \1 → \2 页"),
        (rf"^faulted {_N} more pages, PFNs {_S} to {_S}$",
         r"又调入了 \1 页，PFN 从 \2 到 \3"),
        (rf"^folded {_N} more rounds of the loop in {_S}$", r"\2 中的循环又有 \1 轮被折叠"),
    ))


def _note_zh(note: str) -> str | None:
    for pattern, zh in _NOTES_ZH:
        m = pattern.match(note)
        if m:
            return m.expand(zh).rstrip()
    return None


def note_words(note: str, lang: str = "en") -> str:
    """One of the recorder's English notes in `lang` (as it is, if its shape is unknown)."""
    if lang != "zh":
        return note
    whole = _note_zh(note)
    if whole is not None:
        return whole
    head, colon, tail = note.partition(": ")
    if colon:  # "folded N more rounds ...: faulted M more pages, PFNs ..."
        first, second = _note_zh(head), _note_zh(tail)
        if first is not None and second is not None:
            return first + "：" + second
    parts = [_note_zh(part) for part in note.split(", ")]  # "12 PTEs set, 3 cleared"
    if len(parts) > 1 and all(p is not None for p in parts):
        return "，".join(p for p in parts if p is not None)
    return note
