"""Template hygiene: a page's <title> and <head> blocks hold only what belongs there."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(p for p in ROOT.rglob("*.html") if ".venv" not in p.parts and "var" not in p.parts)
BLOCK = re.compile(r"{%\s*block\s+(title|head)\s*%}(.*?){%\s*endblock\s*%}", re.S)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_title_and_head_blocks_hold_no_page_content(path):
    for name, body in BLOCK.findall(path.read_text()):
        if name == "title":
            assert "<" not in body, f"{name} block holds markup: {body[:80]!r}"
        else:
            assert not re.search(r"<(h\d|div|table|p|ul|form)\b", body), f"head block holds page content: {body[:80]!r}"
