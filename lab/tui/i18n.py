# SPDX-License-Identifier: GPL-2.0-only
"""The app's words in English and Simplified Chinese: panels, keys, prompts, notes.

`t(key, lang, **params)` is the one lookup of the app: this catalog first, then the
narration's templates (lab.tui.narration_i18n), then the lesson system's (lab.lessons.i18n:
page kinds, verdicts, progress), so a screen never needs to know which one holds a word.
Every key has both languages with the same placeholders (a test holds us to it). Key names,
C identifiers, errno and flag names stay as they are in either language.

Textual reads a binding's description from the node's own BindingsMap, so `use_bindings`
swaps a node's bindings for the same keys in another language; footer, help and palette
follow it.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from lab.lessons import i18n as lessons_i18n
from lab.lessons.i18n import LANGUAGES, default_language
from lab.tui import narration_i18n

__all__ = ["LANGUAGES", "MESSAGES", "default_language", "lang_of", "next_language", "t",
           "use_bindings"]


def t(key: str, lang: str = "en", /, **params: object) -> str:
    """The app's message `key` in `lang` (English if the language is unknown)."""
    entry = MESSAGES.get(key) or narration_i18n.MESSAGES.get(key)
    if entry is None:
        return lessons_i18n.t(key, lang, **params)
    text = entry.get(lang) or entry["en"]
    return text.format(**params) if params else text


def lang_of(node: DOMNode) -> str:
    """The language of the app `node` belongs to (English outside one)."""
    try:
        return getattr(node.app, "lang", "en")
    except RuntimeError:  # no active app: a widget built outside one (tests)
        return "en"


def next_language(lang: str) -> str:
    i = LANGUAGES.index(lang) if lang in LANGUAGES else 0
    return LANGUAGES[(i + 1) % len(LANGUAGES)]


def use_bindings(node: DOMNode, bindings: Iterable[Binding]) -> None:
    """Give `node` these bindings in place of its class's for the same keys: the same keys
    and actions in other words. Keys the list does not name (inherited ones) stay."""
    fresh = BindingsMap(bindings)
    node._bindings.key_to_bindings.update(fresh.key_to_bindings)


