from datetime import UTC, datetime
from typing import Any

import pytest

from hyptui.hyperpod.job_status import JobCondition, job_conditions, job_status


def job_with(*conditions: tuple[str, str]) -> dict[str, Any]:
    return {
        "metadata": {"name": "train", "namespace": "team-a"},
        "status": {"conditions": [{"type": type_, "status": status} for type_, status in conditions]},
    }


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ((("Created", "True"),), "Created"),
        ((("Created", "True"), ("Running", "True")), "Running"),
        ((("Created", "True"), ("Running", "False")), "Created"),
        ((("Created", "True"), ("Running", "True"), ("Completed", "True")), "Completed"),
        # The *last* True condition wins, not the most severe one.
        ((("Failed", "True"), ("Running", "True")), "Running"),
        ((("Created", "True"), ("Suspended", "True"), ("Running", "Unknown")), "Suspended"),
        ((("Created", "False"), ("Running", "Unknown")), "Unknown"),
        ((), "Unknown"),
    ],
)
def test_job_status_is_the_last_true_condition(conditions: tuple[tuple[str, str], ...], expected: str) -> None:
    assert job_status(job_with(*conditions)) == expected


def test_job_status_of_a_job_without_status_is_unknown() -> None:
    assert job_status({"metadata": {"name": "fresh"}}) == "Unknown"
    assert job_status({"metadata": {"name": "fresh"}, "status": None}) == "Unknown"


def test_job_status_skips_malformed_conditions() -> None:
    raw = {"status": {"conditions": [{"type": "Running", "status": "True"}, "garbage", {"status": "True"}]}}
    assert job_status(raw) == "Running"


def test_job_conditions_keep_order_and_parse_transition_times() -> None:
    raw = {
        "status": {
            "conditions": [
                {
                    "type": "Created",
                    "status": "True",
                    "reason": "JobCreated",
                    "message": "job created",
                    "lastTransitionTime": "2025-03-01T10:00:00Z",
                },
                {"type": "Running", "status": "False"},
                "garbage",
            ]
        }
    }
    assert job_conditions(raw) == (
        JobCondition(
            type="Created",
            status="True",
            reason="JobCreated",
            message="job created",
            last_transition=datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
        ),
        JobCondition(type="Running", status="False", reason="", message="", last_transition=None),
    )


def test_job_conditions_of_a_job_without_status_is_empty() -> None:
    assert job_conditions({"metadata": {"name": "fresh"}}) == ()
