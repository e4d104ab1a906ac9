# SPDX-License-Identifier: GPL-2.0-only
"""The lesson system's two languages: English and Simplified Chinese.

`t(key, lang, **params)` gives a UI string in either language; every key has both (a test
holds us to it). `default_language()` follows the locale as POSIX orders it (LC_ALL, then
LC_MESSAGES, then LANG): one starting with "zh" gives Chinese, anything else English.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

LANGUAGES = ("en", "zh")


def default_language(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def t(key: str, lang: str = "en", /, **params: object) -> str:
    """The message `key` in `lang` (English if the language is unknown)."""
    entry = MESSAGES[key]
    text = entry.get(lang) or entry["en"]
    if "hint" in params:
        hint = params["hint"]
        params["hint"] = t("did_you_mean", lang, word=hint) if hint else ""
    return text.format(**params) if params else text


MESSAGES: dict[str, dict[str, str]] = {
    # -- general ---------------------------------------------------------------------------
    "severity_error": {"en": "error", "zh": "错误"},
    "severity_note": {"en": "note", "zh": "提示"},
    "did_you_mean": {"en": " (did you mean {word}?)", "zh": "（是不是想写 {word}？）"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    # -- reading a lesson file -------------------------------------------------------------
    "file_unreadable": {"en": "cannot read the file: {detail}",
                        "zh": "无法读取文件：{detail}"},
    "file_large": {"en": "the file is larger than {limit} bytes",
                   "zh": "文件超过 {limit} 字节"},
    "file_utf8": {"en": "invalid UTF-8 byte {byte}: a lesson must be UTF-8 text",
                  "zh": "无效的 UTF-8 字节 {byte}：课程文件必须是 UTF-8 文本"},
    "dir_missing": {"en": "no such directory of lessons", "zh": "找不到这个课程目录"},
    "toml": {"en": "TOML: {detail}", "zh": "TOML 语法错误：{detail}"},
    "text_outside": {
        "en": "text outside a block is never shown: put it inside a ::: block, or in an "
              "<!-- comment -->",
        "zh": "块外面的文字不会显示给学习者：请把它放进 ::: 块，或写成 <!-- 注释 -->"},
    "comment_unclosed": {"en": "this <!-- comment is never closed with -->",
                         "zh": "<!-- 注释没有用 --> 结束"},
    "front_missing": {
        "en": "a lesson starts with its header between two +++ lines",
        "zh": "课程文件必须以两行 +++ 之间的头部（TOML）开始"},
    "front_unclosed": {"en": "the header opened here is never closed with +++",
                       "zh": "这里开始的头部没有用 +++ 结束"},
    "fence_unclosed": {"en": "this ``` code block is never closed",
                       "zh": "这个 ``` 代码块没有结束"},
    "fence_not_scenario": {
        "en": "a lesson holds one ```scenario block and no other code block (found "
              "'{info}'): C and Python come from the lab's panes",
        "zh": "课程里只能有一个 ```scenario 代码块，不能有其他代码块（这里是 '{info}'）："
              "C 与 Python 代码由实验界面的窗格显示"},
    "scenario_twice": {"en": "a second scenario: the first is on line {first}",
                       "zh": "出现了第二个 scenario：第一个在第 {first} 行"},
    "block_no_kind": {"en": "say what the block is: ::: followed by one of {kinds}",
                      "zh": "请写明块的种类：::: 后面跟 {kinds} 之一"},
    "block_unknown": {"en": "unknown block '{kind}'{hint}; blocks are {kinds}",
                      "zh": "未知的块 '{kind}'{hint}；可用的块有 {kinds}"},
    "block_unclosed": {"en": "this block is never closed: end it with a line '{fence}'",
                       "zh": "这个块没有结束：请用单独一行 '{fence}' 结束它"},
    "lang_twice": {"en": "@{lang} appears twice in this block (first on line {first})",
                   "zh": "这个块里 @{lang} 出现了两次（第一次在第 {first} 行）"},
    # -- the schema ------------------------------------------------------------------------
    "key_unknown": {"en": "unknown key '{key}' in a {kind} block{hint}; allowed: {allowed}",
                    "zh": "{kind} 块里没有 '{key}' 这个键{hint}；可用的键：{allowed}"},
    "key_type": {"en": "'{key}' must be a {want}, not a {got}",
                 "zh": "'{key}' 应当是 {want}，而不是 {got}"},
    "key_missing": {"en": "'{key}' is missing (e.g. {example})",
                    "zh": "缺少 '{key}'（例如 {example}）"},
    "key_not_translated": {"en": "'{key}' is written per language: {example}",
                           "zh": "'{key}' 需要按语言分别写：{example}"},
    "lang_undeclared": {"en": "'{lang}' is not one of this lesson's languages ({languages})",
                        "zh": "'{lang}' 不在本课声明的语言（{languages}）之中"},
    "lang_unknown": {"en": "unknown language '{lang}': the lab speaks {languages}",
                     "zh": "未知的语言 '{lang}'：实验支持 {languages}"},
    "lang_repeated": {"en": "a language is listed twice", "zh": "有语言重复列出"},
    "lang_missing_field": {"en": "'{key}' has no '{lang}' text: write {key}.{lang}",
                           "zh": "'{key}' 缺少 '{lang}' 的文字：请补上 {key}.{lang}"},
    "lang_missing_body": {
        "en": "this {kind} block has no @{lang} text: every language of the lesson needs one",
        "zh": "这个 {kind} 块缺少 @{lang} 文字：本课的每种语言都必须有"},
    "lang_empty": {"en": "the @{lang} text is empty", "zh": "@{lang} 的文字是空的"},
    "license_missing": {"en": "the header needs license = \"GPL-2.0-only\" (or the lesson's "
                              "own SPDX licence)",
                        "zh": "头部需要 license = \"GPL-2.0-only\"（或本课自己的 SPDX 许可证）"},
    "id_bad": {"en": "the id '{id}' may hold only letters, digits, '.', '_' and '-'",
               "zh": "id '{id}' 只能包含字母、数字、'.'、'_' 和 '-'"},
    "id_twice": {"en": "the id '{id}' is used twice (first on line {first})",
                 "zh": "id '{id}' 用了两次（第一次在第 {first} 行）"},
    "block_once": {"en": "a lesson has at most one {kind} block (the first is on line "
                         "{first})",
                   "zh": "一课最多只能有一个 {kind} 块（第一个在第 {first} 行）"},
    "scenario_missing": {"en": "the lesson has no ```scenario block",
                         "zh": "本课缺少 ```scenario 代码块"},
    "feature_unknown": {"en": "unknown feature '{feature}'{hint}; known: {features}",
                        "zh": "未知的功能 '{feature}'{hint}；已知的有：{features}"},
    "question_kind_missing": {"en": "a question needs kind = one of {kinds}",
                              "zh": "问题需要写 kind，取值为 {kinds} 之一"},
    "question_kind_unknown": {"en": "unknown question kind '{kind}'{hint}; kinds: {kinds}",
                              "zh": "未知的问题类型 '{kind}'{hint}；可用类型：{kinds}"},
    "question_needs_statement": {
        "en": "this question (kind '{kind}') asks about one statement: say which with "
              "statement = N (or the variable it binds)",
        "zh": "'{kind}' 类问题针对某一条语句：请用 statement = N（或它赋值的变量名）指明"},
    "options_few": {"en": "a multiple-choice question needs at least two options",
                    "zh": "选择题至少需要两个选项"},
    "options_type": {"en": "options must be strings, integers or booleans",
                     "zh": "选项只能是字符串、整数或布尔值"},
    "options_repeated": {"en": "an option is listed twice", "zh": "有选项重复"},
    "labels_without_options": {"en": "labels name options, but this question has none",
                               "zh": "labels 是选项的显示文字，但这个问题没有 options"},
    "labels_count": {"en": "labels.{lang} has {n} labels for {options} options",
                     "zh": "labels.{lang} 有 {n} 个标签，但选项有 {options} 个"},
    "answer_missing": {
        "en": "a '{kind}' question needs answer = \"EXPRESSION\" over the computed facts, e.g. "
              "answer = \"errno(2)\"",
        "zh": "'{kind}' 类问题需要 answer = \"表达式\"，用计算出的事实写成，例如 "
              "answer = \"errno(2)\""},
    "choice_needs_options": {"en": "a choice question needs options = [...]",
                             "zh": "选择题需要 options = [...]"},
    "answer_computed": {
        "en": "a '{kind}' question's answer is computed by the simulator: remove answer",
        "zh": "'{kind}' 类问题的答案由模拟器计算：请删去 answer"},
    # -- the scenario ----------------------------------------------------------------------
    "scenario_empty": {"en": "the scenario is empty", "zh": "scenario 是空的"},
    "scenario_syntax": {"en": "scenario: {detail}", "zh": "scenario 有误：{detail}"},
    "scenario_comment": {
        "en": "a comment in the scenario shows in every language: say it in a narration "
              "block, which is translated",
        "zh": "scenario 里的注释在各种语言下都原样显示：请把它写进 narration 块，那里有翻译"},
    "scenario_refused": {"en": "the simulator refused this statement: {detail}",
                         "zh": "模拟器拒绝执行这条语句：{detail}"},
    "statement_range": {"en": "there is no statement {n}: the scenario has {count}",
                        "zh": "没有第 {n} 条语句：scenario 只有 {count} 条"},
    "statement_name": {"en": "no statement binds '{name}' (bound: {names})",
                       "zh": "没有语句给 '{name}' 赋值（已赋值的变量：{names}）"},
    "statement_name_twice": {"en": "several statements bind '{name}': give the number",
                             "zh": "有多条语句给 '{name}' 赋值：请改用语句编号"},
    "statement_not_run": {"en": "statement {n} never runs (the scenario stopped after {ran})",
                          "zh": "第 {n} 条语句不会执行（scenario 在第 {ran} 条之后就结束了）"},
    # -- anchors ---------------------------------------------------------------------------
    "anchor_function_unknown": {
        "en": "'{name}' is not a function of the kernel source the lab keeps{hint}",
        "zh": "'{name}' 不是实验所收录的内核源码中的函数{hint}"},
    "anchor_line_bad": {"en": "'{at}' is neither a function name nor FILE:LINE",
                        "zh": "'{at}' 既不是函数名，也不是 文件:行号"},
    "anchor_file_unknown": {"en": "'{path}' is not in kernel_src{hint}",
                            "zh": "kernel_src 中没有 '{path}'{hint}"},
    "anchor_line_not_kept": {"en": "{at} is not a line kernel_src keeps",
                             "zh": "kernel_src 没有收录 {at} 这一行"},
    "anchor_line_not_statement": {
        "en": "{at} is not a line of a C statement (a blank line, a comment or a brace?)",
        "zh": "{at} 不是 C 语句所在的行（是空行、注释还是花括号？）"},
    "anchor_nothing": {"en": "say where this belongs: at = \"FUNCTION\" or \"FILE:LINE\", "
                             "or statement = N",
                       "zh": "请指明它出现的位置：at = \"函数名\" 或 \"文件:行号\"，或 "
                             "statement = N"},
    "anchor_unreached": {"en": "{where} never reaches {at}; it does reach: {reached}",
                         "zh": "{where} 执行不到 {at}；它执行到的有：{reached}"},
    "question_late": {
        "en": "this question is asked after statement {n} has finished: its answer is "
              "already on screen; anchor it earlier",
        "zh": "这个问题在第 {n} 条语句执行完之后才提出，答案已经显示出来了；"
              "请把它锚定到更早的位置"},
    "cite_unknown": {"en": "the text cites {cite}, a line kernel_src does not keep",
                     "zh": "文字中引用了 {cite}，但 kernel_src 没有收录这一行"},
    # -- answers ---------------------------------------------------------------------------
    "expr_long": {"en": "the expression is longer than {limit} characters",
                  "zh": "表达式超过 {limit} 个字符"},
    "expr_syntax": {"en": "expression: {detail}", "zh": "表达式语法错误：{detail}"},
    "expr_node": {"en": "{what} is not allowed in an answer expression",
                  "zh": "答案表达式中不允许使用 {what}"},
    "expr_function": {"en": "'{name}' is not a fact or helper{hint}",
                      "zh": "'{name}' 不是可用的事实函数或辅助函数{hint}"},
    "expr_arity": {"en": "{name}() takes one statement: a number or a variable",
                   "zh": "{name}() 需要一个语句参数：编号或变量名"},
    "expr_statement": {"en": "a statement is named by its number or the variable it binds",
                       "zh": "语句用编号或它所赋值的变量名来指明"},
    "expr_name": {"en": "unknown name '{name}'", "zh": "未知的名字 '{name}'"},
    "expr_value": {"en": "cannot compute: {detail}", "zh": "无法计算：{detail}"},
    "fact_statement_bad": {"en": "'{n}' is not a statement number",
                           "zh": "'{n}' 不是语句编号"},
    "fact_not_run": {"en": "statement {n} did not run", "zh": "第 {n} 条语句没有执行"},
    "fact_not_mmap": {"en": "statement {n} names no mapping (facts about a VMA need an mmap, "
                            "a memory access p[i], or munmap/mprotect/msync)",
                      "zh": "第 {n} 条语句没有指向任何映射（关于 VMA 的事实需要 mmap、内存访问 "
                            "p[i]，或 munmap/mprotect/msync）"},
    "fact_failed": {"en": "statement {n} fails with {errno}: it adds no VMA",
                    "zh": "第 {n} 条语句以 {errno} 失败，没有新增 VMA"},
    "fact_no_vma": {"en": "no VMA holds the address statement {n} returned",
                    "zh": "没有 VMA 包含第 {n} 条语句返回的地址"},
    "fact_no_value": {"en": "statement {n} reads no byte", "zh": "第 {n} 条语句没有读取字节"},
    "answer_not_option": {"en": "the computed answer {answer} is none of the options",
                          "zh": "计算出的答案 {answer} 不在选项之中"},
    "headless_failed": {"en": "the lesson does not run from start to end in '{lang}': {detail}",
                        "zh": "本课在 '{lang}' 下无法从头运行到尾：{detail}"},
    # -- availability ----------------------------------------------------------------------
    "feature_page-faults": {
        "en": "the page-fault model (memory accesses p[i] = v and x = p[i], munmap, mprotect, "
              "ftruncate, msync, writeback)",
        "zh": "缺页异常模型（内存访问 p[i] = v 与 x = p[i]、munmap、mprotect、ftruncate、"
              "msync、回写）"},
    "feature_not_yet": {"en": "a part of the model that is not there yet",
                        "zh": "模拟器中尚未实现的部分"},
    "unavailable": {"en": "not available yet: it needs {needs}, which the simulator does not "
                          "have yet (line {line}: {stmt})",
                    "zh": "暂不可用：本课需要{needs}，模拟器还没有实现（第 {line} 行：{stmt}）"},
    "note_unavailable": {
        "en": "the simulator cannot run this yet, so anchors and answers were not resolved "
              "(requires: {needs}; first statement it cannot run: {stmt})",
        "zh": "模拟器还不能运行这条语句，因此锚点和答案没有解析（requires：{needs}；第一条无法"
              "运行的语句：{stmt}）"},
    "requires_missing": {
        "en": "the simulator cannot run this statement yet: say what the lesson needs with "
              "requires = [\"page-faults\"]",
        "zh": "模拟器还不能运行这条语句：请用 requires = [\"page-faults\"] 写明本课的需要"},
    "id_in_course": {"en": "the lesson id '{id}' is also used by {other}",
                     "zh": "课程 id '{id}' 已被 {other} 使用"},
    "number_twice": {"en": "lesson number {n} is also used by {other}",
                     "zh": "课程编号 {n} 已被 {other} 使用"},
    # -- translation -----------------------------------------------------------------------
    "stamp_missing": {
        "en": "the {lang} text of this {kind} block has no stamp: when it says what the "
              "{source} says, write @{lang} {stamp} (or run mmaplab lessons check --stamp)",
        "zh": "这个 {kind} 块的 {lang} 文字没有同步标记：确认它与 {source} 的意思一致后，写上 "
              "@{lang} {stamp}（或运行 mmaplab lessons check --stamp）"},
    "stamp_stale": {
        "en": "the {source} or the {lang} text of this {kind} block changed since they were "
              "last checked together: bring the other up to date, then stamp {stamp} "
              "(mmaplab lessons check --stamp)",
        "zh": "这个 {kind} 块的 {source} 或 {lang} 文字在上次核对之后改动过：请把另一种语言同步"
              "更新，再把标记改为 {stamp}（mmaplab lessons check --stamp）"},
    # -- replies ---------------------------------------------------------------------------
    "reply_empty": {"en": "type an answer first", "zh": "请先输入答案"},
    "reply_vma": {"en": "write the row as START-END PERMS, e.g. 7ffff7de1000-7ffff7de3000 "
                        "rw-p",
                  "zh": "请按 起始-结束 权限 的格式写，例如 7ffff7de1000-7ffff7de3000 rw-p"},
    "reply_yes_no": {"en": "answer yes or no", "zh": "请回答 是 或 否（yes / no）"},
    "reply_option": {"en": "choose one of {letters}", "zh": "请从 {letters} 中选一个"},
    "reply_errno": {"en": "type an errno name such as EINVAL, or none if the call succeeds",
                    "zh": "请输入错误码名称，例如 EINVAL；调用成功则输入 none"},
    "reply_number": {"en": "type a number (0x... for hexadecimal)",
                     "zh": "请输入一个数字（十六进制用 0x 开头）"},
    "answer_no_error": {"en": "none (it succeeds)", "zh": "none（调用成功）"},
    "answer_pages": {"en": "{n} pages", "zh": "{n} 页"},
    "answer_page": {"en": "{n} page", "zh": "{n} 页"},
    "opt_merge_yes": {"en": "yes: it becomes part of a neighbouring VMA",
                      "zh": "会：它并入相邻的 VMA"},
    "opt_merge_no": {"en": "no: it gets a VMA of its own", "zh": "不会：它自成一个 VMA"},
    "opt_prev": {"en": "the VMA just below it (prev)", "zh": "紧挨在它下方的 VMA（prev）"},
    "opt_next": {"en": "the VMA just above it (next)", "zh": "紧挨在它上方的 VMA（next）"},
    "opt_both": {"en": "both: the VMAs below and above become one",
                 "zh": "两边都合并：上下两个 VMA 连成一个"},
    "opt_none": {"en": "neither: it gets a VMA of its own", "zh": "都不合并：自成一个 VMA"},
    "verdict_right": {"en": "Right: {answer}.", "zh": "答对了：{answer}。"},
    "verdict_wrong": {"en": "Not quite: the simulator says {answer} (you said {given}).",
                      "zh": "不对：模拟器的结果是 {answer}（你的答案是 {given}）。"},
    "verdict_shown": {"en": "The answer: {answer}.", "zh": "答案是：{answer}。"},
    "decided_at": {"en": "  decided at {where} in {function}: {text}",
                   "zh": "  决定于 {where}（{function}）：{text}"},
    # -- pages -----------------------------------------------------------------------------
    "goals": {"en": "Goals:", "zh": "学习目标："},
    "scenario_heading": {"en": "The scenario:", "zh": "本课的场景："},
    "page_intro": {"en": "introduction", "zh": "引言"},
    "page_narration": {"en": "narration", "zh": "讲解"},
    "page_question": {"en": "predict", "zh": "预测"},
    "page_checkpoint": {"en": "checkpoint", "zh": "检查点"},
    "page_outro": {"en": "summary", "zh": "小结"},
    "at_statement": {"en": "statement {n} ({text})", "zh": "第 {n} 条语句（{text}）"},
    # -- progress --------------------------------------------------------------------------
    "progress_recovered": {
        "en": "warning: {path} could not be read ({detail}); it was kept as {backup} and "
              "progress starts afresh",
        "zh": "警告：无法读取 {path}（{detail}）；已把它另存为 {backup}，学习进度从头记录"},
    # -- the command line's help -----------------------------------------------------------
    "cli_lang": {"en": "language (default: from LC_ALL, LC_MESSAGES or LANG)",
                 "zh": "语言（默认取自 LC_ALL、LC_MESSAGES 或 LANG）"},
    "cli_lessons": {"en": "list the lessons and your progress; check lessons",
                    "zh": "列出课程和学习进度；检查课程文件"},
    "cli_lessons_desc": {
        "en": "List the course's lessons and your progress. `lessons check PATH...` validates "
              "lesson files; `lessons show N` prints a lesson with its computed answers.",
        "zh": "列出课程和你的学习进度。`lessons check PATH...` 检查课程文件；`lessons show N` "
              "打印一课的全部内容及计算出的答案。"},
    "cli_dirs": {"en": "add an instructor's directory of lessons",
                 "zh": "加入教师自己的课程目录"},
    "cli_check": {"en": "validate lesson files (errors as FILE:LINE:COLUMN)",
                  "zh": "检查课程文件（错误以 文件:行:列 给出）"},
    "cli_check_paths": {"en": "lesson files or directories", "zh": "课程文件或目录"},
    "cli_check_stamp": {"en": "first write the translation stamps (once both languages agree)",
                        "zh": "先写入翻译同步标记（在两种语言内容一致之后）"},
    "cli_show": {"en": "print a lesson from start to end, with the answers",
                 "zh": "从头到尾打印一课，并附上答案"},
    "cli_show_lesson": {"en": "a lesson number, id or file", "zh": "课程编号、id 或文件"},
    "cli_quiz": {"en": "random mmap problems: predict, then check",
                 "zh": "随机的 mmap 练习题：先预测，再核对"},
    "cli_quiz_desc": {
        "en": "Random scenarios made by the simulator: predict the result (errno, the new VMA, "
              "merge or not, pages present), then see the answer and the C lines that decided "
              "it.",
        "zh": "由模拟器生成的随机场景：先预测结果（错误码、新的 VMA、是否合并、有几页 present），"
              "再查看答案以及做出决定的那几行 C 代码。"},
    "cli_seed": {"en": "the same seed asks the same problems", "zh": "相同的种子给出相同的题目"},
    "cli_count": {"en": "problems (default 5)", "zh": "题目数量（默认 5）"},
    "cli_answers": {"en": "print the answers", "zh": "显示答案"},
    "cli_count_bad": {"en": "mmaplab quiz: --count must be at least 1",
                      "zh": "mmaplab quiz：--count 至少为 1"},
    # -- mmaplab lessons -------------------------------------------------------------------
    "list_heading": {"en": "mmaplab lessons (Linux {kernel}); progress in {path}",
                     "zh": "mmaplab 课程（Linux {kernel}）；学习进度保存在 {path}"},
    "list_open_hint": {"en": "Open one with: mmaplab lesson N",
                       "zh": "打开某一课：mmaplab lesson N"},
    "status_new": {"en": "not started", "zh": "未开始"},
    "status_done": {"en": "done", "zh": "已完成"},
    "status_started": {"en": "page {page} of {pages}", "zh": "第 {page}/{pages} 页"},
    "status_answers": {"en": "{right}/{answered} right", "zh": "答对 {right}/{answered}"},
    "status_broken": {"en": "does not check (mmaplab lessons check {path})",
                      "zh": "检查未通过（mmaplab lessons check {path}）"},
    "status_unavailable": {"en": "needs the page-fault model", "zh": "需要缺页异常模型"},
    "list_extra": {"en": "(from {dir})", "zh": "（来自 {dir}）"},
    "check_ok": {"en": "{n} lesson file(s) checked: no errors",
                 "zh": "已检查 {n} 个课程文件：没有错误"},
    "check_failed": {"en": "{n} lesson file(s) checked: {errors} error(s)",
                     "zh": "已检查 {n} 个课程文件：{errors} 个错误"},
    "check_stamped": {"en": "{path}: wrote {n} translation stamp(s)",
                      "zh": "{path}：写入了 {n} 个翻译同步标记"},
    "show_missing": {"en": "no lesson {key}: there are {n}", "zh": "没有第 {key} 课：一共 {n} 课"},
    # -- the quiz --------------------------------------------------------------------------
    "quiz_heading": {
        "en": "mmaplab quiz: {count} problems, seed {seed} (mmaplab quiz --seed {seed} asks "
              "them again; -c prints the answers)",
        "zh": "mmaplab 小测：{count} 道题，随机种子 {seed}（mmaplab quiz --seed {seed} 可重做同一"
              "套题；-c 显示答案）"},
    "quiz_problem": {"en": "Problem {n} of {count}: {topic}", "zh": "第 {n}/{count} 题：{topic}"},
    "quiz_prompt": {"en": "your answer> ", "zh": "你的答案> "},
    "quiz_answers": {"en": "Answers", "zh": "答案"},
    "quiz_answer": {"en": "Answer {n}: {answer}", "zh": "第 {n} 题答案：{answer}"},
    "quiz_score": {"en": "Score: {right} of {count}.", "zh": "得分：{right}/{count}。"},
    "quiz_where": {"en": "Where the kernel decided it:", "zh": "内核在这里做出的决定："},
    "quiz_bye": {"en": "Stopped. Score so far: {right} of {asked}.",
                 "zh": "已停止。目前得分：{right}/{asked}。"},
    "topic_open_mode": {"en": "file mappings and the open mode", "zh": "文件映射与打开模式"},
    "topic_file_checks": {"en": "append-only files, noexec mounts, READ_IMPLIES_EXEC",
                          "zh": "只追加文件、noexec 挂载与 READ_IMPLIES_EXEC"},
    "topic_arguments": {"en": "the gatekeeping in do_mmap", "zh": "do_mmap 的层层检查"},
    "topic_locking": {"en": "MAP_LOCKED and RLIMIT_MEMLOCK", "zh": "MAP_LOCKED 与 RLIMIT_MEMLOCK"},
    "topic_merge": {"en": "VMA merging", "zh": "VMA 合并"},
    "topic_address": {"en": "choosing an address", "zh": "选择映射地址"},
    "topic_populate": {"en": "pages present after mmap", "zh": "mmap 之后有几页已在内存"},
    "topic_accounting": {"en": "overcommit accounting", "zh": "内存提交（overcommit）记账"},
    "quiz_q_errno": {
        "en": "What does the mmap on line {line} return? Type the errno name (EACCES, EINVAL, "
              "...), or none if it succeeds.",
        "zh": "第 {line} 行的 mmap 返回什么？请输入错误码名称（EACCES、EINVAL……），调用成功则"
              "输入 none。"},
    "quiz_q_merge": {
        "en": "After line {line}, which VMA holds the new range?",
        "zh": "执行完第 {line} 行之后，新映射的区间落在哪个 VMA 里？"},
    "quiz_q_vma": {
        "en": "Which row does /proc/PID/maps show for the mapping of line {line}? Write "
              "START-END PERMS (hexadecimal, as maps prints it).",
        "zh": "第 {line} 行建立的映射，在 /proc/PID/maps 中是哪一行？请按 起始-结束 权限 的格式"
              "写（十六进制，与 maps 的输出一致）。"},
    "quiz_q_present": {
        "en": "Right after line {line}, how many pages of the new VMA have a present page-table "
              "entry (as pagemap counts them)?",
        "zh": "第 {line} 行执行完之后，新 VMA 中有多少页的页表项是 present 的（按 pagemap 的"
              "统计）？"},
    "quiz_q_rss": {
        "en": "Right after line {line}, what is the new VMA's Rss in smaps, in kB?",
        "zh": "第 {line} 行执行完之后，新 VMA 在 smaps 中的 Rss 是多少 kB？"},
    "quiz_q_committed": {
        "en": "How many pages does line {line} add to the kernel's committed memory "
              "(vm_committed_as, Committed_AS in /proc/meminfo)?",
        "zh": "第 {line} 行让内核的已提交内存（vm_committed_as，即 /proc/meminfo 的 "
              "Committed_AS）增加多少页？"},
}
