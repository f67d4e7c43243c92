"""The governance editor's model: drafts from the records, validation naming each field, the diff, and what is sent."""

from __future__ import annotations

from dataclasses import replace

from hyptui.aws.gateway import AwsGateway
from hyptui.aws.governance import ComputeQuota, PolicySpec, QuotaSpec, SchedulerConfig
from hyptui.aws.target import AwsTarget
from hyptui.edits.governance import (
    ClassDraft,
    Governance,
    GovernanceEdit,
    PolicyChange,
    QuotaChange,
    QuotaDraft,
    changes,
    instance_columns,
    load_governance,
    quota_spec,
    rebase,
    validate,
)
from hyptui.hyperpod.kinds import CLUSTER_QUEUES
from hyptui.sim.cluster import EmbeddedCluster

CLUSTER = "arn:aws:sagemaker:us-east-2:123456789012:cluster/abcdefabcdef"
POLICY = PolicySpec((("inference", 90), ("training", 70)), fair_share=True)


def _quota(team: str, instances: tuple[tuple[str, int], ...], **spec: object) -> ComputeQuota:
    return ComputeQuota(
        id=f"{team}id",
        arn=f"arn:quota/{team}",
        name=f"{team}-quota",
        version=1,
        status="Created",
        cluster_arn=CLUSTER,
        spec=QuotaSpec(team, instances, **spec),  # type: ignore[arg-type]
        created=None,
        modified=None,
    )


def _governance(policy: PolicySpec | None = POLICY) -> Governance:
    record = SchedulerConfig("policyid", "arn:policy", "default", 3, "Created", CLUSTER, policy, None, None)
    return Governance(
        cluster_arn=CLUSTER,
        cluster_name="ml-cluster-aim371",
        instance_types=("ml.g5.12xlarge", "ml.t3.medium"),
        policy=record if policy else None,
        quotas=(
            _quota("team-a", (("ml.g5.12xlarge", 2),), borrow_limit_percent=50),
            _quota("team-b", (("ml.g5.12xlarge", 1),), borrow_limit_percent=100),
            _quota("team-c", (("ml.t3.medium", 3),), strategy="Lend", borrow_limit_percent=0),
        ),
    )


def _summaries(governance: Governance, edit: GovernanceEdit) -> list[str]:
    assert validate(governance, edit) == ()
    return [change.summary for change in changes(governance, edit)]


def test_an_untouched_edit_changes_nothing_and_round_trips_the_specs() -> None:
    governance = _governance()
    edit = GovernanceEdit.of(governance)
    assert edit.classes == (ClassDraft("inference", "90"), ClassDraft("training", "70"))
    assert edit.quotas[2].borrow_limit == "50"  # offered should team-c switch to LendAndBorrow
    assert validate(governance, edit) == ()
    assert changes(governance, edit) == ()
    assert [quota_spec(draft) for draft in edit.quotas] == [quota.spec for quota in governance.quotas]
    assert instance_columns(governance, edit) == ("ml.g5.12xlarge", "ml.t3.medium")


def test_the_diff_says_what_changes_per_team_and_in_the_policy() -> None:
    governance = _governance()
    edit = GovernanceEdit.of(governance)
    team_b = replace(edit.quotas[1].with_count("ml.g5.12xlarge", "2"), borrow_limit="50")
    team_c = replace(edit.quotas[2], strategy="LendAndBorrow", preempt_team_tasks="Never", fair_share_weight="30")
    edit = edit.with_quota(1, team_b).with_quota(2, team_c)
    edit = edit.move_class(1, -1).with_class(0, weight="60").add_class(2).with_class(2, name="research", weight="10")
    edit = replace(edit, fair_share=False)
    assert _summaries(governance, edit) == [
        "policy: research added (10), training 70 → 60, order training > inference, fair share off",
        "team-b: ml.g5.12xlarge 1 → 2, borrow 100% → 50%",
        "team-c: lend Lend → LendAndBorrow, borrow 50%, preempt team tasks LowerPriority → Never, "
        "fair-share weight 0 → 30",
    ]
    sent = changes(governance, edit)
    assert isinstance(sent[0], PolicyChange) and sent[0].record is governance.policy
    assert sent[0].spec == PolicySpec((("training", 60), ("inference", 90), ("research", 10)), fair_share=False)
    assert isinstance(sent[1], QuotaChange) and sent[1].record is governance.quotas[1]
    assert sent[1].spec.instances == (("ml.g5.12xlarge", 2),) and sent[1].spec.borrow_limit_percent == 50


def test_removing_a_class_an_instance_type_and_adding_a_team() -> None:
    governance = _governance()
    edit = GovernanceEdit.of(governance).remove_class(1)
    team_a = edit.quotas[0].with_count("ml.g5.12xlarge", "").with_count("ml.t3.medium", "4")
    edit = edit.with_quota(0, team_a).add_team()
    new = replace(edit.quotas[3], team="team-d").with_count("ml.t3.medium", "1")
    edit = edit.with_quota(3, new)
    assert _summaries(governance, edit) == [
        "policy: training removed",
        "team-a: ml.g5.12xlarge 2 → 0, ml.t3.medium 0 → 4",
        "team-d: new quota (1 x ml.t3.medium, LendAndBorrow 50%, preempt team tasks LowerPriority, "
        "fair-share weight 0)",
    ]
    created = changes(governance, edit)[-1]
    assert isinstance(created, QuotaChange) and created.record is None and created.spec.team == "team-d"


