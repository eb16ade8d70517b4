"""The web framework stays in sopdoc/web: the library and the CLI never import it."""
import ast
from pathlib import Path

import sopdoc

WEB_ONLY = {"starlette", "uvicorn", "python_multipart", "multipart", "itsdangerous", "httpx"}
ROOT = Path(sopdoc.__file__).parent


def imported_modules(path: Path) -> set:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_sopdoc_web_imports_the_web_framework():
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & WEB_ONLY)
        for path in ROOT.rglob("*.py")
        if "web" not in path.relative_to(ROOT).parts[:1]
    }
    assert {k: v for k, v in offenders.items() if v} == {}
