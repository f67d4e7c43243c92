"""What a model pod logs from container start to serving: the model server's startup, the model download, loading
onto the GPUs, worker threads and the line that says it serves. DJL Serving (the LMI containers the HyperPod talk and
JumpStart use) by default; vLLM's own server for vLLM images.

The whole startup is planned when the container starts (durations drawn from the pod's name, so a pod's log is the
same on every run) and written as simulated time reaches each line; the last line is when the pod turns Ready.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

LogLine = tuple[datetime, str]

DOWNLOAD_SECONDS = (25, 75)  # weights from S3 or the JumpStart cache (several GB)
MOUNTED_SECONDS = (3, 8)  # weights already on a mounted volume (FSx, a PVC)
LOAD_SECONDS = (35, 85)  # onto the GPUs, CUDA graphs captured
DJL_VERSION = "0.32.0"
VLLM_VERSION = "0.9.1"


@dataclass(frozen=True, slots=True)
class ModelServerRun:
    pod: str
    model_name: str
    source: str  # s3://…, fsx://…, hf://…, pvc://…
    image: str
    gpus: int
    port: int
    mount_path: str
    env: tuple[tuple[str, str], ...]
    started_at: datetime

    def lines(self) -> list[LogLine]:
        rng = random.Random(f"model-server/{self.pod}")
        mounted = self.source.startswith(("fsx://", "pvc://"))
        download = rng.uniform(*(MOUNTED_SECONDS if mounted else DOWNLOAD_SECONDS))
        load = rng.uniform(*LOAD_SECONDS)
        size_gib = round(rng.uniform(6.0, 16.0) * max(1, self.gpus) ** 0.5, 2)
        if "vllm" in self.image.lower():
            return self._vllm(download, load, size_gib)
        return self._djl(download, load, size_gib)

    @property
    def ready_at(self) -> datetime:
        return self.lines()[-1][0]

    def _at(self, seconds: float) -> datetime:
        return self.started_at + timedelta(seconds=round(seconds, 3))

    def _djl(self, download: float, load: float, size_gib: float) -> list[LogLine]:
        model, port, devices = self.model_name, self.port, max(1, self.gpus)
        env = dict(self.env)
        rolling = env.get("OPTION_ROLLING_BATCH", "disable")
        lines: list[tuple[float, str]] = [
            (0.0, f"INFO  ModelServer Starting djl-serving: {DJL_VERSION} ..."),
            (
                0.4,
                "INFO  ModelServer \nModel server home: /opt/djl\nCurrent directory: /opt/djl\nTemp directory: /tmp\n"
                f"Number of CPUs: {8 * devices}\nConfig file: /opt/djl/conf/config.properties\n"
                f"Inference address: http://0.0.0.0:{port}\nManagement address: http://0.0.0.0:{port}\n"
                f"Default job_queue_size: 1000\nModel Store: {self.mount_path}\nInitial Models: ALL\n"
                "Initial Workers: 1",
            ),
        ]
        for index, (name, value) in enumerate(sorted(env.items())):
            lines.append((0.5 + index * 0.001, f"INFO  ModelServer Environment variable {name}: {value}"))
        if self.source.startswith(("s3://", "hf://")):
            lines.append((1.2, f"INFO  ModelInfo Downloading model {model} from {self.source} to {self.mount_path}"))
            lines.append(
                (1.2 + download, f"INFO  ModelInfo Download completed: {size_gib} GiB in {download:.1f} seconds")
            )
        else:
            lines.append((1.2 + download, f"INFO  ModelInfo Model files found in {self.mount_path} ({size_gib} GiB)"))
        t = 1.5 + download
        lines += [
            (t, f"INFO  ModelServer Initializing model: {model}=file:{self.mount_path}"),
            (
                t + 0.8,
                f"INFO  LmiUtils Detected mpi_mode: null, rolling_batch: {rolling}, "
                f"tensor_parallel_degree: {devices}, for modelType: llama",
            ),
            (t + 1.0, f"INFO  ModelInfo M-0001: Available CPU memory: {30720 * devices} MB, required: 0 MB"),
            (t + 1.1, f"INFO  ModelInfo Loading model {model} on gpu(0)"),
            (
                t + 1.2,
                "INFO  WorkerPool scaling up min workers by 1 (from 0 to 1) workers. Total range is min 1 to max 1",
            ),
            (t + 1.3, "INFO  PyProcess Start process: 19000 - retry: 0"),
            (
                t + load * 0.8,
                f"INFO  PyProcess W-100-{model}-stdout: Loading model weights took {size_gib} GiB and "
                f"{load * 0.8:.1f} seconds",
            ),
            (t + load, f"INFO  PyProcess Model [{model}] initialized."),
            (
                t + load + 0.1,
                f"INFO  WorkerThread Starting worker thread WT-0001 for model {model} (M-0001, READY) on device gpu(0)",
            ),
            (t + load + 0.3, "INFO  ModelServer Initialize BOTH server with: EpollServerSocketChannel."),
            (t + load + 0.4, f"INFO  ModelServer BOTH API bind to: http://0.0.0.0:{port}"),
            (t + load + 0.5, "INFO  ModelServer Model server started."),
        ]
        # The runtime stores a multi-line write as one entry per line, each with the write's timestamp.
        return [(self._at(seconds), part) for seconds, line in lines for part in line.split("\n")]

    def _vllm(self, download: float, load: float, size_gib: float) -> list[LogLine]:
        model, port = self.model_name, self.port

        def line(seconds: float, where: str, text: str) -> tuple[float, str]:
            return seconds, f"INFO {self._at(seconds):%m-%d %H:%M:%S} [{where}] {text}"

        t = 2.0 + download
        lines = [
            line(0.0, "api_server.py:1043", f"vLLM API server version {VLLM_VERSION}"),
            line(0.1, "cli_args.py:325", f"non-default args: {{'model': '{model}', 'port': {port}}}"),
            line(1.5, "config.py:823", "This model supports multiple tasks: {'generate'}. Defaulting to 'generate'."),
            line(2.0, "weight_utils.py:292", f"Using model weights format ['*.safetensors'] from {self.source}"),
            line(t, "default_loader.py:272", f"Loading weights took {download:.2f} seconds"),
            line(
                t + load * 0.5, "gpu_model_runner.py:1595", f"Model loading took {size_gib} GiB and {load * 0.5:.1f} s"
            ),
            line(t + load, "api_server.py:1090", f"Starting vLLM API server 0 on http://0.0.0.0:{port}"),
            (t + load + 0.1, "INFO:     Started server process [1]"),
            (t + load + 0.2, "INFO:     Waiting for application startup."),
            (t + load + 0.3, "INFO:     Application startup complete."),
        ]
        return [(self._at(seconds), text) for seconds, text in lines]
