"""Command palette entries for every verb the current screen answers to, with its key, plus the sections."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from hyptui.screens.shell.verb_bindings import open_section
from hyptui.views.sections import SECTIONS


class VerbCommands(Provider):
    def _entries(self) -> list[tuple[str, str, object]]:
        app = self.app
        screen = self.screen
        entries: list[tuple[str, str, object]] = []
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not active.enabled or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            shown_key = binding.key_display or app.get_key_display(binding)
            run = partial(app.run_action, binding.action, active.node)
            entries.append((binding.description, f"key {shown_key}" if key else "", run))
        for section in SECTIONS.values():
            go = partial(app.run_action, open_section(section))
            entries.append((f"Go to {section.id}", f":{section.words[0]}", go))
        return entries

    async def discover(self) -> Hits:
        for label, help_text, run in self._entries():
            yield DiscoveryHit(label, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, run in self._entries():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), run, help=help_text)
