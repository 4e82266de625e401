"""Where the tests find the checkout and the sample data (the app finds them through its packages)."""

from __future__ import annotations

from pathlib import Path

from dashboard.app import SAMPLE_DIR, SAMPLE_WORKBOOK

REPO_ROOT = Path(__file__).resolve().parent.parent

__all__ = ["REPO_ROOT", "SAMPLE_DIR", "SAMPLE_WORKBOOK"]
