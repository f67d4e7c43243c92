"""Textual bindings made from hyptui's verb table, so keys, footer, help and palette all come from one place and a
user's keymap (by verb id) reaches every screen."""

from __future__ import annotations

from textual.binding import Binding

from hyptui.views.sections import SECTIONS, Section
from hyptui.views.verbs import VERBS, Verb


def _binding(verb: Verb, action: str) -> Binding:
    return Binding(verb.keys, action, verb.description, show=verb.show, key_display=verb.key_display, id=verb.id)


def bindings(*verb_ids: str) -> list[Binding]:
    """Bindings whose action is the verb id: a screen answers to verb `x` with `action_x`."""
    return [_binding(VERBS[verb_id], verb_id) for verb_id in verb_ids]


def open_section(section: Section) -> str:
    """The app's action that shows a section."""
    return f"open_section({section.id!r})"


def section_bindings() -> list[Binding]:
    """One binding per section, in the table's order, each running its `open_section` under its verb's id."""
    return [_binding(VERBS[section.verb_id], open_section(section)) for section in SECTIONS.values()]


def is_mutating(action: str) -> bool:
    verb = VERBS.get(action)
    return verb is not None and verb.mutating
