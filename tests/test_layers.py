"""The package's floors: each stage imports only the stages below it, and nothing imports in a loop.

Read from the source with `ast`, so a function-level import counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "rag"

# Lowest first. A module may import its own floor and the floors below it.
FLOORS = [
    {"rag.errors", "rag.jsonl", "rag.limits"},
    {"rag.text"},
    {"rag.ingest"},
    {"rag.index"},
    {"rag.search"},
    {"rag.answers"},
    {"rag.register"},
    {"rag.feedback", "rag.dossier"},
    {"rag.config"},
    {"rag.build"},
    {"rag.assistant", "rag.integrity"},
    {"rag.web", "rag.devtools"},
    {"rag.cli", "rag.__main__", "rag"},
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "rag":
            if node.module == "rag":
                found |= {f"rag.{alias.name}" for alias in node.names}
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "rag"}
    return found


GRAPH = {module_name(p): imports_of(p) - {module_name(p)} for p in sorted(PACKAGE.rglob("*.py"))}


def floor_of(module: str) -> int:
    for level, owners in enumerate(FLOORS):
        if any(module == owner or module.startswith(owner + ".") for owner in owners if owner != "rag"):
            return level
    if module == "rag":
        return len(FLOORS) - 1
    raise AssertionError(f"{module} belongs to no floor: add it to FLOORS")


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_a_module_imports_only_its_floor_and_below(module):
    upward = sorted(dep for dep in GRAPH[module] if dep in GRAPH and floor_of(dep) > floor_of(module))
    assert not upward, f"{module} imports from a higher floor: {upward}"


def test_no_module_imports_itself_back_through_others():
    def reachable(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for dep in GRAPH.get(todo.pop(), ()):
                if dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return seen

    loops = sorted(m for m in GRAPH if m in reachable(m))
    assert not loops, f"import loops through: {loops}"


def test_every_stage_says_what_it_owns_and_may_import():
    for folder in sorted(p for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("_")):
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "May import" in doc, f"rag/{folder.name}/__init__.py must say what it owns and may import"


def test_the_reference_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from rag.index import store\n    import rag.search.retrieval\n")
    assert imports_of(sample) == {"rag.index", "rag.search.retrieval"}
