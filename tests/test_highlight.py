# SPDX-License-Identifier: GPL-2.0-only
"""Kernel C is highlighted with tree-sitter-c's own query; every capture has a colour."""

import pytest

from lab.source.highlight import PALETTES, capture_names, capture_styles, highlight_c


@pytest.mark.parametrize("palette", sorted(PALETTES))
def test_every_capture_of_the_c_query_has_a_style(palette):
    names = capture_names()
    assert {"constant", "function.special", "label", "property", "function"} <= names
    assert names <= set(capture_styles(palette))


def _style_at(line, needle):
    col = line.plain.index(needle)
    return [str(span.style) for span in line.spans if span.start <= col < span.end]


def test_kernel_idioms_get_the_colours_of_their_captures():
    text = ("unsigned long f(struct vm_area_struct *vma)\n{\n"
            "\tif (IS_ERR_VALUE(addr))\n\t\tgoto out;\n"
            "\tvma->vm_flags |= VM_SOFTDIRTY;\nout:\n\treturn 0;\n}\n"
            "#define PAGE_ALIGN(addr) ALIGN(addr, PAGE_SIZE)\n")
    lines = highlight_c(text)
    styles = capture_styles()
    assert _style_at(lines[2], "IS_ERR_VALUE")[-1] == str(styles["function"])
    assert _style_at(lines[8], "PAGE_ALIGN")[-1] == str(styles["function.special"])
    assert _style_at(lines[4], "vm_flags")[-1] == str(styles["property"])
    assert _style_at(lines[4], "VM_SOFTDIRTY")[-1] == str(styles["constant"])
    assert _style_at(lines[5], "out")[-1] == str(styles["label"])
    assert _style_at(lines[6], "return")[-1] == str(styles["keyword"])


def test_tabs_expand_to_the_kernels_eight_columns():
    lines = highlight_c("int f(void)\n{\n\treturn 0;\n}\n")
    assert lines[2].plain == "        return 0;"
    assert len(lines) == 4
