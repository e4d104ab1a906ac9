# SPDX-License-Identifier: GPL-2.0-only
"""The lab's panels, one module each; the screen feeds them StepViews."""
