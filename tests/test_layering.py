"""Who may import whom: stats is pure; web layers go through services."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pollservice"
STATS_ALLOWED = {"numpy", "pandas", "scipy", "statsmodels", "__future__", "dataclasses",
                 "typing", "math", "collections", "functools", "datetime", "warnings",
                 "itertools", "enum", "numbers", "abc", "operator", "collections.abc"}


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


IMPORT_LAYERS = ["rows", "formats", "stored", "validation", "matching", "race_results", "target_questions",
                 "planner", "writer", "__init__"]


def test_import_package_modules_import_only_the_layers_below_them():
    """services/imports has no cycle: the readers see only rows, the planner never the writer."""
    package = PACKAGE / "services" / "imports"
    for path in package.rglob("*.py"):
        layer = "formats" if path.parent.name == "formats" else path.stem
        in_package_level = 2 if layer == "formats" else 1  # ``from .x`` / ``from ..x``
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.ImportFrom) and node.level == in_package_level):
                continue
            targets = [node.module.split(".")[0]] if node.module else [a.name for a in node.names]
            for target in targets:
                assert target in IMPORT_LAYERS, f"{path.name} imports {target}"
                assert IMPORT_LAYERS.index(target) < IMPORT_LAYERS.index(layer), (
                    f"{path.relative_to(package)} imports {target}, a layer above it")


# --- the architecture as a whole ---------------------------------------------------------

MAX_FUNCTION_LINES = 60


def module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if is_package else parts), is_package


MODULES = {module_name(path)[0]: path for path in PACKAGE.rglob("*.py")}


def pollservice_imports(path: Path, nodes=None) -> set[str]:
    """The pollservice modules a file imports (``from . import x`` names module ``x``)."""
    name, is_package = module_name(path)
    found = set()
    for node in nodes if nodes is not None else ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in MODULES)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
    return {module for module in found if module in MODULES and module != name}


def test_no_import_cycles_among_pollservice_modules():
    graph = {name: pollservice_imports(path) for name, path in MODULES.items()}
    cycles = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for imported in sorted(graph[module]):
            if state.get(imported) == 1:
                cycles.append(path[path.index(imported):] + [imported])
            elif imported not in state:
                visit(imported, [*path, imported])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_the_import_walk_sees_the_edges():
    """The cycle test cannot pass for want of edges: a view imports its blueprint module,
    a service another service, and the walk finds both."""
    assert "pollservice.admin.blueprint" in pollservice_imports(MODULES["pollservice.admin.auth"])
    assert "pollservice.services.questions" in pollservice_imports(MODULES["pollservice.services.polls"])


def functions(tree: ast.AST):
    return [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_no_function_or_method_is_longer_than_60_lines():
    long = [f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name} ({length})"
            for path in MODULES.values() for node in functions(ast.parse(path.read_text()))
            if (length := node.end_lineno - node.lineno + 1) > MAX_FUNCTION_LINES]
    assert not long, "\n".join(long)


def test_pollservice_modules_are_imported_at_the_top_except_by_the_app_factory():
    """An import inside a function is how a cycle hides. The factory (``create_app``)
    imports its blueprints, extensions and commands when it builds an app, as Flask's
    tutorial does, so that ``import pollservice.stats`` loads no views."""
    inner = []
    for name, path in MODULES.items():
        if name == "pollservice":
            continue
        for function in functions(ast.parse(path.read_text())):
            for imported in pollservice_imports(path, ast.walk(function)):
                inner.append(f"{path.relative_to(PACKAGE.parent)}:{function.name} imports {imported}")
    assert not inner, "\n".join(inner)
