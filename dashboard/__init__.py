"""Feltkart: an interactive map dashboard for municipal youth outreach teams."""

from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
__version__ = "0.1.0"
