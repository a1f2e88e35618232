"""The layers point down and no module imports itself round a circle (STYLE.md 13): read from
the source with `ast`, so a new upward import or cycle fails here, wherever it hides (imports
inside functions included: a lazy import is still a dependency)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("agreements", "bilateral")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def imports_of(name: str, path: Path, modules) -> set[str]:
    """The project's modules that `name` imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1]])
                base = f"{base}.{node.module}" if node.module else base
            # `from agreements.lists import paging` imports the module agreements.lists.paging.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        found.update(target for target in targets if target in modules and target != name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def layer(name: str) -> str:
    for prefix in ("agreements.models", "agreements.lists", "agreements.api"):
        if name == prefix or name.startswith(prefix + "."):
            return prefix
    return name


def test_nothing_outside_the_api_imports_from_it():
    upward = sorted(
        (name, target)
        for name, targets in import_graph().items()
        if layer(name) != "agreements.api"
        for target in targets
        if layer(target) == "agreements.api"
    )

    assert upward == []


def test_models_import_only_models_and_lists_only_models():
    allowed = {
        "agreements.models": {"agreements.models"},
        "agreements.lists": {"agreements.models", "agreements.lists"},
    }
    upward = sorted(
        (name, target)
        for name, targets in import_graph().items()
        if layer(name) in allowed
        for target in targets
        if layer(target) not in allowed[layer(name)]
    )

    assert upward == []


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each circle of imports found by a depth-first walk, as the modules round it."""
    cycles, state = [], {}

    def visit(name, path):
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    return cycles


def test_no_import_cycle():
    assert find_cycles(import_graph()) == []


def test_the_walk_finds_a_cycle_and_a_lazy_import(tmp_path):
    """The checks above can fail: a circle is found, and an import inside a function counts."""
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from agreements.api import views\n")
    modules = project_modules()
    assert imports_of("agreements.models.lazy", module, modules) == {"agreements.api.views"}
