"""What the spaces list and a space's detail both do to one space: start, stop, access (VS Code remote or web UI)
and its YAML, as `hyp start|stop hyp-space` and `hyp create hyp-space-access` do."""

from __future__ import annotations

from hyptui.hyperpod.kinds import WORKSPACES
from hyptui.screens.shell.base import LiveScreen
from hyptui.screens.spaces.access import request_access
from hyptui.store.selectors import get_object
from hyptui.store.state import ObjectKey
from hyptui.views.spaces import VSCODE_REMOTE, WEB_UI

DELETE_CONSEQUENCE = "Its pod stops and is deleted with it."
RUNNING = {"spec": {"desiredStatus": "Running"}}  # what `hyp start hyp-space` patches
STOPPED = {"spec": {"desiredStatus": "Stopped"}}
STOP_CONSEQUENCE = "Its pod is deleted; the space keeps its storage and can be started again."


class SpaceVerbs(LiveScreen):
    """Start, stop, access and YAML for one space, shared by the list and the detail."""

    def selected_space(self) -> ObjectKey | None:
        """The space the verbs act on; each screen says which (the list's cursor row, the detail's own)."""
        raise NotImplementedError

    def action_yaml(self) -> None:
        key = self.selected_space()
        workspace = get_object(self.hyptui.store.state, WORKSPACES.key, key) if key else None
        if workspace is not None:
            self.hyptui.show_yaml(WORKSPACES, workspace)

    def action_start_space(self) -> None:
        key = self.selected_space()
        if key is None or self.hyptui.readonly:
            return
        namespace, name = key

        async def start() -> None:
            try:
                await self.hyptui.gateway.merge_patch(WORKSPACES, namespace, name, RUNNING)
            except Exception as error:  # the API's reason is the message the user needs
                self.notify(f"Could not start space {name}: {error}", severity="error")
            else:
                self.notify(f"Starting space {name}")

        self.run_worker(start(), group="verbs", exit_on_error=False)

    def action_stop_space(self) -> None:
        key = self.selected_space()
        if key is None:
            return
        namespace, name = key
        self.hyptui.confirm_patch(
            WORKSPACES,
            namespace,
            name,
            STOPPED,
            question=f"Stop space {name} in {namespace}?\n{STOP_CONSEQUENCE}",
            action="Stop",
        )

    def action_access_vscode(self) -> None:
        self._access(VSCODE_REMOTE)

    def action_access_web(self) -> None:
        self._access(WEB_UI)

    def _access(self, connection_type: str) -> None:
        key = self.selected_space()
        if key is not None and not self.hyptui.readonly:
            self.run_worker(
                request_access(self.hyptui, key, connection_type), group="space-access", exit_on_error=False
            )
