"""``pollservice.stats`` is pure: numpy, pandas, scipy, statsmodels and the standard library."""

import ast
import sys
from pathlib import Path

import pollservice.stats

ALLOWED = {"numpy", "pandas", "scipy", "statsmodels"}
STATS_DIR = Path(pollservice.stats.__file__).parent


def _imports(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


def test_stats_imports_only_numeric_libraries_and_itself():
    for path in STATS_DIR.glob("*.py"):
        for module in _imports(path):
            top = module.split(".")[0]
            assert top in ALLOWED or top in sys.stdlib_module_names, (path.name, module)
            assert module != "statsmodels.api", (path.name, "import submodules instead")
