"""What one pod of a HyperPod PyTorch job prints: the elastic agent (hyperpodrun/torchrun), NCCL, the training script.

A `TrainingRun` is one container run of one pod. Its lines are a pure function of the job seed and the run's anchors
(container start, rendezvous), so the operator can ask for "everything between t1 and t2" on any tick and get the same
text. Only the pod whose local rank 0 is global rank 0 reports checkpoints; every node logs its own throughput.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

STARTUP_SECONDS = 30.0  # rendezvous → first training step (process group, model load, dataset, checkpoint)
STEP_SECONDS = 3.0
LOG_EVERY_STEPS = 5
CHECKPOINT_EVERY_STEPS = 100
FINAL_SAVE_SECONDS = 10.0
CHECKPOINT_SAVE_SECONDS = (6.0, 12.0)  # a sharded checkpoint write to FSx for Lustre
MASTER_PORT = "1234"  # the port HPTO reports in status.masterPort in published job status dumps
_PID = 52  # PID of local rank 0 inside the container; the agent is PID 1
_NCCL_VERSION = "2.21.5"
_SCRIPT = "/fsx/scripts/train.py"
_PROGRAM = "/usr/local/lib/python3.12/site-packages"

_MODELS = (
    ("llama3-3-70b", "meta-llama/Llama-3.3-70B-Instruct", 70.55),
    ("llama3-2-3b", "meta-llama/Llama-3.2-3B-Instruct", 3.21),
    ("llama", "meta-llama/Llama-3.1-8B-Instruct", 8.03),
    ("qwen", "Qwen/Qwen3-4B-Thinking-2507", 4.02),
    ("mistral", "mistralai/Mistral-7B-Instruct-v0.3", 7.25),
    ("deepseek", "deepseek-ai/DeepSeek-R1-Distill-Llama-8B", 8.03),
)


def model_for_job(job_name: str) -> tuple[str, float]:
    """The Hugging Face model a job fine-tunes, guessed from its name, and its size in billions of parameters."""
    for keyword, model, billions in _MODELS:
        if keyword in job_name:
            return model, billions
    return "meta-llama/Llama-3.2-1B-Instruct", 1.24


def steps_for_duration(duration_seconds: float) -> int:
    """How many steps fit in a job meant to take `duration_seconds` from rendezvous to exit."""
    return max(1, int((duration_seconds - STARTUP_SECONDS - FINAL_SAVE_SECONDS) // STEP_SECONDS))


def _glog(level: str, at: datetime, source: str, message: str) -> str:
    """torch.distributed.elastic's glog-style line: `I1128 10:00:00.123456 1 path/file.py:123] message`."""
    return f"{level}{at:%m%d %H:%M:%S.%f} 1 {source}] {message}"


def _sigterm_line(at: datetime) -> tuple[datetime, str]:
    """The elastic agent told to stop (by the operator, or as a peer's failure tears the job down)."""
    message = "Received Signals.SIGTERM death signal, shutting down workers"
    return at, _glog("W", at, "torch/distributed/elastic/agent/server/api.py:719", message)


