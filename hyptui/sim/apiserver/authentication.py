"""Bearer-token authentication for the embedded API server, as EKS does it with aws-iam-authenticator and STS.

EKS hands the presigned GetCallerIdentity URL inside a `k8s-aws-v1.` token to STS, which checks the signature; the
embedded account has no STS to ask, so the signature is recomputed here with the account's own secret keys. Either
way the `x-k8s-aws-id` header is signed with the API server's cluster name, so a token for another cluster fails.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, urlsplit

from hyptui.aws.eks_token import (
    K8S_AWS_ID_HEADER,
    STS_ACTION,
    STS_VERSION,
    TOKEN_LIFETIME_SECONDS,
    TOKEN_PREFIX,
    sts_host_region,
)
from hyptui.sim.aws.protocols import caller_arn

MAX_TOKEN_LENGTH = 4096  # aws-iam-authenticator's bound; a presigned URL is well under it
MAX_FUTURE_SKEW_SECONDS = 60  # a client clock running this far ahead is still believed
MAX_CACHED_TOKENS = 256
ALGORITHM = "AWS4-HMAC-SHA256"
SIGNED_HEADERS = f"host;{K8S_AWS_ID_HEADER}"
# The payload hash SDKs presign a bodiless STS GET with (UNSIGNED-PAYLOAD is S3's alone), and so what STS checks.
EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()  # all the API server knows the values of when it forwards the URL
# The parameters a presigned GetCallerIdentity URL carries; anything else could change what STS would be asked.
QUERY_PARAMETERS = frozenset(
    {
        "Action",
        "Version",
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-Security-Token",
        "X-Amz-Signature",
        "X-Amz-SignedHeaders",
    }
)
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


class Unauthenticated(Exception):
    """A request whose bearer token proves no identity; `reason` is for the server log, never the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TokenAuthenticator:
    """Maps an `Authorization: Bearer k8s-aws-v1....` header to the IAM identity that signed it. `credentials` maps
    each access key id of the embedded account to its secret key; `now` is the clock tokens are dated against."""

    def __init__(
        self,
        cluster_name: str,
        credentials: Mapping[str, str],
        lifetime_seconds: float = TOKEN_LIFETIME_SECONDS,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.cluster_name = cluster_name
        self._credentials = credentials
        self._lifetime = lifetime_seconds
        self._now = now
        # A client reuses one token for every request until it expires: verified tokens skip the HMACs.
        self._verified: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def authenticate(self, authorization: str | None) -> str:
        """The caller's IAM ARN; raises Unauthenticated naming the first thing wrong with the header or token."""
        token = _bearer_token(authorization)
        now = self._now()
        with self._lock:
            identity, expires_at = self._verified.pop(token, ("", 0.0))
            if now <= expires_at:
                self._verified[token] = (identity, expires_at)
                return identity
        identity, signed_at = self._verify(token, now)
        self._remember(token, identity, signed_at + self._lifetime, now)
        return identity

    def _verify(self, token: str, now: float) -> tuple[str, float]:
        url = _presigned_url(token)
        try:
            parts = urlsplit(url)
        except ValueError:
            raise Unauthenticated("the token does not hold a URL") from None
        if parts.scheme != "https":
            raise Unauthenticated(f"the token's URL is not https but {parts.scheme!r}")
        region = sts_host_region(parts.netloc)
        if region is None:
            raise Unauthenticated(f"the token's URL is for {parts.netloc!r}, not an STS endpoint")
        if parts.path != "/":
            raise Unauthenticated(f"the token's URL has the path {parts.path!r}, not '/'")
        query = _query(parts.query)
        _require(query, "Action", STS_ACTION)
        _require(query, "Version", STS_VERSION)
        _require(query, "X-Amz-Algorithm", ALGORITHM)
        signed_headers = query.get("X-Amz-SignedHeaders", "")
        if K8S_AWS_ID_HEADER not in signed_headers.split(";"):
            raise Unauthenticated(f"the token does not sign the {K8S_AWS_ID_HEADER} header")
        if signed_headers != SIGNED_HEADERS:
            raise Unauthenticated(f"the token signs the headers {signed_headers!r}, not {SIGNED_HEADERS!r}")
        expires = query.get("X-Amz-Expires", "")
        if not (expires.isascii() and expires.isdigit() and int(expires) <= TOKEN_LIFETIME_SECONDS):
            raise Unauthenticated(f"X-Amz-Expires {expires!r} is not from 0 to {TOKEN_LIFETIME_SECONDS}")
        signed_at = self._signed_at(query.get("X-Amz-Date", ""), now)
        access_key, scope = _credential_scope(query.get("X-Amz-Credential", ""), query["X-Amz-Date"], region)
        secret = self._credentials.get(access_key)
        if secret is None:
            raise Unauthenticated(f"access key {access_key!r} is not one of the account's")
        expected = _signature(secret, scope, parts.netloc, self.cluster_name, query)
        if not hmac.compare_digest(expected, query.get("X-Amz-Signature", "")):
            raise Unauthenticated(f"the signature does not match a token for cluster {self.cluster_name!r}")
        return caller_arn(access_key), signed_at

    def _signed_at(self, amz_date: str, now: float) -> float:
        try:
            signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
        except ValueError:
            raise Unauthenticated(f"X-Amz-Date {amz_date!r} is not a SigV4 timestamp") from None
        if now > signed_at + self._lifetime:
            raise Unauthenticated(
                f"the token expired: signed {now - signed_at:.0f} s ago, accepted for {self._lifetime:g} s"
            )
        if signed_at > now + MAX_FUTURE_SKEW_SECONDS:
            raise Unauthenticated(f"the token is dated {signed_at - now:.0f} s in the future")
        return signed_at

    def _remember(self, token: str, identity: str, expires_at: float, now: float) -> None:
        with self._lock:
            if len(self._verified) >= MAX_CACHED_TOKENS:
                for stale in [key for key, (_, expiry) in self._verified.items() if expiry < now]:
                    del self._verified[stale]
            while len(self._verified) >= MAX_CACHED_TOKENS:
                del self._verified[next(iter(self._verified))]  # the least recently used: hits move to the end
            self._verified[token] = (identity, expires_at)


def _bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthenticated("no Authorization header")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header is not a bearer token")
    token = token.strip()
    if len(token) > MAX_TOKEN_LENGTH:
        raise Unauthenticated(f"the token is longer than {MAX_TOKEN_LENGTH} characters")
    return token


def _presigned_url(token: str) -> str:
    if not token.startswith(TOKEN_PREFIX):
        raise Unauthenticated(f"the token does not start with {TOKEN_PREFIX!r}")
    encoded = token.removeprefix(TOKEN_PREFIX)
    if not _BASE64URL.fullmatch(encoded):
        raise Unauthenticated("the token is not unpadded base64url")
    try:
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthenticated("the token is not unpadded base64url of UTF-8 text") from None


def _query(raw: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise Unauthenticated("the token's URL has a malformed query string") from None
    query = dict(pairs)
    if len(query) != len(pairs):
        raise Unauthenticated("the token's URL repeats a query parameter")
    unexpected = sorted(set(query) - QUERY_PARAMETERS)
    if unexpected:
        raise Unauthenticated(f"the token's URL has unexpected query parameters {unexpected}")
    return query


def _require(query: Mapping[str, str], name: str, expected: str) -> None:
    if query.get(name) != expected:
        raise Unauthenticated(f"{name} is {query.get(name)!r}, not {expected!r}")


def _credential_scope(credential: str, amz_date: str, region: str) -> tuple[str, str]:
    """The access key id and the scope `date/region/sts/aws4_request`, which must name the day signed and the
    region of the STS host, as STS itself insists."""
    access_key, _, scope = credential.partition("/")
    expected = f"{amz_date[:8]}/{region}/sts/aws4_request"
    if not access_key or scope != expected:
        raise Unauthenticated(f"X-Amz-Credential {credential!r} does not have the scope {expected!r}")
    return access_key, scope


def _signature(secret: str, scope: str, host: str, cluster_name: str, query: Mapping[str, str]) -> str:
    """SigV4 for the GET STS would receive from the API server: the URL's query (less the signature itself), the
    host and the server's own cluster name as headers, and no body."""
    canonical_query = "&".join(
        f"{name}={value}"
        for name, value in sorted(
            (quote(name, safe="-_.~"), quote(value, safe="-_.~"))
            for name, value in query.items()
            if name != "X-Amz-Signature"
        )
    )
    headers = f"host:{host}\n{K8S_AWS_ID_HEADER}:{cluster_name}\n"
    canonical_request = "\n".join(("GET", "/", canonical_query, headers, SIGNED_HEADERS, EMPTY_BODY_SHA256))
    string_to_sign = "\n".join(
        (ALGORITHM, query["X-Amz-Date"], scope, hashlib.sha256(canonical_request.encode()).hexdigest())
    )
    key = f"AWS4{secret}".encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
