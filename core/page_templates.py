"""Where the page skeleton the staff's web pages share lives (templates/staff_page.html).

The centre console (hub/console) and the ministry's dashboard (central) may share no code with
each other (tests/test_layers.py), but both draw from core: each Jinja environment looks in its
own folder first, then here, so `{% extends "staff_page.html" %}` finds the one skeleton.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader

TEMPLATES = Path(__file__).resolve().parent / "templates"


def with_shared_pages(folder: Path) -> BaseLoader:
    """A loader for `folder`'s templates that also finds the shared skeleton."""
    return ChoiceLoader([FileSystemLoader(str(folder)), FileSystemLoader(str(TEMPLATES))])
