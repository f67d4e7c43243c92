"""Access to a space, as `hyp create hyp-space-access` gives it: create a WorkspaceConnection, show the URL the add-on
answers with, copy it to the clipboard over OSC 52 (which reaches the local terminal through SSH and tmux), and offer
to open it only when this machine has a graphical browser to open it in."""

from __future__ import annotations

import asyncio
import webbrowser
from typing import TYPE_CHECKING

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from hyptui.hyperpod.kinds import WORKSPACE_CONNECTIONS
from hyptui.store.state import ObjectKey
from hyptui.views.spaces import ACCESS_NAMES, connection_request, connection_url

if TYPE_CHECKING:
    from hyptui.screens.shell.app import HyptuiApp


def local_browser() -> webbrowser.BaseBrowser | None:
    """The browser `webbrowser` would use, unless it is a text-mode one (lynx, w3m, www-browser...), which would take
    over this very terminal; over SSH without a display that is all `webbrowser` finds."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return None
    if isinstance(browser, webbrowser.GenericBrowser) and not isinstance(browser, webbrowser.BackgroundBrowser):
        return None
    return browser


class ServedPage(webbrowser.BaseBrowser):
    """Under `hyptui serve` the user's browser is the one showing hyptui: Textual asks that page to open the URL."""

    def __init__(self, app: App) -> None:
        super().__init__("hyptui-page")
        self._app = app

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self._app.open_url(url)
        return True


async def browser_for(app: App) -> webbrowser.BaseBrowser | None:
    return ServedPage(app) if app.is_web else await asyncio.to_thread(local_browser)


async def request_access(app: HyptuiApp, key: ObjectKey, connection_type: str) -> None:
    """Create the connection and show its URL; the add-on's refusal (e.g. not available yet) reaches the user."""
    namespace, name = key
    what = ACCESS_NAMES[connection_type]
    try:
        response = await app.gateway.create(
            WORKSPACE_CONNECTIONS, namespace, connection_request(namespace, name, connection_type)
        )
        url = connection_url(response)
    except Exception as error:  # the API's words are what the user needs
        app.notify(f"No {what} URL for space {name}: {error}", severity="error", timeout=8)
        return
    app.copy_to_clipboard(url)
    await app.push_screen(AccessModal(key, connection_type, url, await browser_for(app)))


class AccessModal(ModalScreen[None]):
    DEFAULT_CSS = """
    AccessModal {
        align: center middle;
    }

    AccessModal > Vertical {
        width: 96;
        height: auto;
        padding: 1 2;
        border: thick $primary;
        background: $surface;
    }

    AccessModal #access-title {
        text-style: bold;
    }

    AccessModal #access-url {
        margin: 1 0;
        color: $accent;
    }

    AccessModal #access-note {
        margin-bottom: 1;
    }

    AccessModal Horizontal {
        height: auto;
        align: right middle;
    }

    AccessModal Button {
        margin-left: 2;
    }
    """
    BINDINGS = [
        Binding("escape,enter", "close", "Close"),
        Binding("b", "open_browser", "Open in browser"),
    ]

    def __init__(self, key: ObjectKey, connection_type: str, url: str, browser: webbrowser.BaseBrowser | None) -> None:
        super().__init__()
        self.key = key
        self.connection_type = connection_type
        self.url = url
        self._browser = browser

    def compose(self) -> ComposeResult:
        namespace, name = self.key
        with Vertical():
            yield Static(f"{ACCESS_NAMES[self.connection_type]} URL for space {namespace}/{name}", id="access-title")
            yield Static(self.url, id="access-url", markup=False)
            yield Static("Copied to the clipboard (OSC 52: works through SSH and tmux).", id="access-note")
            with Horizontal():
                if self._browser is not None:
                    yield Button("Open in browser (b)", id="open-browser", variant="primary")
                yield Button("Close (esc)", id="close")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "open_browser" or self._browser is not None

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "open-browser":
            self.action_open_browser()
        else:
            self.dismiss()

    def action_open_browser(self) -> None:
        if self._browser is None:
            return
        if self._browser.open(self.url):
            self.app.notify("Opened in the browser")
        else:
            self.app.notify("The browser did not open the URL; it is on the clipboard", severity="warning")
        self.dismiss()

    def action_close(self) -> None:
        self.dismiss()
