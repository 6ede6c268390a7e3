"""The package's layers import downwards only: a lower layer never imports a higher one."""

from __future__ import annotations

import ast
from pathlib import Path

import sourcebias

PACKAGE = Path(sourcebias.__file__).parent

#: The layers, lowest first; the ground floor (contract, configuration, checks) is layer 0.
LAYERS = ("ground", "read", "segment", "annotate", "stats", "figures", "run", "cli")
GROUND = {"tables", "config", "checks", "files", "__init__"}


def _layer(module: str) -> int:
    """The layer of a dotted module path relative to the package."""
    top = module.split(".")[0]
    if top in GROUND:
        return 0
    return LAYERS.index(top)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of the package in a source file, lazy ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] if node.module != "sourcebias" else [
                f"sourcebias.{alias.name}" for alias in node.names]
            found += [(node.lineno, name) for name in names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return [(line, name.removeprefix("sourcebias.")) for line, name in found
            if name.startswith("sourcebias.")]


def test_every_module_belongs_to_a_layer():
    for path in PACKAGE.rglob("*.py"):
        module = path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".")
        assert module.split(".")[0] in GROUND | set(LAYERS), module


def test_no_module_imports_a_higher_layer():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__init__.py" and path.parent == PACKAGE:
            continue  # the top-level names: a lazy index of every layer
        module = path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".")
        for line, imported in _imports(path):
            if imported in {"__version__"} or imported.split(".")[0] not in GROUND | set(LAYERS):
                continue
            if _layer(imported) > _layer(module):
                upward.append(f"{module}:{line} imports {imported}")
    assert not upward, "\n".join(upward)
