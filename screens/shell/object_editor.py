"""Editing an object from hyptui, as `kubectl edit` does: in $VISUAL/$EDITOR when the terminal can be handed over,
otherwise (or to fix what the editor left unsendable) in this in-app editor. What was typed is never thrown away: a
parse error, a forbidden change or a refusal from the API server keeps the text here with the reason above it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import TextArea

from hyptui.edits.object_edit import EditError, edit_patch
from hyptui.hyperpod.kinds import ResourceKind
from hyptui.screens.shell.footer import KeyFooter
from hyptui.screens.shell.verb_bindings import bindings, is_mutating
from hyptui.screens.widgets.text_lines import ScreenTitle, StatusLine

if TYPE_CHECKING:
    from hyptui.screens.shell.app import HyptuiApp


def _where(kind: ResourceKind, obj: Mapping[str, Any]) -> str:
    metadata = obj.get("metadata") or {}
    namespace = metadata.get("namespace")
    return f"{kind.kind} {namespace}/{metadata.get('name')}" if namespace else f"{kind.kind} {metadata.get('name')}"


async def apply_edit(app: HyptuiApp, kind: ResourceKind, original: Mapping[str, Any], text: str) -> str | None:
    """Send what changed as a merge patch; the reason it could not be sent, or None once the server took it."""
    try:
        patch = edit_patch(original, text)
    except EditError as error:
        return str(error)
    metadata = original.get("metadata") or {}
    if not patch:
        app.notify(f"{_where(kind, original)}: nothing changed, nothing sent")
        return None
    try:
        await app.gateway.merge_patch(kind, metadata.get("namespace"), str(metadata.get("name")), patch)
    except Exception as error:  # the API server's reason is what the user needs
        return f"the API server refused it: {error}"
    app.notify(f"Edited {_where(kind, original)}")
    return None


class ObjectEditorScreen(Screen):
    BINDINGS = [*bindings("apply_edit", "back")]

    def __init__(self, kind: ResourceKind, original: Mapping[str, Any], text: str, problem: str = "") -> None:
        super().__init__()
        self._kind = kind
        self._original = original
        self._text = text
        self._problem = problem

    @property
    def hyptui(self) -> HyptuiApp:
        return cast("HyptuiApp", self.app)

    def compose(self) -> ComposeResult:
        yield ScreenTitle(f"Edit · {_where(self._kind, self._original)}")
        yield TextArea(self._text, id="editor", show_line_numbers=True)
        yield StatusLine(self._problem or "ctrl+s sends what you changed as a merge patch; esc leaves", id="problem")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(StatusLine).set_class(bool(self._problem), "-error")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (self.hyptui.readonly and is_mutating(action))

    @property
    def text(self) -> str:
        return self.query_one("#editor", TextArea).text

    async def action_apply_edit(self) -> None:
        problem = await apply_edit(self.hyptui, self._kind, self._original, self.text)
        if problem is None:
            self.app.pop_screen()
            return
        status = self.query_one(StatusLine)
        status.update(problem)
        status.add_class("-error")

    def action_back(self) -> None:
        from hyptui.screens.shell.confirm import ConfirmModal

        if self.text == self._text and not self._problem:
            self.app.pop_screen()
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.app.pop_screen()

        self.app.push_screen(ConfirmModal("Leave without sending your edits?", "Leave"), answered)
