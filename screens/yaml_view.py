"""Any object as YAML, the way `kubectl get -o yaml` shows it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml
from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from hyptui.screens.text_lines import ScreenTitle


def object_yaml(obj: Mapping[str, Any]) -> str:
    # managedFields is noise for a person reading the object; kubectl hides it by default too
    metadata = {k: v for k, v in (obj.get("metadata") or {}).items() if k != "managedFields"}
    return yaml.safe_dump({**obj, "metadata": metadata}, sort_keys=False, default_flow_style=False, width=1000)


class YamlScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("q", "app.pop_screen", "Back", show=False)]

    def __init__(self, title: str, obj: Mapping[str, Any]) -> None:
        super().__init__()
        self._title = title
        self.yaml_text = object_yaml(obj)

    def compose(self) -> ComposeResult:
        yield ScreenTitle(f"YAML · {self._title}")
        with VerticalScroll():
            yield Static(Syntax(self.yaml_text, "yaml", theme="ansi_dark", background_color="default"), id="yaml")
        yield Footer()
