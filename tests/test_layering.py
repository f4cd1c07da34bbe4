"""Who may import whom: stats is pure; web layers go through services."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pollservice"
STATS_ALLOWED = {"numpy", "pandas", "scipy", "statsmodels", "__future__", "dataclasses",
                 "typing", "math", "collections", "functools", "datetime", "warnings",
                 "itertools", "enum", "numbers", "abc", "operator", "collections.abc",
                 "hashlib", "threading"}  # the fit memo: content hash and its lock, no I/O


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import
                names.add("." * node.level + (node.module or ""))
            else:
                names.add(node.module or "")
    return names


def test_stats_imports_only_numeric_libraries_and_itself():
    for path in (PACKAGE / "stats").rglob("*.py"):
        for name in imports_of(path):
            top = name.split(".")[0]
            if name.startswith("."):
                assert not name.startswith(".."), f"{path.name} reaches outside stats: {name}"
                continue
            assert top in STATS_ALLOWED or name in STATS_ALLOWED, f"{path.name} imports {name}"


def test_charts_import_no_flask_and_no_database():
    files = sorted((PACKAGE / "render").rglob("*.py"))
    assert files, "the renderer lives in pollservice/render/"
    for path in files:
        for name in imports_of(path):
            assert name.split(".")[0] not in {"flask", "sqlalchemy", "flask_sqlalchemy"}, (path.name, name)
            if name.startswith("."):  # relative: only within render/
                assert not name.startswith(".."), f"{path.name} reaches outside render: {name}"
            else:
                inside = name == "pollservice.render" or name.startswith("pollservice.render.")
                assert name.split(".")[0] != "pollservice" or inside, f"{path.name} imports {name}"


def names_imported_from(path: Path, module: str) -> set[str]:
    """The names a file takes from one relative module (``..extensions`` -> level 2)."""
    level = len(module) - len(module.lstrip("."))
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == level and node.module == module.lstrip("."):
            names.update(alias.name for alias in node.names)
    return names


def test_views_do_not_query_the_database_directly():
    for folder in ("api", "web", "admin"):
        for path in (PACKAGE / folder).rglob("*.py"):
            names = imports_of(path)
            assert "sqlalchemy" not in {n.split(".")[0] for n in names}, path
            from_extensions = names_imported_from(path, "..extensions")
            assert "db" not in from_extensions, f"{path} uses the session; call a service"
