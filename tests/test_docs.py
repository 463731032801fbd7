"""The front door stays a front door: README.md short, its links alive, its tour's commands real
(the pages under docs/ are checked by `mkdocs build --strict` in .ci/run)."""

from __future__ import annotations

import re
from pathlib import Path

from rag.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_is_at_most_250_lines():
    assert len(README.splitlines()) <= 250


def test_every_link_of_the_readme_leads_to_a_file_of_the_repository():
    targets = [t for t in re.findall(r"\]\(([^)#]+)\)", README) if not t.startswith("http")]
    assert len(targets) > 10
    assert [t for t in targets if not (ROOT / t).exists()] == []


def test_the_tours_commands_are_the_clis():
    used = set(re.findall(r"\.venv/bin/rag (\w[\w-]*)", README))
    assert used >= {"build", "ask", "check", "partnerships", "eval"}
    assert used <= set(cli.commands)
