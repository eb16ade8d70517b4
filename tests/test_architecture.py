"""The layout holds: no import cycle inside sopdoc, click only in the CLI, the web framework only in
the web package, and plugins that use nothing of sopdoc but its public plugin API."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sopdoc"
PLUGINS = ROOT / "plugins"
# The portal's framework, its server and what they bring along.
WEB_FRAMEWORKS = {"starlette", "uvicorn", "multipart", "python_multipart", "itsdangerous", "httpx"}
PLUGIN_API = ("sopdoc", "sopdoc.formkit")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list:
    """(imported module, line) for every import in the file, in functions too. `from a import b`
    names the module a.b when that is a module of sopdoc, else a."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: within the same package
                found.append(("." * node.level + (node.module or ""), node.lineno))
                continue
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.append((candidate if _is_module(candidate) else node.module, node.lineno))
    return found


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def sopdoc_modules() -> dict:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def test_no_import_cycle_inside_sopdoc():
    modules = sopdoc_modules()
    graph = {name: sorted({m for m, _ in imports(path) if m in modules and m != name})
             for name, path in modules.items()}
    cycles = []
    state = {}  # name -> "open" while on the path, "done" once all it reaches is explored

    def visit(name, path):
        state[name] = "open"
        for dependency in graph[name]:
            if state.get(dependency) == "open":
                cycles.append(path[path.index(dependency):] + [dependency])
            elif dependency not in state:
                visit(dependency, path + [dependency])
        state[name] = "done"

    for name in graph:
        if name not in state:
            visit(name, [name])
    assert cycles == [], "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_click_only_in_the_cli_and_the_web_framework_only_in_the_web_package():
    misplaced = []
    for name, path in sopdoc_modules().items():
        for module, line in imports(path):
            top = module.split(".")[0]
            if top == "click" and not name.startswith("sopdoc.cli"):
                misplaced.append(f"{name}:{line} imports click")
            if top in WEB_FRAMEWORKS and not name.startswith("sopdoc.web"):
                misplaced.append(f"{name}:{line} imports {module}")
    assert misplaced == []


def test_plugins_import_only_the_public_plugin_api():
    reaching = []
    for path in sorted(PLUGINS.glob("*.py")):
        for module, line in imports(path):
            if module.split(".")[0] != "sopdoc":
                continue
            if module not in PLUGIN_API and not module.startswith("sopdoc.formkit."):
                reaching.append(f"{path.name}:{line} imports {module}")
    assert reaching == []


def test_no_test_module_imports_conftest():
    """Shared builders live in helper modules (testdata, excelforms ...); conftest only holds fixtures."""
    importing = [f"{path.name}:{line}" for path in sorted((ROOT / "tests").glob("*.py"))
                 for module, line in imports(path) if module.split(".")[-1] == "conftest"]
    assert importing == []


def test_the_walk_sees_imports_in_functions_and_resolves_submodules(tmp_path):
    source = tmp_path / "probe.py"
    source.write_text("def f():\n    import click\nfrom sopdoc.outputs import recap\nfrom sopdoc import CRITERIA\n")
    assert imports(source) == [("sopdoc.outputs.recap", 3), ("sopdoc", 4), ("click", 2)]
