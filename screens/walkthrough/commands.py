"""Command palette entries that start a shipped walkthrough at any of its modules; offered only in `hyptui demo`,
whose embedded cluster is the walkthroughs' stage (they create and delete things)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from hyptui.screens.shell.verb_palette import VerbCommands
from hyptui.walkthrough.load import WalkthroughError, load_walkthrough, shipped_names
from hyptui.walkthrough.model import Walkthrough

if TYPE_CHECKING:
    from hyptui.screens.shell.app import HyptuiApp


class WalkthroughCommands(VerbCommands):
    """The verb palette's matching and listing, over other entries."""

    def _entries(self) -> list[tuple[str, str, object]]:
        director = cast("HyptuiApp", self.app).walkthrough
        if director is None:
            return []
        entries: list[tuple[str, str, object]] = []
        for name in shipped_names():
            try:
                walkthrough = load_walkthrough(name)
            except WalkthroughError:  # a shipped file is tested; never let it break the palette
                continue
            for index, module in enumerate(walkthrough.modules):
                label = f"Walkthrough {name}: {index + 1} {module.title}"
                entries.append((label, walkthrough.title, partial(self._begin, walkthrough, index)))
        return entries

    def _begin(self, walkthrough: Walkthrough, module: int) -> None:
        director = cast("HyptuiApp", self.app).walkthrough
        if director is not None:
            director.begin(walkthrough, module)
