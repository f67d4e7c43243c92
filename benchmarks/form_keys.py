"""What a keystroke costs in the job form over the embedded cluster: CPU milliseconds per Tab (focus moves, so the
footer and the field highlight change) and per typed character, headless.

    python benchmarks/form_keys.py [tabs]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from hyptui.aws.target import AwsTarget
from hyptui.kube.target import KubeTarget
from hyptui.screens.configs.form import ConfigFormScreen
from hyptui.screens.shell.app import HyptuiApp
from hyptui.sim.clock import SimClock
from hyptui.sim.cluster import EmbeddedCluster


async def measure(cluster: EmbeddedCluster, kubeconfig: Path, tabs: int) -> None:
    app = HyptuiApp(
        KubeTarget(kubeconfig=kubeconfig, all_namespaces=True),
        clock=cluster.clock.now,
        aws=AwsTarget.embedded(cluster.aws_url),
    )
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause(1.0)
        opened = time.process_time()
        await pilot.press("n")
        while not isinstance(app.screen, ConfigFormScreen):
            await pilot.pause(0.05)
        await pilot.pause()
        print(f"open the job form: {(time.process_time() - opened) * 1000:.0f} ms CPU")
        tab_costs, key_costs = [], []
        for _ in range(tabs):
            before = time.process_time()
            await pilot.press("tab")
            tab_costs.append((time.process_time() - before) * 1000)
        form = app.screen
        assert isinstance(form, ConfigFormScreen)
        form.row("job_name").editor.focus()  # a text field: elsewhere a digit would switch sections
        await pilot.pause()
        for character in "llama3-finetune"[: max(1, tabs // 2)]:
            before = time.process_time()
            await pilot.press(character)
            key_costs.append((time.process_time() - before) * 1000)
    for what, costs in (("tab", tab_costs), ("typed character", key_costs)):
        print(f"{what}: median {statistics.median(costs):.0f} ms CPU, max {max(costs):.0f} ms over {len(costs)}")


def main() -> None:
    tabs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with tempfile.TemporaryDirectory() as scratch, EmbeddedCluster(clock=SimClock(speed=0), seed=7) as cluster:
        asyncio.run(measure(cluster, cluster.write_kubeconfig(Path(scratch) / "kubeconfig"), tabs))


if __name__ == "__main__":
    main()
