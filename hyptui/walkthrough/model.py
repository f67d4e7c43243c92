"""A walkthrough file: modules of steps, each a narration, one action from a closed vocabulary, the state to wait for
and how long (in simulated seconds) to wait for it. Actions go through the app's own paths; expectations are read
from the app's store, so a step is done when the screens can show it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from hyptui.hyp_configs.registry import get_template
from hyptui.hyperpod.kinds import BY_KEY
from hyptui.views.sections import SECTIONS
from hyptui.views.verbs import VERBS

DEFAULT_TIMEOUT = 60.0  # simulated seconds


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _one_of(allowed: Iterable[str], what: str) -> AfterValidator:
    names = frozenset(allowed)

    def known(value: str) -> str:
        if value not in names:
            raise ValueError(f"unknown {what} {value!r}; one of {', '.join(sorted(names))}")
        return value

    return AfterValidator(known)


SectionName = Annotated[str, _one_of(SECTIONS, "section")]
KindKey = Annotated[str, _one_of(BY_KEY, "kind")]  # a ResourceKind's key: jobs, inferenceendpointconfigs...
VerbId = Annotated[str, _one_of(VERBS, "verb")]


# -- actions ------------------------------------------------------------------------------------------------


class SectionAction(_Strict):
    """Switch to a section, as its number key or `:section` does."""

    type: Literal["section"]
    section: SectionName


class OpenFormAction(_Strict):
    """The template's form (`n` in its section) with these values filled in, for the audience to read."""

    type: Literal["open_form"]
    template: str
    values: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _fields(self) -> OpenFormAction:
        try:
            spec = get_template(self.template)
        except (KeyError, LookupError):
            raise ValueError(f"unknown template {self.template!r}") from None
        unknown = sorted(set(self.values) - set(spec.model.model_fields))
        if unknown:
            raise ValueError(f"{self.template} has no field {', '.join(unknown)}")
        return self


class CreateAction(_Strict):
    """Submit the open form, as ctrl+r does."""

    type: Literal["create"]


class SelectAction(_Strict):
    """Highlight an object's row in a section."""

    type: Literal["select"]
    section: SectionName
    name: str
    namespace: str | None = None


class FaultNodeAction(_Strict):
    """Mark a node unhealthy as HyperPod's health agent would (`hyptui fault node-unhealthy`): the node named, or
    the node a pod (`namespace/pod`) runs on."""

    type: Literal["fault_node"]
    node: str | None = None
    pod: str | None = None
    reboot: bool = True  # the talk's "Pending reboot"; False asks for a replacement

    @model_validator(mode="after")
    def _one_target(self) -> FaultNodeAction:
        if (self.node is None) == (self.pod is None):
            raise ValueError("give either node or pod (namespace/pod), not both")
        if self.pod is not None and self.pod.count("/") != 1:
            raise ValueError(f"pod must be namespace/pod, got {self.pod!r}")
        return self


class InvokeAction(_Strict):
    """The endpoint's invoke panel with this JSON body, sent as ctrl+r sends it."""

    type: Literal["invoke"]
    namespace: str
    name: str
    body: dict[str, Any] | str

    @field_validator("body")
    @classmethod
    def _json(cls, value: dict[str, Any] | str) -> dict[str, Any] | str:
        if isinstance(value, str):
            try:
                json.loads(value)
            except ValueError as error:
                raise ValueError(f"not JSON: {error}") from None
        return value

    @property
    def body_text(self) -> str:
        return self.body if isinstance(self.body, str) else json.dumps(self.body, indent=2)


class DeleteAction(_Strict):
    """Delete an object the way the confirmation's yes does; an object already gone is no fault."""

    type: Literal["delete"]
    kind: KindKey
    name: str
    namespace: str | None = None


class VerbAction(_Strict):
    """Any verb of the current screen, as its key does (e.g. access_vscode on a space)."""

    type: Literal["verb"]
    verb: VerbId


class WaitAction(_Strict):
    """Nothing to do: only the expectation."""

    type: Literal["wait"]


Action = Annotated[
    SectionAction
    | OpenFormAction
    | CreateAction
    | SelectAction
    | FaultNodeAction
    | InvokeAction
    | DeleteAction
    | VerbAction
    | WaitAction,
    Field(discriminator="type"),
]

# Steps whose action can be done again after going back: the others change the cluster.
REPEATABLE_ACTIONS = frozenset({"section", "open_form", "select", "invoke", "verb", "wait"})


# -- expectations -------------------------------------------------------------------------------------------


class JobExpect(_Strict):
    """A HyperPodPyTorchJob's status (hyp list's STATUS); `recovered`: at least that many faults recovered from."""

    type: Literal["job"]
    namespace: str
    name: str
    status: str
    recovered: int = 0


class NodeExpect(_Strict):
    """A node's HyperPod health label; the node named, or the one a pod was on when the step ran."""

    type: Literal["node"]
    health: str
    node: str | None = None
    pod: str | None = None

    @model_validator(mode="after")
    def _one_target(self) -> NodeExpect:
        if (self.node is None) == (self.pod is None):
            raise ValueError("give either node or pod (namespace/pod), not both")
        return self


class EndpointExpect(_Strict):
    """An inference endpoint's deployment and SageMaker endpoint states, as the endpoints section shows them."""

    type: Literal["endpoint"]
    namespace: str
    name: str
    deployment: str | None = None
    sagemaker: str | None = None


class WorkloadExpect(_Strict):
    """The Kueue workload of a job, as the queues section words it: ADMITTED, PREEMPTED, PENDING..."""

    type: Literal["workload"]
    namespace: str
    job: str
    state: Literal["ADMITTED", "QUOTARESERVED", "PREEMPTED", "PENDING", "FINISHED"]


class StackExpect(_Strict):
    """The cluster stack creating the HyperPod cluster of this name (followed on the stack's progress screen)."""

    type: Literal["stack"]
    cluster_name: str
    status: str


class SpaceExpect(_Strict):
    type: Literal["space"]
    namespace: str
    name: str
    status: str


class InvocationExpect(_Strict):
    """The endpoint answered the last request sent to it."""

    type: Literal["invocation"]
    namespace: str
    name: str


class AbsentExpect(_Strict):
    type: Literal["absent"]
    kind: KindKey
    name: str
    namespace: str | None = None


Expect = Annotated[
    JobExpect
    | NodeExpect
    | EndpointExpect
    | WorkloadExpect
    | StackExpect
    | SpaceExpect
    | InvocationExpect
    | AbsentExpect,
    Field(discriminator="type"),
]


# -- the file -----------------------------------------------------------------------------------------------


class Step(_Strict):
    narration: str = Field(min_length=1)
    action: Action
    expect: tuple[Expect, ...] = ()  # every one must hold
    timeout: float = Field(DEFAULT_TIMEOUT, gt=0)

    @field_validator("expect", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value

    @property
    def repeatable(self) -> bool:
        return self.action.type in REPEATABLE_ACTIONS


class Module(_Strict):
    name: str = Field(min_length=1)
    title: str
    steps: tuple[Step, ...] = Field(min_length=1)


class Walkthrough(_Strict):
    title: str
    speed: float | None = Field(None, gt=0)  # simulated seconds per real second, unless `--speed` says otherwise
    modules: tuple[Module, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_modules(self) -> Walkthrough:
        names = [module.name for module in self.modules]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"module names must be unique: {', '.join(repeated)}")
        return self
