"""Driving a config form with the keyboard, as a user does: open it, tab to a field, pick from a picker."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Collapsible

from hyptui.screens.configs.form import ConfigFormScreen
from hyptui.sim.cluster import EmbeddedCluster
from tests.screens.helpers import (
    settle,
    type_text,
    wait_until,
    widget_text,
)

TAB_LIMIT = 60  # more than the form has fields


def form(pilot: Pilot) -> ConfigFormScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ConfigFormScreen)
    return screen


async def open_form(pilot: Pilot, cluster: EmbeddedCluster) -> ConfigFormScreen:
    await settle(pilot, cluster)
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfigFormScreen), "the job form")
    await pilot.pause()
    return form(pilot)


async def tab_to(pilot: Pilot, name: str) -> None:
    """Tab (keys only) until the field's editor has focus, opening the Advanced group on the way."""
    wanted = name if name == "directory" else f"field-{name}"
    for _ in range(TAB_LIMIT):
        focused = pilot.app.focused
        if focused is not None and focused.id == wanted:
            return
        if type(focused).__name__ == "CollapsibleTitle" and form(pilot).query_one("#advanced").collapsed:
            await pilot.press("enter")
        await pilot.press("tab")
    raise AssertionError(f"tab never reached {name}")


async def pick(pilot: Pilot, name: str, typed: str, expected: str) -> None:
    """Tab to a picker and choose by typing the start of an option, as a user would."""
    await tab_to(pilot, name)
    await choose(pilot, name, typed, expected)


async def choose(pilot: Pilot, name: str, typed: str, expected: str) -> None:
    """With the picker focused: open it, type the start of an option, take it."""
    await pilot.press("enter")
    await type_text(pilot, typed)
    await pilot.press("enter")
    await wait_until(pilot, lambda: form(pilot).row(name).value == expected, f"{expected} picked")


async def focus_field(pilot: Pilot, name: str) -> None:
    """Focus a field's editor directly (tests not about tabbing), opening the Advanced group for an optional one."""
    screen = form(pilot)
    if not screen.row(name).field.required:
        screen.query_one("#advanced", Collapsible).collapsed = False
        await pilot.pause()
    screen.row(name).editor.focus()
    await pilot.pause()


def message_text(screen: ConfigFormScreen, name: str) -> str:
    return widget_text(screen.row(name).query_one(".field-message"))


PATTERN_MESSAGE = "job_name: String should match pattern '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'"
