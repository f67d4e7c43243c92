"""Editing a cluster's task governance: the policy (priority classes with weights, in order, and fair share) and each
team's compute quota, held as the user typed them so nothing is lost, checked against what SageMaker accepts before
anything is sent, summed up as a diff ("team-b: ml.g5.12xlarge 1 → 2, borrow 100% → 50%"), and turned into the
gateway calls that apply it (update with the version read, create for a team or policy that has none).

Limits are SageMaker's (botocore's sagemaker model): names `[a-z0-9]([-a-z0-9]*[a-z0-9])` of at most 40 characters,
at most 10 priority classes and 15 instance types per quota, weights 0-100, BorrowLimit 1-500 percent (as the API
documents it), instance types HyperPod offers and, for a quota, ones the cluster has an instance group of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from hyptui.aws.failures import AwsFailure
from hyptui.aws.governance import ComputeQuota, PolicySpec, QuotaSpec, SchedulerConfig
from hyptui.hyp_configs.capacity import INSTANCE_TYPES

if TYPE_CHECKING:
    from hyptui.aws.gateway import AwsGateway

NAME_PATTERN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
NAME_MAX = 40
MAX_PRIORITY_CLASSES = 10
MAX_INSTANCE_TYPES = 15
WEIGHT_MIN, WEIGHT_MAX = 0, 100
BORROW_MIN, BORROW_MAX = 1, 500
LEND_AND_BORROW, LEND, DONT_LEND = "LendAndBorrow", "Lend", "DontLend"
STRATEGIES = (LEND_AND_BORROW, LEND, DONT_LEND)
LOWER_PRIORITY, NEVER = "LowerPriority", "Never"
PREEMPT_CHOICES = (LOWER_PRIORITY, NEVER)
DEFAULT_BORROW = "50"  # the API's default BorrowLimit, offered when a team switches to LendAndBorrow
POLICY_NAME = "default"  # a cluster has at most one policy; its name is only a label


@dataclass(frozen=True, slots=True)
class Governance:
    """What the cluster has: its policy (None when it has none yet) and its teams' quotas, with the versions an
    update must name."""

    cluster_arn: str
    cluster_name: str
    instance_types: tuple[str, ...]  # of the cluster's instance groups, in their order
    policy: SchedulerConfig | None
    quotas: tuple[ComputeQuota, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """Why the edit cannot be sent. `field` locates the value: ("class", index, "name"|"weight"),
    ("quota", index, "team"|"borrow"|"weight"|"strategy"|"preempt") or ("quota", index, "count", instance type)."""

    field: tuple[str | int, ...]
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class ClassDraft:
    name: str
    weight: str


@dataclass(frozen=True, slots=True)
class QuotaDraft:
    """One team's quota as typed; `counts` maps instance types to a count ("" for none)."""

    team: str
    counts: tuple[tuple[str, str], ...]
    strategy: str = LEND_AND_BORROW
    borrow_limit: str = DEFAULT_BORROW
    preempt_team_tasks: str = LOWER_PRIORITY
    fair_share_weight: str = "0"
    active: bool = True
    quota_id: str | None = None  # None: a team without a quota yet, created on apply

    def count(self, instance_type: str) -> str:
        return dict(self.counts).get(instance_type, "")

    def with_count(self, instance_type: str, text: str) -> QuotaDraft:
        counts = dict(self.counts)
        counts[instance_type] = text
        return replace(self, counts=tuple(counts.items()))


@dataclass(frozen=True, slots=True)
class GovernanceEdit:
    classes: tuple[ClassDraft, ...]
    fair_share: bool
    quotas: tuple[QuotaDraft, ...]

    @classmethod
    def of(cls, governance: Governance) -> GovernanceEdit:
        spec = governance.policy.spec if governance.policy else None
        classes = tuple(ClassDraft(name, str(weight)) for name, weight in spec.priority_classes) if spec else ()
        return cls(classes, spec.fair_share if spec else True, tuple(_quota_draft(q) for q in governance.quotas))

    # Priority classes, by position

    def with_class(self, index: int, *, name: str | None = None, weight: str | None = None) -> GovernanceEdit:
        old = self.classes[index]
        new = ClassDraft(old.name if name is None else name, old.weight if weight is None else weight)
        return replace(self, classes=(*self.classes[:index], new, *self.classes[index + 1 :]))

    def add_class(self, index: int) -> GovernanceEdit:
        """A blank class at `index` (the end when it is the class count)."""
        return replace(self, classes=(*self.classes[:index], ClassDraft("", ""), *self.classes[index:]))

    def remove_class(self, index: int) -> GovernanceEdit:
        return replace(self, classes=self.classes[:index] + self.classes[index + 1 :])

    def move_class(self, index: int, offset: int) -> GovernanceEdit:
        """Swap a class with its neighbour `offset` (±1) away; at either end it stays put."""
        other = index + offset
        if not 0 <= other < len(self.classes):
            return self
        classes = list(self.classes)
        classes[index], classes[other] = classes[other], classes[index]
        return replace(self, classes=tuple(classes))

    # Team quotas, by position

    def with_quota(self, index: int, quota: QuotaDraft) -> GovernanceEdit:
        return replace(self, quotas=(*self.quotas[:index], quota, *self.quotas[index + 1 :]))

    def add_team(self) -> GovernanceEdit:
        return replace(self, quotas=(*self.quotas, QuotaDraft("", ())))