@dataclass(frozen=True, slots=True)
class TrainingRun:
    job: str
    pod: str
    node_rank: int
    nnodes: int
    nproc_per_node: int
    seed: int  # the job's seed: every node sees the same (all-reduced) loss curve
    total_steps: int
    resume_step: int  # 0 on a fresh start, else the checkpoint this run loads
    restart_count: int
    master_addr: str
    started_at: datetime  # container start
    rendezvous_at: datetime | None  # when every node's agent joined; None while some node is not up yet
    stalled_at: datetime | None = None  # the processes hang here (a stuck collective): nothing printed after it

    # -- timeline ---------------------------------------------------------------------------------------------------
    @property
    def training_started_at(self) -> datetime | None:
        return self.rendezvous_at + timedelta(seconds=STARTUP_SECONDS) if self.rendezvous_at else None

    @property
    def _natural_finish(self) -> datetime | None:
        if not self.training_started_at:
            return None
        remaining = (self.total_steps - self.resume_step) * STEP_SECONDS + FINAL_SAVE_SECONDS
        return self.training_started_at + timedelta(seconds=remaining)

    @property
    def finished_at(self) -> datetime | None:
        """When the script exits 0, if nothing interrupts it; None for a run that hangs before it would finish."""
        natural = self._natural_finish
        if natural is None or (self.stalled_at is not None and self.stalled_at < natural):
            return None
        return natural

    def _step_time(self, step: int) -> datetime:
        assert self.training_started_at is not None
        return self.training_started_at + timedelta(seconds=(step - self.resume_step) * STEP_SECONDS)

    def steps_done(self, moment: datetime) -> int:
        if self.stalled_at is not None:
            moment = min(moment, self.stalled_at)
        if not self.training_started_at or moment < self.training_started_at:
            return self.resume_step
        done = self.resume_step + int((moment - self.training_started_at).total_seconds() // STEP_SECONDS)
        return min(done, self.total_steps)

    def last_checkpoint(self, moment: datetime) -> int:
        """The newest checkpoint on FSx at `moment` (what a restart resumes from)."""
        return max(self.resume_step, self.steps_done(moment) // CHECKPOINT_EVERY_STEPS * CHECKPOINT_EVERY_STEPS)

    # -- derived numbers ---------------------------------------------------------------------------------------------
    @property
    def global_ranks(self) -> range:
        first = self.node_rank * self.nproc_per_node
        return range(first, first + self.nproc_per_node)

    @property
    def world_size(self) -> int:
        return self.nnodes * self.nproc_per_node

    @property
    def checkpoint_dir(self) -> str:
        return f"/fsx/checkpoints/{self.job}"

    def loss(self, step: int) -> float:
        shape = random.Random(self.seed)
        start, floor = 2.1 + shape.random() * 0.6, 0.55 + shape.random() * 0.35
        tau = max(20.0, self.total_steps * 0.3)
        noise = random.Random(f"{self.seed}:loss:{step}").gauss(0.0, 0.025)
        return floor + (start - floor) * math.exp(-step / tau) + noise * (0.5 + math.exp(-step / tau))

    def learning_rate(self, step: int) -> float:
        peak, warmup = 2e-5, max(1, min(50, self.total_steps // 10))
        if step < warmup:
            return peak * step / warmup
        progress = (step - warmup) / max(1, self.total_steps - warmup)
        return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))

    def tokens_per_second(self, step: int) -> int:
        jitter = random.Random(f"{self.seed}:{self.node_rank}:tps:{step}").gauss(1.0, 0.03)
        return int(1650 * self.nproc_per_node * jitter)

    # -- lines --------------------------------------------------------------------------------------------------------
    def _worker(self, at: datetime, message: str, local_rank: int = 0) -> str:
        return f"[default{local_rank}]:{at:%Y-%m-%d %H:%M:%S},{at.microsecond // 1000:03d} - INFO - {message}"

    def _nccl(self, local_rank: int, message: str) -> str:
        pid = _PID + local_rank
        return f"[default{local_rank}]:{self.pod}:{pid}:{pid + 44} [{local_rank}] NCCL INFO {message}"

    def _launch_lines(self) -> list[tuple[float, str]]:
        at = self.started_at
        run_py = "torch/distributed/run.py:792"
        banner = "*" * 41
        return [
            (0.0, _glog("W", at, run_py, "")),
            (0.0, _glog("W", at, run_py, banner)),
            (
                0.0,
                _glog(
                    "W",
                    at,
                    run_py,
                    "Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid "
                    "your system being overloaded, please further tune the variable for optimal performance in your "
                    "application as needed.",
                ),
            ),
            (0.0, _glog("W", at, run_py, banner)),
            (
                0.2,
                _glog(
                    "I",
                    at + timedelta(seconds=0.2),
                    "hyperpod_elastic_agent/hyperpod_elastic_agent.py:141",
                    f"Starting HyperPodElasticAgent: nnodes={self.nnodes}:{self.nnodes} "
                    f"nproc_per_node={self.nproc_per_node} node_rank={self.node_rank} "
                    f"restart_count={self.restart_count}",
                ),
            ),
            (
                0.3,
                _glog(
                    "I",
                    at + timedelta(seconds=0.3),
                    "hyperpod_elastic_agent/rendezvous.py:88",
                    f"Waiting for {self.nnodes} node(s) to join the rendezvous of job {self.job}",
                ),
            ),
        ]

    def _rendezvous_lines(self) -> list[tuple[float, str]]:
        ranks = list(self.global_ranks)
        api = "torch/distributed/elastic/agent/server/api.py"
        assert self.rendezvous_at is not None
        at = self.rendezvous_at + timedelta(seconds=0.5)
        result = [
            f"  restart_count={self.restart_count}",
            f"  master_addr={self.master_addr}",
            f"  master_port={MASTER_PORT}",
            f"  group_rank={self.node_rank}",
            f"  group_world_size={self.nnodes}",
            f"  local_ranks={list(range(self.nproc_per_node))}",
            f"  role_ranks={ranks}",
            f"  global_ranks={ranks}",
            f"  role_world_sizes={[self.world_size] * self.nproc_per_node}",
            f"  global_world_sizes={[self.world_size] * self.nproc_per_node}",
            "",
        ]
        lines = [(0.5, _glog("I", at, f"{api}:525", "[default] Rendezvous complete for workers. Result:"))]
        lines += [(0.5, text) for text in result]
        lines.append((1.0, _glog("I", at + timedelta(seconds=0.5), f"{api}:533", "[default] Starting worker group")))
        return lines

    def _nccl_lines(self) -> list[tuple[float, str]]:
        lines = [
            (4.0, self._nccl(0, f"Bootstrap : Using eth0:{self.master_addr if self.node_rank == 0 else 'eth0'}<0>")),
            (4.1, self._nccl(0, "NET/OFI Initializing aws-ofi-nccl 1.13.2-aws")),
            (4.2, self._nccl(0, "NET/OFI Selected provider is efa, fabric is efa-direct (found 1 nics)")),
            (4.3, self._nccl(0, "Using network Libfabric")),
        ]
        if self.node_rank == 0:
            lines.insert(0, (3.9, self._nccl(0, f"NCCL version {_NCCL_VERSION}+cuda12.4")))
        for local_rank, rank in enumerate(self.global_ranks):
            lines.append(
                (
                    5.0,
                    self._nccl(
                        local_rank,
                        f"comm 0x55d1c{rank:03x}0 rank {rank} nRanks {self.world_size} nNodes {self.nnodes} "
                        f"localRanks {self.nproc_per_node} localRank {local_rank} MNNVL 0",
                    ),
                )
            )
        lines.append((6.0, self._nccl(0, f"comm 0x55d1c{self.global_ranks[0]:03x}0 Init COMPLETE")))
        return lines

    def _setup_lines(self) -> list[tuple[float, str]]:
        model, billions = model_for_job(self.job)
        samples = 20_000 + random.Random(f"{self.seed}:samples").randrange(80_000)
        lines = [
            (3.0, f"Initializing process group: backend=nccl world_size={self.world_size} rank={self.global_ranks[0]}"),
            (8.0, f"Loading tokenizer and model {model}"),
            (15.0, f"Model loaded: {billions:.2f}B parameters, wrapped with FSDP (FULL_SHARD), mixed precision bf16"),
            (18.0, f"Loading dataset from /fsx/data/{self.job}/train.jsonl: {samples:,} samples"),
        ]
        if self.resume_step:
            lines.append((22.0, f"Loading checkpoint from {self.checkpoint_dir}/step_{self.resume_step}"))
            lines.append((26.0, f"Resuming training from step {self.resume_step}"))
        else:
            lines.append((22.0, f"No checkpoint found in {self.checkpoint_dir}, starting from scratch"))
        lines.append(
            (
                STARTUP_SECONDS - 0.5,
                f"Starting training: steps {self.resume_step + 1}..{self.total_steps}, "
                f"global batch size {8 * self.world_size}, sequence length 4096",
            )
        )
        assert self.rendezvous_at is not None
        return [(offset, self._worker(self.rendezvous_at + timedelta(seconds=offset), text)) for offset, text in lines]

    def _step_lines(self, first: int, last: int) -> list[tuple[datetime, str]]:
        lines: list[tuple[datetime, str]] = []
        for step in range(first, last + 1):
            at = self._step_time(step)
            if step % LOG_EVERY_STEPS == 0 or step == self.total_steps:
                text = (
                    f"step {step} | loss {self.loss(step):.4f} | lr {self.learning_rate(step):.2e} | "
                    f"tokens/s {self.tokens_per_second(step)}"
                )
                lines.append((at, self._worker(at, text)))
            if self.node_rank == 0 and step % CHECKPOINT_EVERY_STEPS == 0 and step != self.total_steps:
                path = f"{self.checkpoint_dir}/step_{step}"
                low, high = CHECKPOINT_SAVE_SECONDS
                seconds = random.Random(f"{self.seed}:ckpt:{step}").uniform(low, high)
                lines.append((at, self._worker(at, f"Saving checkpoint to {path}")))
                saved = at + timedelta(seconds=seconds)
                lines.append((saved, self._worker(saved, f"Checkpoint saved to {path} in {seconds:.1f}s")))
        return lines

    def _completion_lines(self) -> list[tuple[datetime, str]]:
        assert self.finished_at is not None
        end = self.finished_at
        save = end - timedelta(seconds=FINAL_SAVE_SECONDS)
        api = "torch/distributed/elastic/agent/server/api.py"
        lines = []
        if self.node_rank == 0:
            lines.append((save, self._worker(save, f"Saving final model to {self.checkpoint_dir}/final")))
        lines += [
            (
                end,
                self._worker(
                    end, f"Training completed: {self.total_steps} steps, final loss {self.loss(self.total_steps):.4f}"
                ),
            ),
            (
                end,
                _glog(
                    "I",
                    end,
                    f"{api}:709",
                    "[default] worker group successfully finished. Waiting 300 seconds for other agents to finish.",
                ),
            ),
            (
                end,
                _glog(
                    "I",
                    end,
                    f"{api}:962",
                    "Local worker group finished (WorkerState.SUCCEEDED). Waiting 300 "
                    "seconds for other agents to finish",
                ),
            ),
            (end, _glog("I", end, f"{api}:976", "Done waiting for other agents. Elapsed: 0.41 seconds")),
        ]
        return lines

    def lines_between(self, after: datetime, until: datetime) -> list[tuple[datetime, str]]:
        """Every line the pod prints in (after, until], oldest first, each with the moment it was printed."""
        timed = [(self.started_at + timedelta(seconds=o), text) for o, text in self._launch_lines()]
        natural = self._natural_finish
        if self.rendezvous_at and natural:
            anchored = self._rendezvous_lines() + self._nccl_lines() + self._setup_lines()
            timed += [(self.rendezvous_at + timedelta(seconds=o), text) for o, text in anchored]
            # Only steps whose lines can fall in the window: a checkpoint note trails its step by the save time.
            already_out = self.steps_done(after - timedelta(seconds=CHECKPOINT_SAVE_SECONDS[1]))
            first = max(self.resume_step, already_out) + 1
            last = self.steps_done(min(until, natural))
            timed += self._step_lines(first, last)
            if self.finished_at:
                timed += self._completion_lines()
        end = min(until, self.finished_at) if self.finished_at else until
        if self.stalled_at is not None:
            end = min(end, self.stalled_at)
        return sorted((line for line in timed if after < line[0] <= end), key=lambda line: line[0])

    def failure_lines(self, at: datetime) -> list[tuple[datetime, str]]:
        """Rank 0 crashes at `at`: its Python traceback, then the agent's ChildFailedError summary."""
        rank_prefix = f"[default0]:[rank{self.global_ranks[0]}]: "
        kind = random.Random(f"{self.seed}:fault:{self.restart_count}").choice(("nccl", "cuda"))
        frames = [
            "Traceback (most recent call last):",
            f'  File "{_SCRIPT}", line 412, in <module>',
            "    main()",
            f'  File "{_SCRIPT}", line 388, in main',
            "    loss = train_step(model, batch, optimizer)",
            f'  File "{_SCRIPT}", line 251, in train_step',
            "    loss.backward()",
            f'  File "{_PROGRAM}/torch/_tensor.py", line 648, in backward',
            "    torch.autograd.backward(",
            f'  File "{_PROGRAM}/torch/autograd/__init__.py", line 353, in backward',
            "    _engine_run_backward(",
            f'  File "{_PROGRAM}/torch/autograd/graph.py", line 824, in _engine_run_backward',
            "    return Variable._execution_engine.run_backward(  # Calls into the C++ engine to run the backward pass",
        ]
        if kind == "nccl":
            frames += [
                f'  File "{_PROGRAM}/torch/distributed/fsdp/_runtime_utils.py", line 809, in _post_backward_hook',
                "    _reduce_grad(state, handle)",
                f'  File "{_PROGRAM}/torch/distributed/c10d_logger.py", line 81, in wrapper',
                "    return func(*args, **kwargs)",
                f'  File "{_PROGRAM}/torch/distributed/distributed_c10d.py", line 4188, in reduce_scatter_tensor',
                "    work = group._reduce_scatter_base(output, input, opts)",
                "torch.distributed.DistBackendError: NCCL error in: /opt/pytorch/pytorch/torch/csrc/distributed/c10d/"
                f"NCCLUtils.hpp:317, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version "
                f"{_NCCL_VERSION}",
                "ncclUnhandledCudaError: Call to CUDA function failed.",
                "Last error:",
                "Cuda failure 'an illegal memory access was encountered'",
            ]
        else:
            frames += [
                "RuntimeError: CUDA error: an illegal memory access was encountered",
                "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below "
                "might be incorrect.",
                "For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
                "Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.",
            ]
        summary = [
            _glog(
                "E",
                at,
                "torch/distributed/elastic/multiprocessing/api.py:869",
                f"failed (exitcode: 1) local_rank: 0 (pid: {_PID}) of binary: /usr/bin/python3",
            ),
            "torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ",
            "============================================================",
            f"{_SCRIPT} FAILED",
            "------------------------------------------------------------",
            "Failures:",
            "  <NO_OTHER_FAILURES>",
            "------------------------------------------------------------",
            "Root Cause (first observed failure):",
            "[0]:",
            f"  time      : {at:%Y-%m-%d_%H:%M:%S}",
            f"  host      : {self.pod}",
            f"  rank      : {self.global_ranks[0]} (local_rank: 0)",
            f"  exitcode  : 1 (pid: {_PID})",
            "  error_file: <N/A>",
            "  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html",
            "============================================================",
        ]
        return [(at, rank_prefix + frame) for frame in frames] + [(at, text) for text in summary]

    def peer_failure_lines(self, at: datetime) -> list[tuple[datetime, str]]:
        """Another node's rank dies at `at`: this node's NCCL watchdog notices, then the operator stops the agent."""
        rank = self.global_ranks[0]
        return [
            (
                at,
                f"[default0]:[rank{rank}]:[E{at:%m%d %H:%M:%S.%f} {_PID} ProcessGroupNCCL.cpp:1595] "
                f"[PG ID 0 PG GUID 0(default_pg) Rank {rank}] Process group watchdog thread terminated with exception: "
                f"NCCL error: remote process exited or there was a network error, NCCL version {_NCCL_VERSION}",
            ),
            _sigterm_line(at),
        ]

    def stop_lines(self, at: datetime) -> list[tuple[datetime, str]]:
        """The operator stops a healthy-looking run (a log monitoring rule fired): the agent shuts its workers down."""
        return [_sigterm_line(at)]
