"""What `hyptui demo` hands the app for walkthroughs: where the forms write their config directories, how fast
simulated time runs (the panel says so), and the walkthrough to start with, if any."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hyptui.walkthrough.model import Walkthrough


@dataclass(frozen=True, slots=True)
class WalkthroughStage:
    workspace: Path
    speed: float  # simulated seconds per real second
    walkthrough: Walkthrough | None = None
    module: int = 0  # index of the module to start at

    def form_directory(self, name: str) -> Path:
        """A fresh directory for a form's config files: a module run again must not find the last run's."""
        self.workspace.mkdir(parents=True, exist_ok=True)
        candidate = self.workspace / name
        suffix = 2
        while candidate.exists():
            candidate = self.workspace / f"{name}-{suffix}"
            suffix += 1
        return candidate
