"""Any object as YAML, the way `kubectl get -o yaml` shows it; `e` edits it as `kubectl edit` would."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from rich.syntax import Syntax
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from hyptui.edits.object_edit import editor_command, object_yaml, run_editor
from hyptui.hyperpod.kinds import ResourceKind
from hyptui.screens.shell.footer import KeyFooter
from hyptui.screens.shell.object_editor import ObjectEditorScreen, apply_edit
from hyptui.screens.shell.verb_bindings import bindings, is_mutating
from hyptui.screens.widgets.text_lines import ScreenTitle

if TYPE_CHECKING:
    from hyptui.screens.shell.app import HyptuiApp


class YamlScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("q", "app.pop_screen", "Back", show=False),
        *bindings("edit"),
    ]

    def __init__(self, title: str, obj: Mapping[str, Any], kind: ResourceKind | None = None) -> None:
        """`kind`: what to patch when the object is edited; None for a view that is read-only by nature."""
        super().__init__()
        self._title = title
        self._obj = obj
        self._kind = kind
        self.yaml_text = object_yaml(obj)

    @property
    def hyptui(self) -> HyptuiApp:
        return cast("HyptuiApp", self.app)

    def compose(self) -> ComposeResult:
        yield ScreenTitle(f"YAML · {self._title}")
        with VerticalScroll():
            yield Static(Syntax(self.yaml_text, "yaml", theme="ansi_dark", background_color="default"), id="yaml")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit" and self._kind is None:
            return False
        return not (self.hyptui.readonly and is_mutating(action))

    async def action_edit(self) -> None:
        """$VISUAL/$EDITOR when the terminal can be handed over, else the in-app editor; an edit the editor left
        unsendable opens in the in-app editor with the reason, so nothing typed is lost."""
        assert self._kind is not None
        command = editor_command()
        if command is not None:
            try:
                with self.app.suspend():
                    edited = run_editor(command, self.yaml_text)
            except SuspendNotSupported:  # e.g. under `hyptui serve`: there is no terminal to hand over
                self.notify(f"{command[0]} needs a terminal hyptui can hand over; editing here instead", timeout=6)
            else:
                problem = await apply_edit(self.hyptui, self._kind, self._obj, edited)
                if problem is None:
                    self.app.pop_screen()
                else:
                    self.app.push_screen(ObjectEditorScreen(self._kind, self._obj, edited, problem))
                return
        self.app.push_screen(ObjectEditorScreen(self._kind, self._obj, self.yaml_text))