MESSAGES: dict[str, dict[str, str]] = {
    # -- the lab's keys: footer word (key_), help and palette sentence (tip_) ------------------
    "key_step": {"en": "Step", "zh": "单步"},
    "tip_step": {"en": "Step into: the next line, entering calls",
                 "zh": "单步进入：执行下一行，遇到函数调用就进去"},
    "tip_step_short": {"en": "Step into", "zh": "单步进入"},
    "key_next": {"en": "Next", "zh": "下一行"},
    "tip_next": {"en": "Next: the next line here; calls run",
                 "zh": "下一行：停在本函数的下一行，调用整体执行完"},
    "key_finish": {"en": "Finish", "zh": "跳出"},
    "tip_finish": {"en": "Finish: run until the caller", "zh": "跳出：运行到返回调用者"},
    "key_cont": {"en": "Cont", "zh": "继续"},
    "tip_cont": {"en": "Continue to the next breakpoint", "zh": "继续运行到下一个断点"},
    "key_break": {"en": "Break", "zh": "断点"},
    "tip_break": {"en": "Breakpoint on or off at the current line (or the C cursor's)",
                  "zh": "在当前行（或 C 光标所在行）设置或取消断点"},
    "group_back": {"en": "Back ", "zh": "后退 "},
    "key_back": {"en": "Back", "zh": "后退"},
    "tip_back": {"en": "Back one step", "zh": "后退一步"},
    "key_back_over": {"en": "Back over", "zh": "反向下一行"},
    "tip_back_over": {"en": "Back one line here; calls are skipped",
                      "zh": "在本函数内后退一行，其中的调用整体跳过"},
    "key_back_out": {"en": "Back out", "zh": "反向跳出"},
    "tip_back_out": {"en": "Back to where this function was called",
                     "zh": "后退到调用本函数的地方"},
    "key_back_cont": {"en": "Back cont", "zh": "反向继续"},
    "tip_back_cont": {"en": "Back to the previous breakpoint", "zh": "后退到上一个断点"},
    "key_goto": {"en": "Goto", "zh": "跳转"},
    "tip_goto": {"en": "Go to a step, an errno, a C line, a function or a statement",
                 "zh": "跳转到某一步、某个 errno、某行 C 代码、某个函数或某条语句"},
    "key_edit": {"en": "Edit", "zh": "编辑"},
    "tip_edit": {"en": "Edit the scenario: add a statement", "zh": "编辑场景：添加一条语句"},
    "key_error": {"en": "Error", "zh": "错误"},
    "tip_error": {"en": "Go to the step that returned the error",
                  "zh": "跳到返回错误的那一步"},
    "key_until": {"en": "Until", "zh": "运行到"},
    "tip_until": {"en": "Run until the line under the C cursor",
                  "zh": "运行到 C 光标所在的行"},
    "key_restart": {"en": "Restart", "zh": "重新开始"},
    "tip_restart": {"en": "Restart: back to the first step", "zh": "重新开始：回到第一步"},
    "key_address": {"en": "Address", "zh": "地址"},
    "tip_address": {"en": "Show the page tables of an address", "zh": "查看某个地址的页表"},
    "key_who": {"en": "Who", "zh": "溯源"},
    "tip_who": {"en": "Go back to the step that wrote this PTE (or changed this VMA)",
                "zh": "回到写入这个 PTE（或修改这个 VMA）的那一步"},
    "key_theme": {"en": "Theme", "zh": "主题"},
    "tip_theme": {"en": "Light or dark theme", "zh": "切换浅色或深色主题"},
    "key_real": {"en": "Real kernel", "zh": "真实内核"},
    "tip_real": {"en": "Compare with this machine's kernel: the real result beside the model's",
                 "zh": "真实内核对比：本机内核的实际结果与模型结果并排显示"},
    "key_help": {"en": "Help", "zh": "帮助"},
    "tip_help": {"en": "Help", "zh": "帮助"},
    "key_quit": {"en": "Quit", "zh": "退出"},
    "tip_quit": {"en": "Quit", "zh": "退出"},
    "key_palette": {"en": "palette", "zh": "命令"},
    "tip_palette": {"en": "Open the command palette", "zh": "打开命令面板"},
    "tip_quit_app": {"en": "Quit the app and return to the command prompt.",
                     "zh": "退出程序，回到命令行。"},
    # the lesson keys (lab.tui.screens.lesson_commands)
    "group_page": {"en": "Page ", "zh": "翻页 "},
    "key_page": {"en": "Page", "zh": "下一页"},
    "tip_page": {"en": "Lesson: the next page", "zh": "课程：下一页"},
    "key_page_back": {"en": "Page back", "zh": "上一页"},
    "tip_page_back": {"en": "Lesson: the previous page", "zh": "课程：上一页"},
    "key_answer": {"en": "Answer", "zh": "作答"},
    "tip_answer": {"en": "Lesson: answer the question on this page",
                   "zh": "课程：回答本页的问题"},
    "key_lessons": {"en": "Lessons", "zh": "课程列表"},
    "tip_lessons": {"en": "Lessons: pick one (with your progress)",
                    "zh": "课程列表：选择一课（附学习进度）"},
    "key_language": {"en": "中文/English", "zh": "English/中文"},
    "tip_language": {"en": "Language of the lab and the lesson: English or 中文",
                     "zh": "界面和课程的语言：中文或 English"},
    # keys of the dialogs and widgets (show=False: Textual's key panel shows them)
    "key_close": {"en": "Close", "zh": "关闭"},
    "key_close_help": {"en": "Close help", "zh": "关闭帮助"},
    "key_cancel": {"en": "Cancel", "zh": "取消"},
    "key_later": {"en": "Later", "zh": "稍后再答"},
    "key_next_problem": {"en": "Next problem", "zh": "下一题"},
    "key_trace_problem": {"en": "Step through it", "zh": "逐步查看"},
    "key_complete": {"en": "Complete the name", "zh": "补全名称"},
    "key_close_editor": {"en": "Close the editor", "zh": "关闭编辑器"},
    "key_vmflags": {"en": "VmFlags column", "zh": "VmFlags 列"},
    "key_vma_pick": {"en": "Page tables of this VMA", "zh": "查看这个 VMA 的页表"},
    # -- panels: the title (panel_), the deck's short name (deck_), the show key (show_) -------
    "panel_c": {"en": "C source", "zh": "C 源码"},
    "panel_py": {"en": "Python twin", "zh": "Python 对照"},
    "panel_stack": {"en": "Call stack", "zh": "调用栈"},
    "panel_locals": {"en": "Locals", "zh": "局部变量"},
    "panel_vmas": {"en": "VMAs (/proc/PID/maps)", "zh": "虚拟内存区域（VMA）"},
    "panel_pt": {"en": "Page tables", "zh": "页表"},
    "panel_flags": {"en": "Flags", "zh": "标志位"},
    "panel_errors": {"en": "Error", "zh": "错误"},
    "panel_scenario": {"en": "Scenario", "zh": "场景"},
    "panel_narration": {"en": "What happens here", "zh": "这一步在做什么"},
    "panel_lesson": {"en": "Lesson", "zh": "课程"},
    "deck_c": {"en": "C", "zh": "C"},
    "deck_py": {"en": "Python", "zh": "Python"},
    "deck_stack": {"en": "Stack", "zh": "调用栈"},
    "deck_locals": {"en": "Locals", "zh": "局部变量"},
    "deck_vmas": {"en": "VMAs", "zh": "VMA"},
    "deck_pt": {"en": "PT", "zh": "页表"},
    "deck_pt_long": {"en": "Page tables", "zh": "页表"},
    "deck_flags": {"en": "Flags", "zh": "标志位"},
    "deck_errors": {"en": "Error", "zh": "错误"},
    "deck_scenario": {"en": "Scen", "zh": "场景"},
    "deck_scenario_long": {"en": "Scenario", "zh": "场景"},
    "deck_lesson": {"en": "Lesson", "zh": "课程"},
    "key_panel_c": {"en": "C source", "zh": "C 源码"},
    "key_panel_py": {"en": "Python twin", "zh": "Python 对照"},
    "key_panel_stack": {"en": "call stack", "zh": "调用栈"},
    "key_panel_locals": {"en": "locals", "zh": "局部变量"},
    "key_panel_vmas": {"en": "VMAs", "zh": "VMA"},
    "key_panel_pt": {"en": "page tables", "zh": "页表"},
    "key_panel_flags": {"en": "flags", "zh": "标志位"},
    "key_panel_errors": {"en": "error", "zh": "错误"},
    "key_panel_scenario": {"en": "scenario", "zh": "场景"},
    "key_panel_narration": {"en": "narration", "zh": "说明"},
    "key_panel_lesson": {"en": "lesson", "zh": "课程"},
    "show_c": {"en": "Show the C source panel", "zh": "显示 C 源码面板"},
    "show_py": {"en": "Show the Python twin panel", "zh": "显示 Python 对照面板"},
    "show_stack": {"en": "Show the call stack panel", "zh": "显示调用栈面板"},
    "show_locals": {"en": "Show the locals panel", "zh": "显示局部变量面板"},
    "show_vmas": {"en": "Show the VMAs panel", "zh": "显示虚拟内存区域（VMA）面板"},
    "show_pt": {"en": "Show the page tables panel", "zh": "显示页表面板"},
    "show_flags": {"en": "Show the flags panel", "zh": "显示标志位面板"},
    "show_errors": {"en": "Show the error panel", "zh": "显示错误面板"},
    "show_scenario": {"en": "Show the scenario panel", "zh": "显示场景面板"},
    "show_narration": {"en": "Show the narration panel", "zh": "显示“这一步在做什么”面板"},
    "show_lesson": {"en": "Show the lesson panel", "zh": "显示课程面板"},
    # -- what the panels draw ------------------------------------------------------------------
    "lines_hint": {"en": "{first}-{last} of {count}", "zh": "{first}-{last}，共 {count}"},
    "stack_none": {"en": "(no call in progress)", "zh": "（没有正在执行的调用）"},
    "stack_depth": {"en": "depth {depth}", "zh": "调用深度 {depth}"},
    "locals_none": {"en": "(no locals)", "zh": "（没有局部变量）"},
    "flags_unseen": {"en": "  not seen yet in this call", "zh": "  本次调用中尚未出现"},
    "flags_in": {"en": "  in {function}", "zh": "  位于 {function}"},
    "flags_no_bits": {"en": "  (no bits set)", "zh": "  （没有置位的位）"},
    "flags_set": {"en": "  set by the last step", "zh": "  上一步置位"},
    "flags_cleared": {"en": "  cleared by the last step", "zh": "  上一步清除"},
    "py_none": {"en": "The twin runs only inside traced calls.",
                "zh": "Python 对照代码只在被跟踪的调用里运行。"},
    "c_none": {"en": "No C for this statement.", "zh": "这条语句没有对应的内核 C 代码。"},
    "scen_killed": {"en": "killed by {signal}", "zh": "被 {signal} 终止"},
    "scen_cannot_run": {"en": "cannot run", "zh": "无法执行"},
    "pt_none": {"en": "No address yet: the mapping gets one when get_unmapped_area() picks "
                      "it. Press a to choose one.",
                "zh": "还没有地址：要等 get_unmapped_area() 选定之后，映射才有地址。"
                      "按 a 可以自己指定一个。"},
    "pt_address": {"en": "address {addr}", "zh": "地址 {addr}"},
    "pt_following": {"en": " (following the step)", "zh": "（跟随当前步骤）"},
    "pt_physical": {"en": "{arrow} physical {phys} (PFN {pfn})",
                    "zh": "{arrow} 物理地址 {phys}（PFN {pfn}）"},
    "pt_empty": {"en": "{level} entry empty: an access here would fault",
                 "zh": "{level} 表项为空：访问这里会触发缺页异常"},
    "pt_next_PGD": {"en": "PUD table", "zh": "PUD 表"},
    "pt_next_PUD": {"en": "PMD table", "zh": "PMD 表"},
    "pt_next_PMD": {"en": "PTE table", "zh": "PTE 表"},
    "pt_next_PTE": {"en": "page", "zh": "页"},
    "pt_written": {"en": "  written by the last step", "zh": "  上一步写入"},
    "pt_no_vma": {"en": "No VMA covers this address at this step.",
                  "zh": "这一步没有任何 VMA 覆盖这个地址。"},
    "pt_counting": {"en": "counting the present pages of this {size} VMA...",
                    "zh": "正在统计这个 {size} VMA 中已在内存的页……"},
    "pt_present": {"en": "present pages of this {size} VMA: {present}/{pages}",
                   "zh": "这个 {size} VMA 中已在内存的页：{present}/{pages}"},
    "pt_cell": {"en": "; 1 cell = {per} pages", "zh": "；每格代表 {per} 页"},
    "vmas_range": {"en": "start-end", "zh": "起止地址"},
    "vmas_perm": {"en": "perm", "zh": "权限"},
    "vmas_offset": {"en": "offset", "zh": "偏移"},
    "vmas_size": {"en": "size", "zh": "大小"},
    "vmas_rss": {"en": "rss", "zh": "RSS"},
    "vmas_path": {"en": "path", "zh": "路径"},
    "vmas_count": {"en": "{count} mappings", "zh": "{count} 个映射"},
    "vmas_changed": {"en": "{count} changed by the last step", "zh": "上一步改动 {count} 个"},
    "vmas_mark_added": {"en": "added", "zh": "新增"},
    "vmas_mark_expanded": {"en": "expanded", "zh": "扩展"},
    "vmas_mark_split": {"en": "split", "zh": "拆分"},
    "vmas_mark_changed": {"en": "changed", "zh": "修改"},
    "lesson_none": {"en": "No lesson: press o to pick one.",
                    "zh": "没有打开课程：按 o 选一课。"},
    # -- the status bar ------------------------------------------------------------------------
    "bar_lesson": {"en": "lesson {n} · page {page}/{pages}",
                   "zh": "第 {n} 课 · 第 {page}/{pages} 页"},
    "bar_statement": {"en": "statement {n}/{count}", "zh": "语句 {n}/{count}"},
    "bar_step": {"en": "step {n}/{count}", "zh": "步骤 {n}/{count}"},
    "bar_end": {"en": "end of scenario", "zh": "场景结束"},
    "bar_breakpoint": {"en": "{n} breakpoint", "zh": "{n} 个断点"},
    "bar_breakpoints": {"en": "{n} breakpoints", "zh": "{n} 个断点"},
    "bar_language": {"en": "EN", "zh": "中文"},
    # -- the deck, the too-small message -------------------------------------------------------
    "too_small_short": {"en": "{w}x{h}: too small\nEnlarge to {min_w}x{min_h}\nq quits",
                        "zh": "{w}x{h}：太小\n请放大到 {min_w}x{min_h}\n按 q 退出"},
    "too_small": {"en": "This terminal is {w}x{h}.\nPlease enlarge the terminal to at least "
                        "{min_w}x{min_h}\n(or make its font smaller).\nq quits.",
                  "zh": "终端现在是 {w}x{h}。\n请把终端至少放大到 {min_w}x{min_h}\n"
                        "（或者把字体调小）。\n按 q 退出。"},
    # -- notes in the status bar (the lab screen) ----------------------------------------------
    "note_at_end": {"en": "at the end of the scenario: S or ← goes back",
                    "zh": "已到场景结尾：按 S 或 ← 后退"},
    "note_ran_to_end": {"en": "no breakpoint: ran to the end",
                        "zh": "没有遇到断点：已运行到结尾"},
    "note_no_breakpoints": {"en": "no breakpoints (b sets one): ran to the end",
                            "zh": "没有断点（按 b 设置）：已运行到结尾"},
    "note_none_behind": {"en": "no breakpoint behind: back at the start",
                         "zh": "前面没有断点：已回到开头"},
    "note_restarted": {"en": "restarted", "zh": "已重新开始"},
    "note_no_failure": {"en": "no call of this scenario fails",
                        "zh": "这个场景里没有失败的调用"},
    "note_move_cursor": {"en": "move the cursor in the C panel (1, then arrows) first",
                         "zh": "请先在 C 面板里移动光标（按 1，再用方向键）"},
    "note_not_reached": {"en": "{where} is not reached after here",
                         "zh": "从这里往后不会执行到 {where}"},
    "note_no_c_line": {"en": "no C line here to break on", "zh": "这里没有可以设断点的 C 代码行"},
    "note_bp_removed": {"en": "breakpoint at {where} removed", "zh": "已删除 {where} 处的断点"},
    "note_bp_added": {"en": "breakpoint at {where}: c continues to it",
                      "zh": "已在 {where} 设置断点：按 c 继续运行到这里"},
    "note_bps_cleared": {"en": "breakpoints cleared", "zh": "已清除所有断点"},
    # -- the default world (lab.kernel.default_world.DESCRIPTION; a test keeps the numbers) --
    "world_description": {
        "en": "(the English is lab.kernel.default_world.DESCRIPTION itself)",
        "zh": "- 一个普通用户进程（uid 1000，没有任何 capability），运行 /usr/bin/demo（一个动态"
              "链接的小程序），地址空间与 `setarch -R` 下相同（关闭 ASLR）：程序本身、[heap]、"
              "libc、[vvar]、[vdso]、ld.so 和 [stack]，总共不到 3 MiB；\n"
              "- 普通系统的资源限制：RLIMIT_MEMLOCK 8 MiB，RLIMIT_STACK 8 MiB，其余不限；\n"
              "- vm.max_map_count 65530，vm.overcommit_memory 0（启发式），"
              "vm.overcommit_ratio 50，vm.nr_hugepages 0，vm.mmap_min_addr 4096"
              "（实际下限是 65536：Debian 的 CONFIG_LSM_MMAP_MIN_ADDR）；\n"
              "- 8 GiB 内存，没有交换分区；大页大小为 2 MiB（默认）和 1 GiB，都没有预留；\n"
              "- mmap_base 0x7ffff7fff000：TASK_SIZE 减去 128 MiB 的最小栈间隙"
              "（arch/x86/mm/mmap.c），所以新映射自顶向下，紧挨着放在共享库下方。\n\n"
              "初始的这些 VMA 都没有驻留的页面：实验里看到的页面，都是场景自己触发缺页调入的。"},
    # -- the crash screen and message (lab.tui.crash) -----------------------------------------
    "crash_saved": {"en": "Your progress was saved.", "zh": "你的学习进度已保存。"},
    "crash_not_saved": {"en": "Progress {detail}.", "zh": "学习进度未能保存：{detail}。"},
    "crash_report_in": {"en": "A report is in\n  {path}", "zh": "报告已保存在\n  {path}"},
    "crash_no_report": {"en": "No report could be written.", "zh": "报告未能写入文件。"},
    "crash_screen": {
        "en": "mmaplab stopped: an unexpected error.\n\n{summary}\n\n{saved}{where}\n"
              "Please send it to whoever runs your course or to the mmaplab developers."
              "\n\nAny key quits.",
        "zh": "mmaplab 遇到意外错误，已经停止。\n\n{summary}\n\n{saved}{where}\n"
              "请把它发给你的课程负责人或 mmaplab 的开发者。\n\n按任意键退出。"},
    "crash_message": {
        "en": "mmaplab: an unexpected error ended the lab ({summary}). {saved}{where}: please "
              "send it to whoever runs your course or to the mmaplab developers, with a line "
              "on what you were doing. It holds the versions, the terminal's settings, the "
              "scenario, the position and the traceback.",
        "zh": "mmaplab：一个意外错误结束了实验（{summary}）。{saved}{where}：请把它发给你的课程"
              "负责人或 mmaplab 的开发者，并附上一句你当时在做什么。报告里有版本、终端设置、"
              "场景、当前位置和调用回溯。"},
    "crash_message_in": {"en": "A report is in {path}", "zh": "报告在 {path}"},
    "crash_message_none": {"en": "No report could be written; it follows",
                           "zh": "报告未能写入文件，内容附在下面"},
    "recording": {"en": "recording statement {n} of {total} ({seconds:.1f} s)",
                  "zh": "正在记录第 {n} 条语句，共 {total} 条（{seconds:.1f} 秒）"},
    "reading": {"en": "reading line {n} of {total} ({seconds:.1f} s)",
                "zh": "正在读取第 {n} 行，共 {total} 行（{seconds:.1f} 秒）"},
    "note_recorded": {"en": "statement {n} recorded: {steps} steps",
                      "zh": "第 {n} 条语句已记录：共 {steps} 步"},
    "note_sim_failed": {"en": "the simulator failed: {error}", "zh": "模拟器出错：{error}"},
    "note_run_ended": {"en": "an earlier statement ended the run",
                       "zh": "前面的语句已经结束了这次运行"},
    "note_no_lesson": {"en": "no lesson open: o picks one", "zh": "没有打开课程：按 o 选一课"},
    "note_no_question": {"en": "this page asks no question", "zh": "本页没有问题"},
    "who_vma_none": {"en": "no step up to here changed this VMA",
                     "zh": "到这一步为止，没有哪一步修改过这个 VMA"},
    "who_pte_none": {"en": "no step up to here wrote this PTE",
                     "zh": "到这一步为止，没有哪一步写过这个 PTE"},
    "who_no_address": {"en": "no address: pick one with a", "zh": "没有地址：按 a 选一个"},
    "who_vma_found": {"en": "this step changed this VMA ({addr})",
                      "zh": "就是这一步修改了这个 VMA（{addr}）"},
    "who_pte_found": {"en": "this step wrote this PTE ({addr})",
                      "zh": "就是这一步写入了这个 PTE（{addr}）"},
    # -- the prompts (AskScreen) and their answers ---------------------------------------------
    "ask_goto": {"en": "Go to", "zh": "跳转"},
    "ask_goto_help": {
        "en": "A step number (1 is the first), +N or -N steps, an errno (EACCES), a C line "
              "(mm/mmap.c:1317), a function (do_mmap) or a statement (stmt 3).",
        "zh": "步骤编号（从 1 开始）、+N 或 -N（前进或后退 N 步）、errno（EACCES）、"
              "C 代码行（mm/mmap.c:1317）、函数（do_mmap）或语句（stmt 3）。"},
    "ask_address": {"en": "Page tables of an address", "zh": "查看某个地址的页表"},
    "ask_address_help": {
        "en": "An address or an expression of the scenario's variables (p + 0x1000). "
              "Empty: follow the step again.",
        "zh": "输入地址，或由场景变量组成的表达式（p + 0x1000）。留空则重新跟随当前步骤。"},
    "ask_breakpoint": {"en": "Add a breakpoint", "zh": "添加断点"},
    "ask_breakpoint_help": {
        "en": "A C line (mm/mmap.c:1317) or a function (do_mmap), then optionally "
              "`if CONDITION`: an integer expression of the locals, true when not 0 "
              "(flags & MAP_FIXED, len - 4096).",
        "zh": "一行 C 代码（mm/mmap.c:1317）或一个函数（do_mmap），后面可以加上"
              "“if 条件”：由局部变量组成的整数表达式，不为 0 即成立"
              "（flags & MAP_FIXED、len - 4096）。"},
    "err_where": {"en": "say where: a file:line (mm/mmap.c:1317) or a function (do_mmap)",
                  "zh": "请指明位置：文件:行号（mm/mmap.c:1317）或函数名（do_mmap）"},
    "err_c_line": {"en": "{text}: a C line is a file and a line number, like mm/mmap.c:1317",
                   "zh": "{text}：C 代码行要写成文件名加行号，例如 mm/mmap.c:1317"},
    "err_no_function": {"en": "no kernel function {name} in kernel_src",
                        "zh": "kernel_src 里没有内核函数 {name}"},
    "err_condition": {"en": "condition: {message}", "zh": "条件有误：{message}"},
    "err_steps": {"en": "steps go from 1 to {count}", "zh": "步骤编号的范围是 1 到 {count}"},
    "err_statements": {"en": "statements go from 1 to {count}",
                       "zh": "语句编号的范围是 1 到 {count}"},
    "err_errno": {"en": "{name} is not an errno name (EINVAL, EACCES, ENOMEM, ...)",
                  "zh": "{name} 不是 errno 名称（EINVAL、EACCES、ENOMEM……）"},
    "err_no_errno": {"en": "no step of this scenario returns -{name}",
                     "zh": "这个场景里没有哪一步返回 -{name}"},
    "err_not_reached": {"en": "{text} is not reached by this scenario",
                        "zh": "这个场景不会执行到 {text}"},
    "err_goto": {"en": "not a step, errno, C line or function: {text}",
                 "zh": "无法识别：{text} 不是步骤、errno、C 代码行或函数"},
    "err_address": {"en": "not an address", "zh": "不是有效的地址"},
    # -- the command palette -------------------------------------------------------------------
    "palette_search": {"en": "Search for commands…", "zh": "搜索命令……"},
    "palette_key": {"en": "{title} ({key})", "zh": "{title}（{key}）"},
    "cmd_quiz": {"en": "Quiz: a random problem to predict", "zh": "小测：随机出一道预测题"},
    "cmd_quiz_help": {"en": "OSTEP-style: the simulator makes a scenario, you predict, then "
                            "see the answer and the C that decided it",
                      "zh": "OSTEP 风格：模拟器生成场景，你先预测，再看答案和决定结果的 C 代码"},
    "cmd_edit_current": {"en": "Edit the current statement", "zh": "编辑当前语句"},
    "cmd_edit_current_help": {"en": "replace it with another (the editor opens with its text)",
                              "zh": "换成另一条语句（编辑器里预先填好原文）"},
    "cmd_breakpoint": {"en": "Add a breakpoint{ellipsis}", "zh": "添加断点{ellipsis}"},
    "cmd_breakpoint_help": {"en": "at a C line or function, optionally with a condition "
                                  "(mm/mmap.c:1317 if flags & MAP_POPULATE)",
                            "zh": "设在某行 C 代码或某个函数上，可以附带条件"
                                  "（mm/mmap.c:1317 if flags & MAP_POPULATE）"},
    "cmd_clear": {"en": "Clear all breakpoints", "zh": "清除所有断点"},
    "cmd_clear_help": {"en": "remove every breakpoint", "zh": "删除全部断点"},
    "cmd_vmflags": {"en": "Show VmFlags in the VMA panel", "zh": "在 VMA 面板中显示 VmFlags"},
    "cmd_vmflags_help": {"en": "toggle the VmFlags column (v in the panel)",
                         "zh": "显示或隐藏 VmFlags 列（在面板里按 v）"},
    "cmd_follow_pt": {"en": "Follow the step in the page tables", "zh": "页表跟随当前步骤"},
    "cmd_follow_pt_help": {"en": "forget the chosen address", "zh": "不再固定显示所选地址"},
    "cmd_follow_c": {"en": "Follow the execution marker", "zh": "回到执行位置"},
    "cmd_follow_c_help": {"en": "scroll the C panel back to the current line",
                          "zh": "把 C 面板滚回当前执行的行"},
    # Textual's own commands, by their English titles
    "sys_Theme": {"en": "Theme", "zh": "主题"},
    "sys_Theme_help": {"en": "Change the current theme", "zh": "更换当前主题"},
    "sys_Quit": {"en": "Quit", "zh": "退出"},
    "sys_Quit_help": {"en": "Quit the application as soon as possible", "zh": "立即退出程序"},
    "sys_Keys": {"en": "Keys", "zh": "按键"},
    "sys_Keys_help": {"en": "Show or hide the keys of the focused widget",
                      "zh": "显示或隐藏当前部件的按键说明"},
    "sys_Maximize": {"en": "Maximize", "zh": "最大化"},
    "sys_Maximize_help": {"en": "Maximize the focused widget", "zh": "最大化当前部件"},
    "sys_Minimize": {"en": "Minimize", "zh": "还原"},
    "sys_Minimize_help": {"en": "Minimize the widget and restore to normal size",
                          "zh": "还原部件到正常大小"},
    "sys_Screenshot": {"en": "Screenshot", "zh": "截图"},
    "sys_Screenshot_help": {"en": "Save an SVG 'screenshot' of the current screen",
                            "zh": "把当前屏幕保存为 SVG 截图"},
    # -- notifications -------------------------------------------------------------------------
    "notify_progress": {"en": "Progress", "zh": "学习进度"},
    "notify_cannot_run": {"en": "This statement cannot run", "zh": "这条语句无法执行"},
    "notify_lessons_unreadable": {"en": "cannot read the lessons: {error}",
                                  "zh": "无法读取课程：{error}"},
    "notify_lesson_cannot_open": {"en": "This lesson cannot open", "zh": "这一课无法打开"},
    "notify_instructor_lesson": {"en": "The instructor's lesson", "zh": "讲师的课程"},
    # -- the scenario editor -------------------------------------------------------------------
    "editor_placeholder": {"en": "a statement, e.g. p = mmap(NULL, 4096, PROT_READ, "
                                 "MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)",
                           "zh": "一条语句，例如 p = mmap(NULL, 4096, PROT_READ, "
                                 "MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)"},
    "editor_replace": {"en": "Replace statement {n}", "zh": "替换第 {n} 条语句"},
    "editor_add": {"en": "Add a statement at the end", "zh": "在末尾添加一条语句"},
    "editor_keys": {"en": "{title}: Enter runs it, Tab completes a name, Escape closes",
                    "zh": "{title}：回车执行，Tab 补全名称，Esc 关闭"},
    "editor_functions": {"en": "Functions: {names}", "zh": "可用函数：{names}"},
    "editor_ok": {"en": "OK: Enter runs it", "zh": "语句正确：按回车执行"},
    "colon": {"en": ": ", "zh": "："},
    # -- the help screen -----------------------------------------------------------------------
    "help_title": {"en": "mmaplab help {sep} Linux {version} {sep} Escape closes",
                   "zh": "mmaplab 帮助 {sep} Linux {version} {sep} Esc 关闭"},
    "help_keys": {"en": "Keys", "zh": "按键"},
    "help_tab": {"en": "next panel (shift+Tab: previous)", "zh": "下一个面板（shift+Tab：上一个）"},
    "help_palette": {"en": "command palette: every action by name",
                     "zh": "命令面板：按名称找到所有操作"},
    "help_panels": {"en": "Panels", "zh": "面板"},
    "help_language": {"en": "The scenario language (e adds a statement)",
                      "zh": "场景语言（按 e 添加一条语句）"},
    "help_world": {"en": "The default world", "zh": "默认的模拟环境"},
    "help_c": {"en": "the real Linux C of the current step, at its real file:line. The marker "
                     "is the line about to run; the tinted lines are those the current Python "
                     "line mirrors.",
               "zh": "当前这一步所在的真实 Linux C 代码，显示真实的文件名和行号。标记所在的"
                     "是即将执行的行；着色的行就是当前 Python 语句所对应的 C 代码。"},
    "help_py": {"en": "the lab's Python version of the same function; its current statement "
                      "has the same tint.",
                "zh": "本实验用 Python 写成的同一个函数；当前语句用同样的底色标出。"},
    "help_stack": {"en": "who called whom, innermost first, like gdb's bt.",
                   "zh": "函数之间的调用关系，最内层在最上面，和 gdb 的 bt 一样。"},
    "help_locals": {"en": "the current function's variables, formatted as a kernel reader "
                          "writes them; a mark shows what the last step changed.",
                    "zh": "当前函数的变量，按内核代码的习惯格式化显示；上一步改动过的变量会"
                          "标出来。"},
    "help_vmas": {"en": "the process's /proc/PID/maps at this step; + added, ~ expanded, "
                        "split or changed, - removed by the last step; highlighted rows touch "
                        "the call's range. v shows VmFlags, Enter shows a VMA's page tables, w "
                        "finds the step that changed it.",
                  "zh": "这一步时进程的 /proc/PID/maps；+ 表示上一步新增，~ 表示扩展、拆分"
                        "或修改，- 表示被删除；高亮的行与当前调用的地址范围重叠。按 v 显示 "
                        "VmFlags，回车查看该 VMA 的页表，按 w 找出修改它的那一步。"},
    "help_pt": {"en": "the PGD, PUD, PMD, PTE walk for one address (a: choose it; it follows "
                      "the step otherwise), and a map of which pages of its VMA are present.",
                "zh": "一个地址的 PGD、PUD、PMD、PTE 逐级查表过程（按 a 选择地址，否则跟随"
                      "当前步骤），以及该地址所在 VMA 中哪些页已在内存中。"},
    "help_flags": {"en": "prot, flags, vm_flags and gup_flags bit by bit; bits the last step "
                         "set (+) or cleared (-) are marked.",
                   "zh": "逐位展开 prot、flags、vm_flags 和 gup_flags；上一步置位（+）或清除"
                         "（-）的位会标出来。"},
    "help_errors": {"en": "when the call fails: the errno, what it means, the line that "
                          "returned it and the condition, with the values that made it true.",
                    "zh": "调用失败时，显示 errno 及其含义、返回它的那行代码和判断条件，以及"
                          "使条件成立的那些值。"},
    "help_scenario": {"en": "the statements, which ran and what they returned; Enter or a "
                            "click jumps to one.",
                      "zh": "场景里的所有语句、哪些已经执行、各自返回了什么；回车或点击可以"
                            "跳到某条语句。"},
    "help_narration": {"en": "the current line in plain words, then what the last step did.",
                       "zh": "用平实的话说明当前这行代码，再说上一步做了什么。"},
    # -- the comparison with this machine's kernel ---------------------------------------------
    "cmp_title": {"en": "The model beside this machine's kernel {sep} Escape closes",
                  "zh": "真实内核对比：模型与本机内核 {sep} Esc 关闭"},
    "cmp_running": {"en": "running on this machine's kernel…", "zh": "正在本机内核上运行……"},
    "cmp_unavailable": {"en": "Comparing with this machine's kernel is unavailable here: "
                              "{why}. The model's results are in the lab as usual.",
                        "zh": "这里无法与本机内核对比：{why}。模型的结果照常显示在实验界面里。"},
    "cmp_skipped": {"en": "Not run on this machine's kernel: {why}.",
                    "zh": "没有在本机内核上运行：{why}。"},
    "cmp_failed": {"en": "The run on this machine's kernel failed: {error}",
                   "zh": "在本机内核上运行失败：{error}"},
    "cmp_model": {"en": "Model: ", "zh": "模型："},
    "cmp_simulated": {"en": "Linux {version} (simulated)   ", "zh": "Linux {version}（模拟）   "},
    "cmp_machine": {"en": "This machine: ", "zh": "本机："},
    "cmp_all_agree": {"en": "All {count} statements agree.", "zh": "全部 {count} 条语句结果一致。"},
    "cmp_some_agree": {"en": "{agree} of {count} statements agree; ",
                       "zh": "{count} 条语句中有 {agree} 条一致；"},
    "cmp_known": {"en": "{count} differ as documented (known)",
                  "zh": "{count} 条的差异有文档说明（已知）"},
    "cmp_differ": {"en": "{count} differ unexplained.", "zh": "{count} 条的差异无法解释。"},
    "cmp_then": {"en": "; ", "zh": "；"},
    "cmp_stop": {"en": ".", "zh": "。"},
    "cmp_addresses": {"en": "Addresses differ between the two processes: L3+0x1000 is line 3's "
                            "mapping + 0x1000 on each side.",
                      "zh": "两个进程的地址不同：L3+0x1000 指各自第 3 行所建映射的起点 + 0x1000。"},
    "cmp_line": {"en": "line {line}: {stmt}", "zh": "第 {line} 行：{stmt}"},
    "cmp_col_model": {"en": "model", "zh": "模型"},
    "cmp_col_kernel": {"en": "this kernel", "zh": "本机内核"},
    "cmp_label_returns": {"en": "returns", "zh": "返回值"},
    "cmp_label_signal": {"en": "signal", "zh": "信号"},
    "cmp_same": {"en": "same", "zh": "一致"},
    "cmp_known_verdict": {"en": "known", "zh": "已知"},
    "cmp_differs": {"en": "DIFFERS", "zh": "不一致"},
    "cmp_not_reached": {"en": "(not reached)", "zh": "（未执行到）"},
    "cmp_no_signal": {"en": "none", "zh": "无"},
    "cmp_read": {"en": "read {value}", "zh": "读到 {value}"},
    "cmp_done": {"en": "done", "zh": "完成"},
    "cmp_no_mapping": {"en": "(no such mapping)", "zh": "（没有这个映射）"},
    "cmp_row_gone": {"en": "row gone", "zh": "映射已删除"},
    "cmp_note_known": {"en": "known: {rule}", "zh": "已知：{rule}"},
    "cmp_note_bug": {"en": "simulator bug: {rule}", "zh": "模拟器缺陷：{rule}"},
    "cmp_note_unexplained": {"en": "unexplained", "zh": "无法解释"},
    "cmp_why": {"en": "Why they differ (docs/fidelity.md)", "zh": "差异的原因（docs/fidelity.md）"},
    "cmp_quiet": {"en": " ({count} rows, not marked above)", "zh": "（{count} 行，上面未标出）"},
    "cmp_quiet_one": {"en": " (1 row, not marked above)", "zh": "（1 行，上面未标出）"},
    # -- the lesson pane and the lesson dialogs (predict, picker, quiz) ------------------------
    "ui_answer_hint": {"en": "Predict first: press A to answer. The step waits for you.",
                       "zh": "先预测：按 A 作答。答完之后才会执行下一步。"},
    "ui_lesson_keys": {"en": "] next page · [ previous page · A answer · o lessons · L 中文",
                       "zh": "] 下一页 · [ 上一页 · A 作答 · o 课程列表 · L English"},
    "ui_predict": {"en": "Predict", "zh": "预测"},
    "ui_predict_help": {
        "en": "Type the letter of an option or a value, then Enter. ? shows the answer; "
              "Esc answers later.",
        "zh": "输入选项字母或数值，按回车。输入 ? 直接看答案；按 Esc 稍后再答。"},
    "ui_continue": {"en": "Enter or Esc: go on.", "zh": "回车或 Esc：继续。"},
    "ui_unreadable": {"en": "Not understood: {message}", "zh": "无法识别：{message}"},
    "ui_blocked": {"en": "answer the question first (A), or ? in it to see the answer",
                   "zh": "请先回答问题（A），或在问题里输入 ? 查看答案"},
    "ui_lessons_title": {"en": "Lessons", "zh": "课程"},
    "ui_lessons_help": {"en": "Enter opens a lesson where you left it; Esc closes.",
                        "zh": "回车打开课程（从上次停下的地方继续）；Esc 关闭。"},
    "ui_lesson_done": {"en": "Lesson finished: o picks the next one.",
                       "zh": "本课完成：按 o 选择下一课。"},
    "ui_quiz": {"en": "Quiz", "zh": "小测"},
    "ui_quiz_title": {"en": "Quiz · seed {seed} · {n}/{count} · {topic}",
                      "zh": "小测 · 种子 {seed} · {n}/{count} · {topic}"},
    "ui_quiz_making": {"en": "The simulator is making problems…", "zh": "模拟器正在出题……"},
    "ui_quiz_none": {"en": "No problem could be made from this seed.",
                     "zh": "这个种子没能生成题目。"},
    "ui_predict_help_quiz": {
        "en": "Type the letter of an option or a value, then Enter. ? shows the answer; "
              "Esc closes.",
        "zh": "输入选项字母或数值，按回车。输入 ? 直接看答案；按 Esc 关闭。"},
    "ui_quiz_after": {"en": "Enter: the next problem · t: step through it in the lab · "
                            "Esc: close",
                      "zh": "回车：下一题 · t：在实验台里逐步查看 · Esc：关闭"},
    "ui_quiz_traced": {"en": "quiz problem: step through it (o or ] goes back to the lesson)",
                       "zh": "小测题目：逐步查看（按 o 或 ] 回到课程）"},
}
