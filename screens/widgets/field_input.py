"""One config.yaml field in a form: its name, an input that suits its type, its description and its messages.

Values are typed in config.yaml's own syntax (a list as `- item` lines, a dict as `{'KEY': 'value'}`) and read back
by the config engine's parser, so the form accepts and refuses exactly what the file would."""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, Switch, TextArea

from hyptui.hyp_configs.config_file import ConfigFileError, parse_config_text
from hyptui.hyp_configs.registry import ConfigField
from hyptui.hyp_configs.validation import FieldMessage

EDITOR_CHANGES = (Input.Changed, Select.Changed, Switch.Changed, TextArea.Changed)


def field_kind(annotation: Any) -> str:
    """ "switch" for booleans, "block" for lists and dicts (several lines of YAML), "text" for the rest."""
    args = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else (annotation,)
    kinds = [typing.get_origin(arg) or arg for arg in args if arg is not type(None)]
    if kinds == [bool]:
        return "switch"
    if any(kind in (list, dict) for kind in kinds):
        return "block"
    return "text"


def value_text(value: Any) -> str:
    """A value as config.yaml shows it after `key:` (lists as `- item` lines, without the file's indent)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join("- " + _item_text(item) for item in value) or "[]"
    return str(value)


def _item_text(item: Any) -> str:
    if isinstance(item, dict):  # a volume: hyp writes its keys as an indented block
        return "\n  ".join(f"{key}: {value}" for key, value in item.items())
    return str(item)


def parse_value(name: str, text: str) -> Any:
    """What config.yaml would hold for `name: <text>`; ConfigFileError when that is not YAML."""
    body = "".join(f"  {line}\n" for line in text.splitlines())
    _, _, values = parse_config_text(f"{name}:\n{body}")
    return values.get(name)


class FieldRow(Vertical):
    """Posts `FieldRow.Edited` when the user changes the value; `set_value` changes it without a message."""

    class Edited(Message):
        def __init__(self, row: FieldRow) -> None:
            super().__init__()
            self.row = row

    def __init__(
        self,
        field: ConfigField,
        value: Any,
        *,
        options: Sequence[str] | None = None,
        suggestions: Sequence[str] = (),
    ) -> None:
        super().__init__(id=f"row-{field.name}", classes="field-row")
        self.field = field
        self.kind = "picker" if options is not None else field_kind(field.annotation)
        self.value: Any = value
        self.problem: str | None = None  # why the typed text is not YAML
        self.touched = False  # edited by the user: its messages show before the first validate
        self._shown = Text()
        self._options = tuple(options or ())
        self._suggestions = tuple(suggestions)

    def compose(self) -> ComposeResult:
        name = self.field.name + (" *" if self.field.required else "")
        yield Label(name, classes="field-name")
        yield self._editor()
        if self.field.description:
            yield Static(self.field.description, classes="field-description", markup=False)
        yield Static("", classes="field-message")

    def _editor(self) -> Widget:
        editor_id = f"field-{self.field.name}"
        if self.kind == "switch":
            return Switch(bool(self.value), id=editor_id)
        if self.kind == "picker":
            return Select(
                self._select_options(), value=self._select_value(), prompt="(not set)", id=editor_id, compact=True
            )
        if self.kind == "block":
            return TextArea(value_text(self.value), id=editor_id, soft_wrap=False, compact=True)
        suggester = SuggestFromList(self._suggestions, case_sensitive=True) if self._suggestions else None
        return Input(value_text(self.value), id=editor_id, suggester=suggester, compact=True)

    @property
    def editor(self) -> Widget:
        return self.query_one(f"#field-{self.field.name}")

    def _select_options(self) -> list[tuple[str, str]]:
        current = value_text(self.value)
        choices = list(self._options) + ([current] if current and current not in self._options else [])
        return [(choice, choice) for choice in choices]

    def _select_value(self) -> str | Any:
        return value_text(self.value) or Select.NULL

    def set_value(self, value: Any) -> None:
        self.value, self.problem = value, None
        editor = self.editor
        with self.prevent(*EDITOR_CHANGES):
            if isinstance(editor, Switch):
                editor.value = bool(value)
            elif isinstance(editor, Select):
                editor.set_options(self._select_options())
                editor.value = self._select_value()
            elif isinstance(editor, TextArea):
                editor.load_text(value_text(value))
            elif isinstance(editor, Input):
                editor.value = value_text(value)

    def set_options(self, options: Sequence[str]) -> None:
        """New picker choices from the cluster; the chosen value stays."""
        if self.kind != "picker" or tuple(options) == self._options:
            return
        self._options = tuple(options)
        self.set_value(self.value)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(Switch.Changed)
    def _edited(self, event: Message) -> None:
        event.stop()
        self.touched = True
        editor = self.editor
        if isinstance(editor, Switch):
            self.value, self.problem = editor.value, None
        else:
            text = "" if isinstance(editor, Select) and editor.value is Select.NULL else self._editor_text(editor)
            try:
                self.value, self.problem = parse_value(self.field.name, text), None
            except ConfigFileError as error:
                self.problem = str(error)
        self.post_message(self.Edited(self))

    @staticmethod
    def _editor_text(editor: Widget) -> str:
        if isinstance(editor, Select):
            return str(editor.value)
        if isinstance(editor, TextArea):
            return editor.text
        return editor.value if isinstance(editor, Input) else ""

    def show_messages(self, messages: Sequence[FieldMessage]) -> None:
        """The engine's messages for this field (hyp's `loc: message`), or why the text does not parse."""
        lines = Text()
        if self.problem:
            lines.append(f"✗ {self.problem}", style="bold")
        for message in messages:
            if lines:
                lines.append("\n")
            mark = "!" if message.severity == "warning" else "✗"
            source = "" if message.source == "hyp" else f" ({message.source})"
            lines.append(f"{mark} {message}{source}")
        errors = bool(self.problem) or any(m.severity == "error" for m in messages)
        self.set_class(errors, "-invalid")
        self.set_class(bool(messages) and not errors, "-warning")
        if lines != self._shown:  # an update re-lays out the whole form; most keystrokes change no message
            self._shown = lines
            self.query_one(".field-message", Static).update(lines)