def _quota_draft(quota: ComputeQuota) -> QuotaDraft:
    spec = quota.spec
    borrow = str(spec.borrow_limit_percent) if spec.strategy == LEND_AND_BORROW else DEFAULT_BORROW
    return QuotaDraft(
        team=spec.team,
        counts=tuple((itype, str(count)) for itype, count in spec.instances),
        strategy=spec.strategy,
        borrow_limit=borrow,
        preempt_team_tasks=spec.preempt_team_tasks,
        fair_share_weight=str(spec.fair_share_weight),
        active=spec.active,
        quota_id=quota.id,
    )


def instance_columns(governance: Governance, edit: GovernanceEdit) -> tuple[str, ...]:
    """The instance types a quota table offers: the cluster's, then any other a quota names."""
    named = {itype for quota in edit.quotas for itype, _ in quota.counts} - set(governance.instance_types)
    return governance.instance_types + tuple(sorted(named))


# Validation


def _whole(text: str) -> int | None:
    text = text.strip()
    return int(text) if re.fullmatch(r"\d+", text) else None


def _name_problem(name: str, what: str) -> str | None:
    if not name:
        return f"{what} is empty: type lowercase letters, digits and hyphens"
    if len(name) > NAME_MAX or not NAME_PATTERN.match(name):
        return (
            f"{what} {name!r}: use at most {NAME_MAX} lowercase letters, digits and hyphens, starting and ending "
            "with a letter or digit"
        )
    return None


def _range_problem(text: str, what: str, low: int, high: int, unit: str = "") -> str | None:
    value = _whole(text)
    if value is None or not low <= value <= high:
        return f"{what}: a whole number from {low} to {high}{unit}, not {text.strip()!r}"
    return None


def validate(governance: Governance, edit: GovernanceEdit) -> tuple[Problem, ...]:
    """Every reason SageMaker (or the cluster) would refuse the edit, each naming the field and what it accepts."""
    problems: list[Problem] = []

    def check(field: tuple[str | int, ...], message: str | None) -> None:
        if message:
            problems.append(Problem(field, message))

    if len(edit.classes) > MAX_PRIORITY_CLASSES:
        check(
            ("class", MAX_PRIORITY_CLASSES, "name"), f"A policy holds at most {MAX_PRIORITY_CLASSES} priority classes"
        )
    seen: set[str] = set()
    for index, draft in enumerate(edit.classes):
        name = draft.name.strip()
        what = f"Priority class {index + 1} name"
        check(("class", index, "name"), _name_problem(name, what))
        if name and name in seen:
            check(("class", index, "name"), f"{what}: {name} is already a priority class; names must be unique")
        seen.add(name)
        check(
            ("class", index, "weight"),
            _range_problem(draft.weight, f"Priority class {name or index + 1} weight", WEIGHT_MIN, WEIGHT_MAX),
        )

    teams: set[str] = set()
    groups = set(governance.instance_types)
    for index, quota in enumerate(edit.quotas):
        team = quota.team.strip()
        label = team or f"New team {index + 1}"
        check(("quota", index, "team"), _name_problem(team, f"{label}: team name"))
        if team and team in teams:
            check(("quota", index, "team"), f"{label}: the team already has a quota; one quota per team")
        teams.add(team)
        given = [(itype, text) for itype, text in quota.counts if text.strip()]
        if len(given) > MAX_INSTANCE_TYPES:
            check(("quota", index, "team"), f"{label}: a quota names at most {MAX_INSTANCE_TYPES} instance types")
        for itype, text in given:
            field = ("quota", index, "count", itype)
            count = _whole(text)
            if count is None or count < 1:
                check(field, f"{label} · {itype} count: a whole number above 0 (empty for none), not {text.strip()!r}")
            elif itype not in INSTANCE_TYPES:
                check(field, f"{label} · {itype} is not a HyperPod instance type")
            elif groups and itype not in groups:
                check(
                    field,
                    f"{label} · {itype}: cluster {governance.cluster_name} has no instance group of it "
                    f"(it has {', '.join(governance.instance_types)})",
                )
        if quota.strategy not in STRATEGIES:
            check(("quota", index, "strategy"), f"{label} · lend strategy: one of {', '.join(STRATEGIES)}")
        elif quota.strategy == LEND_AND_BORROW:
            check(
                ("quota", index, "borrow"),
                _range_problem(quota.borrow_limit, f"{label} · borrow limit", BORROW_MIN, BORROW_MAX, " percent"),
            )
        if quota.preempt_team_tasks not in PREEMPT_CHOICES:
            check(("quota", index, "preempt"), f"{label} · preempt team tasks: one of {', '.join(PREEMPT_CHOICES)}")
        check(
            ("quota", index, "weight"),
            _range_problem(quota.fair_share_weight, f"{label} · fair-share weight", WEIGHT_MIN, WEIGHT_MAX),
        )
    return tuple(problems)


