"""What a recording must never hold: values under keys that name a secret (anywhere in nested objects), a Secret's
data, a secret-named environment variable's value, a URL's user:password, and any string containing a credential
the app knows (hyptui.recording.credentials)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "<redacted>"
MIN_SECRET_LENGTH = 4  # a shorter "secret" would blank every string that happens to contain it

# Compared with the key lowercased and without "-" and "_": `client-key-data`, `aws_secret_access_key`, `idToken`.
_SECRET_KEYS = frozenset({"authorization", "clientkeydata", "clientcertificatedata", "passwd", "privatekey"})
_SECRET_ENDINGS = ("token", "password", "secret", "secretaccesskey", "secretkey", "accesskeyid", "apikey")
_URL_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")


def secret_key(key: str) -> bool:
    normalized = key.lower().replace("-", "").replace("_", "")
    return normalized in _SECRET_KEYS or normalized.endswith(_SECRET_ENDINGS)


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = frozenset(secret for secret in secrets if len(secret) >= MIN_SECRET_LENGTH)

    def with_secrets(self, more: Iterable[str]) -> Redactor:
        return Redactor(self.secrets | set(more))

    def redact(self, value: Any) -> Any:
        """`value` (JSON-ready: dicts, lists, strings, numbers) with every secret replaced by REDACTED."""
        if isinstance(value, str):
            return self._string(value)
        if isinstance(value, Mapping):
            return self._mapping(value)
        if isinstance(value, list | tuple):
            return [self.redact(item) for item in value]
        return value

    def _string(self, text: str) -> str:
        if any(secret in text for secret in self.secrets):
            return REDACTED
        return _URL_USERINFO.sub(REDACTED + "@", text)

    def _mapping(self, mapping: Mapping[str, Any]) -> dict[str, Any]:
        secret_object = mapping.get("kind") == "Secret"
        secret_variable = isinstance(mapping.get("name"), str) and secret_key(mapping["name"])
        result = {}
        for key, item in mapping.items():
            if secret_object and key in ("data", "stringData") and isinstance(item, Mapping):
                result[key] = dict.fromkeys(item, REDACTED)
            elif isinstance(item, str) and (secret_key(key) or (secret_variable and key == "value")):
                result[key] = REDACTED
            else:
                result[key] = self.redact(item)
        return result
