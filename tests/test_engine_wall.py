"""The engine (everything under hyptui/ except the installed screens and themes) never imports Textual or its
sibling packages (textual_serve, ...), and never names the UI package: not in an import, not in a string that
importlib could load, not in a comment that sends a reader there."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "hyptui"


def _textual_family(module: str) -> bool:
    return module.split(".")[0].startswith("textual")  # textual, textual_serve, ...


def _engine_modules() -> list[str]:
    modules = []
    for path in sorted(ENGINE.rglob("*.py")):
        parts = path.relative_to(ENGINE.parent).with_suffix("").parts
        if parts[-1] == "__main__":
            continue
        modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return modules


def test_no_engine_file_mentions_textual_in_an_import() -> None:
    offenders = []
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ENGINE.parent)}: {name}" for name in names if _textual_family(name)]
    assert offenders == []


def test_no_engine_file_names_the_ui_package() -> None:
    offenders = [
        f"{path.relative_to(ENGINE.parent)}:{number}"
        for path in sorted(ENGINE.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "hyptui.screens" in line
    ]
    assert offenders == []


def test_importing_every_engine_module_leaves_textual_unloaded() -> None:
    modules = _engine_modules()
    assert "hyptui.store.store" in modules and "hyptui.sim.cluster" in modules
    imports = "".join(f"import {m}\n" for m in modules)
    script = f"import sys\n{imports}print(sorted({{name.split('.')[0] for name in sys.modules}}))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = ast.literal_eval(result.stdout)
    assert [name for name in loaded if _textual_family(name)] == [], result.stderr
