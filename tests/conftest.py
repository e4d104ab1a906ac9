# SPDX-License-Identifier: GPL-2.0-only
import pytest

from lab.source.cindex import default_index


@pytest.fixture(scope="session")
def cindex():
    return default_index()