# What to send


def policy_spec(edit: GovernanceEdit) -> PolicySpec:
    """The edited policy; only for an edit `validate` passed."""
    classes = tuple((draft.name.strip(), int(draft.weight)) for draft in edit.classes)
    return PolicySpec(classes, edit.fair_share)


def quota_spec(draft: QuotaDraft) -> QuotaSpec:
    """The edited quota; only for an edit `validate` passed."""
    lends_and_borrows = draft.strategy == LEND_AND_BORROW
    return QuotaSpec(
        team=draft.team.strip(),
        instances=tuple((itype, int(text)) for itype, text in draft.counts if text.strip()),
        strategy=draft.strategy,
        borrow_limit_percent=int(draft.borrow_limit) if lends_and_borrows else 0,
        preempt_team_tasks=draft.preempt_team_tasks,
        fair_share_weight=int(draft.fair_share_weight),
        active=draft.active,
    )


def _comparable(spec: QuotaSpec) -> QuotaSpec:
    """A quota as SageMaker keeps it: the borrow limit means nothing unless the team lends and borrows."""
    return spec if spec.strategy == LEND_AND_BORROW else replace(spec, borrow_limit_percent=0)


@dataclass(frozen=True, slots=True)
class PolicyChange:
    record: SchedulerConfig | None  # None: the cluster has no policy yet
    spec: PolicySpec
    summary: str

    def send(self, gateway: AwsGateway, cluster_arn: str) -> None:
        if self.record is None:
            gateway.create_scheduler_config(cluster_arn, POLICY_NAME, self.spec)
        else:
            gateway.update_scheduler_config(self.record, self.spec)


@dataclass(frozen=True, slots=True)
class QuotaChange:
    record: ComputeQuota | None  # None: a new team
    spec: QuotaSpec
    summary: str

    def send(self, gateway: AwsGateway, cluster_arn: str) -> None:
        if self.record is None:
            gateway.create_compute_quota(cluster_arn, f"{self.spec.team}-quota", self.spec)
        else:
            gateway.update_compute_quota(self.record, self.spec)


Change = PolicyChange | QuotaChange


def _arrow(before: object, after: object, suffix: str = "") -> str:
    return f"{before}{suffix} → {after}{suffix}"


def _policy_summary(before: PolicySpec | None, after: PolicySpec) -> str:
    if before is None:
        classes = ", ".join(f"{name} {weight}" for name, weight in after.priority_classes) or "no priority classes"
        return f"policy: new ({classes}; fair share {'on' if after.fair_share else 'off'})"
    parts = []
    old, new = dict(before.priority_classes), dict(after.priority_classes)
    parts += [f"{name} added ({weight})" for name, weight in after.priority_classes if name not in old]
    parts += [f"{name} removed" for name, _ in before.priority_classes if name not in new]
    parts += [
        f"{name} {_arrow(old[name], weight)}"
        for name, weight in after.priority_classes
        if old.get(name, weight) != weight
    ]
    kept_before = [name for name, _ in before.priority_classes if name in new]
    kept_after = [name for name, _ in after.priority_classes if name in old]
    if kept_before != kept_after:
        parts.append(f"order {' > '.join(kept_after)}")
    if before.fair_share != after.fair_share:
        parts.append(f"fair share {'on' if after.fair_share else 'off'}")
    return "policy: " + ", ".join(parts)


