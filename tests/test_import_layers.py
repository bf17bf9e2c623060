"""Imports run downwards only: ui/'s layers (language ← server ← session ← draw), model/'s sub-packages (schema ←
… ← cli), and model/ never imports the page.

Read from the source with ``ast`` (nothing is imported), so an import inside a function counts as well.
"""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("language", "server", "session", "draw")  # from the bottom; app.py sits above them all
UI_MODULES = sorted((ROOT / "ui").rglob("*.py"))
MODEL_MODULES = sorted((ROOT / "model").rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every dotted name the module imports; ``from a import b`` gives both ``a`` and ``a.b`` (b may be a module)."""
    package = _name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1] if node.level else [])
            base = ".".join(part for part in (base, node.module or "") if part)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _layer(name: str) -> str | None:
    """The layer of a name under ``ui`` (its first sub-package), or None outside ui/ and for ``ui`` itself."""
    parts = name.split(".")
    return parts[1] if parts[0] == "ui" and len(parts) > 1 else None


def test_every_ui_module_sits_in_a_layer():
    loose = [_name(p) for p in UI_MODULES if _name(p) != "ui" and _layer(_name(p)) not in LAYERS]
    assert not loose, f"move into one of ui/{{{','.join(LAYERS)}}}/: {loose}"


def test_the_ui_package_describes_its_layers_from_the_bottom():
    doc = ast.get_docstring(ast.parse((ROOT / "ui" / "__init__.py").read_text(encoding="utf-8"))) or ""
    places = [doc.find(f"``{layer}/``") for layer in LAYERS]
    assert -1 not in places and places == sorted(places), doc


def _imports_above(path: Path, layer_of, layers: tuple[str, ...]) -> set[str]:
    """The names ``path`` imports from a layer above its own (a name in no listed layer of the package counts too)."""
    own = layer_of(_name(path))
    if own is None:
        return set()
    return {
        name
        for name in _imports(path)
        if layer_of(name) is not None
        and (layer_of(name) not in layers or layers.index(layer_of(name)) > layers.index(own))
    }


@pytest.mark.parametrize("path", UI_MODULES, ids=_name)
def test_a_ui_module_imports_only_from_its_own_layer_or_below(path):
    above = _imports_above(path, _layer, LAYERS)
    assert not above, f"{_name(path)} imports from a layer above its own: {sorted(above)}"


def test_ui_modules_import_one_another_without_cycles():
    modules = {_name(p): p for p in UI_MODULES}
    graph = {name: {n for n in _imports(path) if n in modules and n != name} for name, path in modules.items()}
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        pytest.fail(f"import cycle (a → b: a imports b): {' → '.join(reversed(exc.args[1]))}")


@pytest.mark.parametrize("path", MODEL_MODULES, ids=_name)
def test_the_model_never_imports_streamlit_or_the_page(path):
    page = {name for name in _imports(path) if name.split(".")[0] in ("streamlit", "ui")}
    assert not page, f"{_name(path)} imports {sorted(page)}"


MODEL_LAYERS = ("schema", "population", "engine", "io", "sweep", "analyses", "reports", "cli")  # from the bottom


def _model_layer(name: str) -> str | None:
    """The sub-package of a name under ``model`` (None outside it, and for ``model`` and ``model.__main__``)."""
    parts = name.split(".")
    return parts[1] if parts[0] == "model" and len(parts) > 1 and parts[1] in MODEL_LAYERS else None


def test_every_model_module_sits_in_a_sub_package():
    loose = [
        _name(p) for p in MODEL_MODULES if _name(p) not in ("model", "model.__main__") and not _model_layer(_name(p))
    ]
    assert not loose, f"move into one of model/{{{','.join(MODEL_LAYERS)}}}/: {loose}"


@pytest.mark.parametrize("path", MODEL_MODULES, ids=_name)
def test_a_model_module_imports_only_from_its_own_sub_package_or_below(path):
    """README's order: schema ← population ← engine ← io ← sweep ← analyses ← reports ← cli."""
    above = _imports_above(path, _model_layer, MODEL_LAYERS)
    assert not above, f"{_name(path)} imports from a sub-package above its own: {sorted(above)}"