def test_a_cluster_without_a_policy_gets_one_only_when_the_user_makes_one() -> None:
    governance = _governance(policy=None)
    edit = GovernanceEdit.of(governance)
    assert edit.classes == () and edit.fair_share and changes(governance, edit) == ()
    edit = edit.add_class(0).with_class(0, name="urgent", weight="100")
    (change,) = changes(governance, edit)
    assert isinstance(change, PolicyChange) and change.record is None
    assert change.summary == "policy: new (urgent 100; fair share on)"


def test_validation_names_the_field_and_what_it_accepts() -> None:
    governance = _governance()
    edit = GovernanceEdit.of(governance).with_class(0, name="Inference!", weight="101").add_class(2)
    edit = edit.with_class(2, name="training", weight="x")
    team_b = edit.quotas[1].with_count("ml.g5.12xlarge", "0").with_count("ml.p5.48xlarge", "1")
    edit = edit.with_quota(1, replace(team_b, borrow_limit="600", fair_share_weight="-1"))
    team_c = edit.quotas[2].with_count("ml.t3.medium", "1.5").with_count("ml.nope", "2")
    edit = edit.with_quota(2, replace(team_c, borrow_limit="0")).add_team()
    found = {problem.field: problem.message for problem in validate(governance, edit)}
    assert found == {
        ("class", 0, "name"): "Priority class 1 name 'Inference!': use at most 40 lowercase letters, digits and "
        "hyphens, starting and ending with a letter or digit",
        ("class", 0, "weight"): "Priority class Inference! weight: a whole number from 0 to 100, not '101'",
        ("class", 2, "name"): "Priority class 3 name: training is already a priority class; names must be unique",
        ("class", 2, "weight"): "Priority class training weight: a whole number from 0 to 100, not 'x'",
        ("quota", 1, "count", "ml.g5.12xlarge"): "team-b · ml.g5.12xlarge count: a whole number above 0 (empty for "
        "none), not '0'",
        ("quota", 1, "count", "ml.p5.48xlarge"): "team-b · ml.p5.48xlarge: cluster ml-cluster-aim371 has no "
        "instance group of it (it has ml.g5.12xlarge, ml.t3.medium)",
        ("quota", 1, "borrow"): "team-b · borrow limit: a whole number from 1 to 500 percent, not '600'",
        ("quota", 1, "weight"): "team-b · fair-share weight: a whole number from 0 to 100, not '-1'",
        ("quota", 2, "count", "ml.t3.medium"): "team-c · ml.t3.medium count: a whole number above 0 (empty for "
        "none), not '1.5'",
        ("quota", 2, "count", "ml.nope"): "team-c · ml.nope is not a HyperPod instance type",
        ("quota", 3, "team"): "New team 4: team name is empty: type lowercase letters, digits and hyphens",
    }  # team-c lends only, so its borrow limit is not checked


def test_limits_on_how_many_and_duplicates() -> None:
    governance = _governance()
    edit = GovernanceEdit.of(governance)
    for index in range(2, 11):
        edit = edit.add_class(index).with_class(index, name=f"class-{index}", weight="1")
    edit = edit.add_team().with_quota(3, QuotaDraft("team-a", (("ml.t3.medium", "1"),)))
    messages = [str(problem) for problem in validate(governance, edit)]
    assert messages == [
        "A policy holds at most 10 priority classes",
        "team-a: the team already has a quota; one quota per team",
    ]


def test_a_new_team_created_by_a_failed_apply_is_edited_after_a_reload() -> None:
    governance = _governance()
    edit = GovernanceEdit.of(governance).add_team()
    edit = edit.with_quota(3, QuotaDraft("team-d", (("ml.t3.medium", "2"),)))
    reloaded = replace(governance, quotas=(*governance.quotas, _quota("team-d", (("ml.t3.medium", 2),))))
    rebased = rebase(edit, reloaded)
    assert rebased.quotas[3].quota_id == "team-did"
    assert changes(reloaded, rebased) == ()


def test_load_the_embedded_clusters_governance_and_apply_an_edit(frozen_cluster: EmbeddedCluster) -> None:
    gateway = AwsGateway(AwsTarget.embedded(frozen_cluster.aws_url))
    governance = load_governance(gateway)
    assert governance.cluster_name == "ml-cluster-aim371"
    assert set(governance.instance_types) == {"ml.g5.12xlarge", "ml.t3.medium"}
    assert [quota.spec.team for quota in governance.quotas] == ["team-a", "team-b"]
    edit = GovernanceEdit.of(governance)
    edit = edit.with_quota(1, edit.quotas[1].with_count("ml.g5.12xlarge", "3"))
    for change in changes(governance, edit):
        change.send(gateway, governance.cluster_arn)
    queue = frozen_cluster.store.get(CLUSTER_QUEUES, None, "hyperpod-ns-team-b-clusterqueue")
    gpus = next(
        resource["nominalQuota"]
        for flavor in queue["spec"]["resourceGroups"][0]["flavors"]
        for resource in flavor["resources"]
        if resource["name"] == "nvidia.com/gpu"
    )
    assert gpus == "12"
    assert changes(load_governance(gateway, governance.cluster_arn), edit) == ()
