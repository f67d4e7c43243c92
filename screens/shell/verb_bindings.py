"""Textual bindings made from hyptui's verb table, so keys, footer, help and palette all come from one place and a
user's keymap (by verb id) reaches every screen."""

from __future__ import annotations

from textual.binding import Binding

from hyptui.views.verbs import VERBS


def bindings(*verb_ids: str) -> list[Binding]:
    """Bindings whose action is the verb id: a screen answers to verb `x` with `action_x`."""
    result = []
    for verb_id in verb_ids:
        verb = VERBS[verb_id]
        result.append(
            Binding(verb.keys, verb.id, verb.description, show=verb.show, key_display=verb.key_display, id=verb.id)
        )
    return result


def is_mutating(action: str) -> bool:
    verb = VERBS.get(action)
    return verb is not None and verb.mutating
