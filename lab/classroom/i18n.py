# SPDX-License-Identifier: GPL-2.0-only
"""The classroom's words in English and Simplified Chinese: the class line under the status
bar, the notices, and the detach key.

Kept apart from lab.tui.i18n so that the links stay free of Textual; the app's catalog test
holds this one to both languages and the same placeholders too. A session's name is the
instructor's word and is shown as given.
"""

from __future__ import annotations

__all__ = ["MESSAGES", "t"]


def t(key: str, lang: str = "en", /, **params: object) -> str:
    """The classroom message `key` in `lang` (English if the language is unknown)."""
    entry = MESSAGES[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**params) if params else text


MESSAGES: dict[str, dict[str, str]] = {
    # -- the student's class line ---------------------------------------------------------------
    "class_waiting": {"en": "class {name}: waiting for the instructor",
                      "zh": "课堂 {name}：等待讲师"},
    "class_ended": {"en": "class {name}: the instructor has left (last{where}); you keep "
                          "this state",
                    "zh": "课堂 {name}：讲师已离开（最后{where}）；当前状态保留"},
    "class_lost": {"en": "class {name}: connection lost (instructor was{where}); "
                         "reconnecting",
                   "zh": "课堂 {name}：连接中断（讲师当时{where}）；正在重连"},
    "class_following": {"en": "class {name}: instructor{where} · following ({key} detaches)",
                        "zh": "课堂 {name}：讲师{where} · 跟随中（按 {key} 脱离）"},
    "class_detached": {"en": "class {name}: instructor{where} · detached: explore; {key} "
                             "rejoins",
                       "zh": "课堂 {name}：讲师{where} · 已脱离：自由探索；按 {key} 回到讲师"},
    "class_at": {"en": " at {step}", "zh": "在 {step}"},
    "class_position": {"en": "statement {statement}, step {step}",
                       "zh": "第 {statement} 条语句，第 {step} 步"},
    "class_step": {"en": "step {n}/{count}", "zh": "第 {n}/{count} 步"},
    "class_at_end": {"en": " (end)", "zh": "（结束）"},
    # -- the instructor's class line ------------------------------------------------------------
    "class_teaching_one": {"en": "teaching {name}: {n} student following",
                           "zh": "正在讲授 {name}：{n} 名学生跟随"},
    "class_teaching": {"en": "teaching {name}: {n} students following",
                       "zh": "正在讲授 {name}：{n} 名学生跟随"},
    "class_not_sent": {"en": " · NOT SENT: {error}", "zh": " · 未发送：{error}"},
    # -- notices --------------------------------------------------------------------------------
    "class_title": {"en": "Class", "zh": "课堂"},
    "class_detached_notice": {"en": "detached from {name}: explore freely; {key} rejoins",
                              "zh": "已脱离 {name}：可自由探索；按 {key} 回到讲师"},
    "class_left_notice": {"en": "the instructor has left {name}: you keep this state",
                          "zh": "讲师已离开 {name}：当前状态保留"},
    "class_lost_notice": {"en": "lost the connection to {name}: reconnecting",
                          "zh": "与 {name} 的连接中断：正在重连"},
    "class_cannot_replay": {"en": "cannot replay the scenario: {error}",
                            "zh": "无法重放场景：{error}"},
    # -- the detach key -------------------------------------------------------------------------
    "key_class_toggle": {"en": "Detach/Rejoin", "zh": "脱离/回到"},
}
