"""`hyptui init | validate | render | create` end to end; create submits to the embedded cluster over real HTTP."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from kubernetes import client, config

from hyptui.screens.shell.main import main
from hyptui.sim.cluster import EmbeddedCluster
from tests.paths import HYP_FIXTURES

FIXTURES = HYP_FIXTURES


def _copy(case: str, target: Path) -> Path:
    shutil.copytree(FIXTURES / case, target, ignore=shutil.ignore_patterns("run", ".*.out", ".submitted.json"))
    return target


def test_init_writes_a_directory_and_refuses_to_overwrite_it(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["init", "hyp-pytorch-job", str(tmp_path / "job")]) == 0
    assert "hyp-pytorch-job for schema version='1.1' is initialized" in capsys.readouterr().out
    (tmp_path / "job" / "config.yaml").write_text((tmp_path / "job" / "config.yaml").read_text() + "# mine\n")
    assert main(["init", "hyp-custom-endpoint", str(tmp_path / "job")]) == 1
    assert "Directory already initialized as 'hyp-pytorch-job'" in capsys.readouterr().err
    assert (tmp_path / "job" / "config.yaml").read_text().endswith("# mine\n")
    assert main(["init", "hyp-custom-endpoint", str(tmp_path / "job"), "--force"]) == 0
    assert (tmp_path / "job" / ".hyp").read_text() == "hyp-custom-endpoint"


def test_init_takes_the_namespace_of_the_kube_context(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:1"}}],
                "users": [{"name": "u", "user": {"token": "t"}}],
                "contexts": [
                    {"name": "x", "context": {"cluster": "c", "user": "u", "namespace": "hyperpod-ns-team-a"}}
                ],
                "current-context": "x",
            }
        )
    )
    assert main(["--kubeconfig", str(kubeconfig), "init", "hyp-pytorch-job", str(tmp_path / "job")]) == 0
    assert "\nnamespace: hyperpod-ns-team-a\n" in (tmp_path / "job" / "config.yaml").read_text()
    # a template whose namespace has a default of its own keeps it, as with hyp
    assert main(["--kubeconfig", str(kubeconfig), "init", "hyp-space", str(tmp_path / "space")]) == 0
    text = (tmp_path / "space" / "config.yaml").read_text()
    assert text.startswith("# template: hyp-space\n# version: 1.1\n\n# [Required] Space name\nname: \n\n")
    assert "\nnamespace: default\n" in text
    assert sorted(p.name for p in (tmp_path / "space").iterdir()) == [".hyp", "config.yaml"]


def test_init_names_the_templates_it_knows(capsys: pytest.CaptureFixture) -> None:
    assert main(["init", "hyp-recipe-job"]) == 2  # argparse's usage-error code
    err = capsys.readouterr().err
    assert "hyptui init: unknown template 'hyp-recipe-job'; templates: hyp-pytorch-job, hyp-custom-endpoint" in err


def test_validate_exits_1_with_field_messages_and_0_when_valid(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["validate", str(_copy("pytorch-1.1-invalid", tmp_path / "bad"))]) == 1
    err = capsys.readouterr().err
    assert "❌  Config validation errors:\n" in err
    assert "  \u2013 replica_count: Input should be greater than or equal to 1\n" in err
    assert main(["validate", str(_copy("pytorch-1.1-basic", tmp_path / "good"))]) == 0
    assert capsys.readouterr().out == "✔️  config.yaml is valid!\n"


def test_validate_reports_what_only_create_would_find(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["validate", str(_copy("pytorch-1.1-overcapacity", tmp_path / "big"))]) == 1
    err = capsys.readouterr().err
    assert "Config validation errors" not in err
    assert "  \u2013 accelerators: Requested accelerators (9) exceeds instance capacity (1)\n" in err


def test_validate_names_a_directory_without_config(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["validate", str(tmp_path)]) == 1
    assert f"No config.yaml found in {tmp_path}" in capsys.readouterr().err


def test_validate_refuses_a_directory_whose_template_line_was_edited(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    directory = _copy("pytorch-1.1-basic", tmp_path / "edited")
    text = (directory / "config.yaml").read_text().replace("# template: hyp-pytorch-job", "# template: hyp-space")
    (directory / "config.yaml").write_text(text)
    assert main(["validate", str(directory)]) == 1
    assert (
        "Template mismatch: config.yaml says 'hyp-space' but this directory was initialized with 'hyp-pytorch-job'"
        in (capsys.readouterr().err)
    )


def test_render_prints_the_job_create_would_submit(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["render", str(_copy("pytorch-1.1-basic", tmp_path / "job"))]) == 0
    job = yaml.safe_load(capsys.readouterr().out)
    container = job["spec"]["replicaSpecs"][0]["template"]["spec"]["containers"][0]
    assert container["resources"]["requests"] == {
        "nvidia.com/gpu": 1,
        "vpc.amazonaws.com/efa": 1,
        "cpu": "29",
        "memory": "104Gi",
    }
    assert main(["render", "--raw", str(tmp_path / "job")]) == 0
    assert capsys.readouterr().out == next((FIXTURES / "pytorch-1.1-basic" / "run").glob("*/k8s.yaml")).read_text()


def _job(kubeconfig: Path, namespace: str, name: str) -> dict:
    api = config.new_client_from_config(str(kubeconfig))
    with api:
        return client.CustomObjectsApi(api).get_namespaced_custom_object(
            "sagemaker.amazonaws.com", "v1", namespace, "hyperpodpytorchjobs", name
        )


def test_create_submits_the_job_with_hyps_labels_and_resources(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    directory = _copy("pytorch-1.1-full", tmp_path / "job")
    assert main(["--kubeconfig", str(kubeconfig), "create", str(directory)]) == 0
    out = capsys.readouterr().out
    assert "✔️  Submitted! Files written to run/" in out
    assert "hyperpodpytorchjob/llama-ft-0042 created in namespace hyperpod-ns-team-b" in out
    (run,) = (directory / "run").iterdir()
    assert sorted(p.name for p in run.iterdir()) == ["config.yaml", "k8s.yaml"]
    assert (run / "config.yaml").read_bytes() == (directory / "config.yaml").read_bytes()
    job = _job(kubeconfig, "hyperpod-ns-team-b", "llama-ft-0042")
    assert job["metadata"]["labels"] == {
        "kueue.x-k8s.io/queue-name": "hyperpod-ns-team-b-localqueue",
        "kueue.x-k8s.io/priority-class": "experimentation-priority",
    }
    resources = job["spec"]["replicaSpecs"][0]["template"]["spec"]["containers"][0]["resources"]
    assert resources == {
        "requests": {"nvidia.com/gpu": 2, "vpc.amazonaws.com/efa": 1, "cpu": "20.0", "memory": "80.5Gi"},
        "limits": {"cpu": "24.0", "nvidia.com/gpu": 2, "memory": "96.0Gi", "vpc.amazonaws.com/efa": 1},
    }


def test_create_refuses_before_writing_or_submitting(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    directory = _copy("pytorch-1.1-nolimit", tmp_path / "job")
    assert main(["--kubeconfig", str(kubeconfig), "create", str(directory)]) == 1
    assert capsys.readouterr().err == "❌  Accelerator request must equal accelerator limit\n"
    assert not (directory / "run").exists()
    with pytest.raises(client.ApiException) as missing:
        _job(kubeconfig, "hyperpod-ns-team-a", "no-limit")
    assert missing.value.status == 404


def test_create_reports_the_api_servers_refusal(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    directory = _copy("pytorch-1.1-basic", tmp_path / "job")
    assert main(["--kubeconfig", str(kubeconfig), "create", str(directory)]) == 0
    capsys.readouterr()
    (tmp_path / "job" / "run").rename(tmp_path / "first-run")
    assert main(["--kubeconfig", str(kubeconfig), "create", str(directory)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("❌  Failed to submit the command: ") and "my-job" in err and "already exists" in err
