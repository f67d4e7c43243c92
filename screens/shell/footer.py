"""The key footer every screen shows. Textual's rebuilds all its keys whenever the screen's bindings might have
changed, which is every focus change (each Tab through a form); this one rebuilds only when the keys it would show
differ, so moving through a form over SSH stays cheap."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


def _shown_keys(screen: Screen) -> tuple[tuple[object, ...], ...]:
    # What Footer.compose reads: every shown binding (plus the palette's key) with its state and tooltip.
    return tuple(
        (binding.key, binding.action, binding.description, binding.key_display, enabled, tooltip)
        for (_, binding, enabled, tooltip) in screen.active_bindings.values()
        if binding.show or binding.key == screen.app.COMMAND_PALETTE_BINDING
    )


class KeyFooter(Footer):
    _shown: tuple[tuple[object, ...], ...] | None = None

    def bindings_changed(self, screen: Screen) -> None:
        will_rebuild = screen.app.app_focus and self.is_attached and screen is self.screen
        if not will_rebuild:
            super().bindings_changed(screen)
            return
        shown = _shown_keys(screen)
        if shown != self._shown:
            self._shown = shown
            super().bindings_changed(screen)