def _instances_text(spec: QuotaSpec) -> str:
    return ", ".join(f"{count} x {itype}" for itype, count in spec.instances) or "no instances"


def _sharing_text(spec: QuotaSpec) -> str:
    borrow = f" {spec.borrow_limit_percent}%" if spec.strategy == LEND_AND_BORROW else ""
    return f"{spec.strategy}{borrow}"


def _quota_summary(before: QuotaSpec | None, after: QuotaSpec) -> str:
    if before is None:
        return (
            f"{after.team}: new quota ({_instances_text(after)}, {_sharing_text(after)}, preempt team tasks "
            f"{after.preempt_team_tasks}, fair-share weight {after.fair_share_weight})"
        )
    parts = []
    old, new = dict(before.instances), dict(after.instances)
    for itype in [*old, *(t for t in new if t not in old)]:
        if old.get(itype, 0) != new.get(itype, 0):
            parts.append(f"{itype} {_arrow(old.get(itype, 0), new.get(itype, 0))}")
    if before.strategy != after.strategy:
        parts.append(f"lend {_arrow(before.strategy, after.strategy)}")
    if after.strategy == LEND_AND_BORROW and before.borrow_limit_percent != after.borrow_limit_percent:
        if before.strategy == LEND_AND_BORROW:
            parts.append(f"borrow {_arrow(before.borrow_limit_percent, after.borrow_limit_percent, '%')}")
        else:
            parts.append(f"borrow {after.borrow_limit_percent}%")
    if before.preempt_team_tasks != after.preempt_team_tasks:
        parts.append(f"preempt team tasks {_arrow(before.preempt_team_tasks, after.preempt_team_tasks)}")
    if before.fair_share_weight != after.fair_share_weight:
        parts.append(f"fair-share weight {_arrow(before.fair_share_weight, after.fair_share_weight)}")
    return f"{after.team}: " + ", ".join(parts)


def changes(governance: Governance, edit: GovernanceEdit) -> tuple[Change, ...]:
    """What applying the edit sends, each with its one-line summary; only for an edit `validate` passed."""
    result: list[Change] = []
    before_policy = governance.policy.spec if governance.policy else None
    after_policy = policy_spec(edit)
    unchanged_blank = before_policy is None and after_policy == PolicySpec(())
    if after_policy != before_policy and not unchanged_blank:
        result.append(PolicyChange(governance.policy, after_policy, _policy_summary(before_policy, after_policy)))
    records = {quota.id: quota for quota in governance.quotas}
    for draft in edit.quotas:
        record = records.get(draft.quota_id) if draft.quota_id else None
        after = quota_spec(draft)
        before = _comparable(record.spec) if record else None
        if before != _comparable(after):
            result.append(QuotaChange(record, after, _quota_summary(before, after)))
    return tuple(result)


def rebase(edit: GovernanceEdit, governance: Governance) -> GovernanceEdit:
    """The edit on top of freshly read records: a team typed as new that now has a quota (created by an apply that
    failed later on) edits that quota; everything typed stays."""
    by_team = {quota.spec.team: quota.id for quota in governance.quotas}
    quotas = tuple(
        replace(draft, quota_id=by_team[draft.team.strip()])
        if draft.quota_id is None and draft.team.strip() in by_team
        else draft
        for draft in edit.quotas
    )
    return replace(edit, quotas=quotas)


def load_governance(gateway: AwsGateway, cluster_arn: str | None = None) -> Governance:
    """Read a cluster's policy and quotas (blocking: run it in a worker). Without `cluster_arn`, the first
    EKS-orchestrated cluster the account lists. Raises AwsFailure."""
    if cluster_arn is None:
        details = (gateway.describe_cluster(summary.arn) for summary in gateway.list_clusters())
        cluster = next((detail for detail in details if detail.eks_cluster_arn), None)
        if cluster is None:
            raise AwsFailure(f"No EKS-orchestrated HyperPod cluster in {gateway.region}: task governance needs one.")
    else:
        cluster = gateway.describe_cluster(cluster_arn)
    policies = gateway.list_scheduler_configs(cluster.arn)
    policy = gateway.describe_scheduler_config(policies[0].id) if policies else None
    quotas = tuple(sorted(gateway.list_compute_quotas(cluster.arn), key=lambda quota: quota.spec.team))
    types = tuple(dict.fromkeys(group.instance_type for group in cluster.instance_groups))
    return Governance(cluster.arn, cluster.name, types, policy, quotas)
