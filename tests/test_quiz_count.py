# SPDX-License-Identifier: GPL-2.0-only
"""`mmaplab quiz --count K` asks 1 to MAX_COUNT problems; outside that it is a usage error."""

from __future__ import annotations

import pytest

from lab.cli import main
from lab.lessons.quiz import MAX_COUNT, generate_quiz


def test_a_count_above_the_maximum_is_a_usage_error_that_names_the_maximum(capsys):
    assert main(["quiz", "--count", str(MAX_COUNT + 1), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert f"at most {MAX_COUNT}" in err and str(MAX_COUNT + 1) in err


def test_a_huge_count_is_refused_at_once_in_chinese_too(capsys):
    assert main(["quiz", "--count", str(10**18), "--lang", "zh"]) == 2
    assert f"最多为 {MAX_COUNT}" in capsys.readouterr().err


def test_generate_quiz_refuses_a_count_past_the_maximum():
    with pytest.raises(ValueError, match="at most"):
        generate_quiz(7, MAX_COUNT + 1)
