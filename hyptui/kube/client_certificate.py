"""A kubeconfig client certificate handed to the SSL context, which only loads key pairs from files: written to a
private directory for the moment it takes, then removed."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hyptui.kube.kubeconfig import UserAuth


@dataclass(frozen=True, slots=True)
class ClientCertificate:
    cert: Path
    key: Path

    @classmethod
    def written(cls, auth: UserAuth) -> ClientCertificate | None:
        if auth.client_cert_pem is None or auth.client_key_pem is None:
            return None
        directory = Path(tempfile.mkdtemp(prefix="hyptui-client-cert-"))  # 0700: only this user can read the key
        cert, key = directory / "client.crt", directory / "client.key"
        for path, pem in ((cert, auth.client_cert_pem), (key, auth.client_key_pem)):
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as file:
                file.write(pem)
        return cls(cert, key)

    def remove(self) -> None:
        shutil.rmtree(self.cert.parent, ignore_errors=True)
