"""The narration panel docked at the bottom of every screen while a walkthrough runs: which module and step, what is
about to happen and why, what it waits for and for how long (in simulated time, and how fast that runs). With the
panel focused, space/enter advance, backspace goes back, r restarts the module; F8/F7/F6 do the same anywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from hyptui.screens.shell.verb_bindings import bindings
from hyptui.walkthrough import progress as steps
from hyptui.walkthrough.progress import Intent, Phase

if TYPE_CHECKING:
    from hyptui.screens.walkthrough.director import WalkthroughDirector

KEY_HINTS = {
    Intent.RUN: "space run this step",
    Intent.WAIT: "waiting…",
    Intent.NEXT: "space next step",
    Intent.FINISHED: "the end",
}
PHASE_MARKS = {
    Phase.READY: "▶",
    Phase.RUNNING: "⏳",
    Phase.DONE: "✓",
    Phase.TIMED_OUT: "⌛",
    Phase.FAILED: "✗",
}


class WalkthroughPanel(Static, can_focus=True):
    DEFAULT_CSS = """
    WalkthroughPanel {
        dock: bottom;
        height: auto;
        max-height: 9;
        margin-bottom: 1;  /* docks overlap: keep clear of the footer */
        padding: 0 1;
        border-top: solid $accent;
        background: $panel;
    }
    WalkthroughPanel:focus {
        border-top: thick $accent;
    }
    """
    BINDINGS = bindings(
        "narration_next",
        "narration_back",
        "narration_restart",
        "walkthrough_next",
        "walkthrough_back",
        "walkthrough_restart",
    )

    def __init__(self, director: WalkthroughDirector) -> None:
        super().__init__("", markup=False)
        self.director = director

    def on_mount(self) -> None:
        self.director.changed.subscribe(self, lambda _: self.show())
        self.set_interval(1.0, self.show)  # the elapsed time moves on by itself
        self.show()

    def action_narration_next(self) -> None:
        self.director.advance()

    def action_narration_back(self) -> None:
        self.director.back()

    def action_narration_restart(self) -> None:
        self.director.restart_module()

    action_walkthrough_next = action_narration_next
    action_walkthrough_back = action_narration_back
    action_walkthrough_restart = action_narration_restart

    def show(self) -> None:
        self.update(self.narration())

    def narration(self) -> Text:
        director = self.director
        walkthrough, progress = director.walkthrough, director.progress
        if walkthrough is None or progress is None:
            return Text("")
        module = steps.module_of(walkthrough, progress)
        step = steps.step_of(walkthrough, progress)
        text = Text()
        text.append(f"{walkthrough.title}", style="bold")
        text.append(f" · module {progress.module + 1}/{len(walkthrough.modules)} {module.title}")
        text.append(f" · step {progress.step + 1}/{len(module.steps)}")
        text.append(f" · simulated time ×{director.stage.speed:g}\n", style="italic")  # noqa: RUF001
        text.append(step.narration.strip() + "\n")
        text.append(f"{PHASE_MARKS[progress.phase]} {self._status(step.timeout)}", style="bold")
        hint = KEY_HINTS[steps.intent(walkthrough, progress)]
        text.append(f"  ·  {hint} · backspace back · r restart module · F8 F7 F6 do the same anywhere", style="dim")
        return text

    def _status(self, timeout: float) -> str:
        director = self.director
        progress = director.progress
        assert progress is not None
        waiting = director.waiting_for()
        elapsed = steps.elapsed(progress, director.app.clock())
        match progress.phase:
            case Phase.READY:
                return f"next: {waiting}" if waiting else "ready"
            case Phase.RUNNING:
                return f"waiting for {waiting} · {elapsed:.0f}s of {timeout:g}s"
            case Phase.DONE:
                return f"done: {waiting}" if waiting else f"done{': ' + progress.note if progress.note else ''}"
            case Phase.TIMED_OUT:
                return f"not there after {timeout:g}s: {waiting}"
        return f"failed: {progress.note}"
