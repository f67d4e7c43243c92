"""`hyptui --record FILE`: every batch the store reduces, appended to the file and flushed at once (a crash keeps
what came before), each action redacted; the file is created readable by its owner only."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO

from hyptui import __version__
from hyptui.aws.target import AwsTarget
from hyptui.kube.target import KubeTarget
from hyptui.recording.codec import action_name, encode_action
from hyptui.recording.credentials import aws_credentials, kube_context, kube_credentials, resolved_aws_credentials
from hyptui.recording.recording_file import Header, Moment, action_line, end_line, header_line
from hyptui.recording.redact import Redactor
from hyptui.store.actions import Action

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def open_recorder(path: Path, kube: KubeTarget, aws: AwsTarget) -> Recorder:
    """A recorder writing to `path` (replaced if it exists), redacting the credentials the session can use.
    Raises OSError when the file cannot be created."""
    recorder = Recorder(path, context=kube_context(kube), secrets=kube_credentials(kube) | aws_credentials(aws))
    # botocore may ask a metadata service for credentials: learn them in the background, before any AWS reply.
    threading.Thread(
        target=lambda: recorder.add_secrets(resolved_aws_credentials(aws)), name="record-aws-keys", daemon=True
    ).start()
    return recorder


class Recorder:
    def __init__(
        self,
        path: Path,
        *,
        context: str,
        secrets: Iterable[str] = (),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self._monotonic = monotonic
        self._context = context
        self._redactor = Redactor(secrets)  # replaced, never mutated, so add_secrets needs no lock
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)  # an existing file keeps its mode through O_CREAT
        self._file: IO[str] | None = os.fdopen(descriptor, "w", encoding="utf-8")
        self._clock: Clock | None = None
        self._started = 0.0
        self.batches = 0  # batches written so far

    def add_secrets(self, secrets: Iterable[str]) -> None:
        self._redactor = self._redactor.with_secrets(secrets)

    def start(self, clock: Clock) -> None:
        """Write the header; `clock` is the app's (simulated time under `hyptui demo`)."""
        self._clock = clock
        self._started = self._monotonic()
        self._write([header_line(Header(__version__, clock(), self._context))])

    def record(self, actions: Sequence[Action]) -> None:
        """One batch, in the order the store reduced it."""
        moment = self._moment()
        redact = self._redactor.redact
        lines = [
            action_line(self.batches, moment, action_name(action), redact(encode_action(action))) for action in actions
        ]
        self.batches += 1
        self._write(lines)

    def close(self) -> None:
        if self._file is None:
            return
        self._write([end_line(self._moment())])
        self._file.close()
        self._file = None

    def _moment(self) -> Moment:
        assert self._clock is not None, "start() first"
        return Moment(self._clock(), self._monotonic() - self._started)

    def _write(self, lines: list[dict]) -> None:
        if self._file is None:
            return
        try:
            self._file.write("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
            self._file.flush()
        except OSError:  # a full disk must not take the session down with it; the recording just stops
            logger.exception("recording to %s stopped", self.path)
            self._file = None
