"""Every package in the source tree is in the distribution: an editable install hides a missing one, a wheel not."""

from __future__ import annotations

import tomllib

from tests.paths import REPO


def test_every_package_is_listed_in_pyproject() -> None:
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    found = set()
    for name, folder in setuptools["package-dir"].items():
        for init in (REPO / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(REPO / folder)
            if not any(part.startswith((".", "__")) for part in relative.parts):
                found.add(".".join((name, *relative.parts)))
    assert found - listed == set(), "packages missing from pyproject.toml's [tool.setuptools] packages"
