"""`hyptui open DIR`: a directory `hyp init` made opens in its form on the section its template belongs to, every
value in place; one hyptui cannot read is refused before the terminal is taken over."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hyptui.aws.target import AwsTarget
from hyptui.hyp_configs.config_file import ConfigDocument
from hyptui.kube.target import KubeTarget
from hyptui.screens.configs.form import ConfigFormScreen
from hyptui.screens.shell.app import HyptuiApp
from hyptui.screens.shell.main import main
from hyptui.sim.cluster import EmbeddedCluster
from tests.paths import HYP_FIXTURES
from tests.screens.helpers import wait_until

FIXTURES = HYP_FIXTURES


async def test_a_hyp_init_directory_opens_in_its_form(
    frozen_cluster: EmbeddedCluster, kubeconfig: Path, tmp_path: Path
) -> None:
    directory = tmp_path / "llama-s3"
    shutil.copytree(FIXTURES / "custom-endpoint-1.2-s3", directory)
    app = HyptuiApp(
        KubeTarget(kubeconfig=kubeconfig, all_namespaces=True),
        clock=frozen_cluster.clock.now,
        aws=AwsTarget.embedded(frozen_cluster.aws_url),
        open_directory=directory,
    )
    async with app.run_test(size=(150, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ConfigFormScreen), "the form")
        form = app.screen
        assert form.directory == directory and app.current_mode == "endpoints"
        expected = ConfigDocument.load(directory).values
        assert form.document().values == expected
        assert expected["model_name"]  # a fixture with values, not an empty one


def test_a_directory_that_cannot_be_read_is_refused_up_front(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["open", str(tmp_path / "nowhere")]) == 1
    assert "nowhere" in capsys.readouterr().err
