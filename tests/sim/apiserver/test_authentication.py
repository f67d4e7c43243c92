"""The embedded API server's token check: tokens from hyptui's own generator prove their signer's identity to the
cluster they name, within their lifetime, and every way a token can be wrong is refused with its own reason."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import botocore.session
import pytest

from hyptui.aws.eks_token import eks_token
from hyptui.sim.apiserver.authentication import MAX_CACHED_TOKENS, TokenAuthenticator, Unauthenticated

CLUSTER = "hyperpod-demo"
ACCESS_KEY, SECRET_KEY = "AKIAHYPTUIALICE", "alice-secret"
ALICE = f"arn:aws:iam::123456789012:user/{ACCESS_KEY}"


class Clock:
    """The authenticator's `now`, set by each test."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_token(cluster: str = CLUSTER, region: str | None = "us-east-2", key: str = ACCESS_KEY) -> str:
    signer = botocore.session.Session()
    signer.set_credentials(key, SECRET_KEY)
    return eks_token(signer, cluster, region)


def presigned_url(token: str) -> str:
    encoded = token.removeprefix("k8s-aws-v1.")
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()


def token_of(url: str) -> str:
    return "k8s-aws-v1." + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")


def signed_at(token: str) -> float:
    amz_date = dict(parse_qsl(urlsplit(presigned_url(token)).query))["X-Amz-Date"]
    return datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()


def with_query(token: str, changes: dict[str, str | None]) -> str:
    """The token with query parameters replaced, added or (None) removed; the signature is left as it was."""
    parts = urlsplit(presigned_url(token))
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    for name, value in changes.items():
        if value is None:
            params.pop(name)
        else:
            params[name] = value
    return token_of(parts._replace(query=urlencode(params, quote_via=quote)).geturl())


def with_url(token: str, **parts: str) -> str:
    return token_of(urlsplit(presigned_url(token))._replace(**parts).geturl())


def authenticator(token: str, *, after: float = 1, credentials: dict[str, str] | None = None) -> TokenAuthenticator:
    """An authenticator for CLUSTER whose clock reads `after` seconds past the token's signing."""
    keys = {ACCESS_KEY: SECRET_KEY} if credentials is None else credentials
    return TokenAuthenticator(CLUSTER, keys, now=Clock(signed_at(token) + after))


def refused(
    token: str, reason: str, *, after: float = 1, credentials: dict[str, str] | None = None, clock_of: str = ""
) -> None:
    """`token` refused with `reason` by an authenticator whose clock is `after` seconds past the signing of `clock_of`
    (default: of `token`)."""
    with pytest.raises(Unauthenticated, match=reason):
        authenticator(clock_of or token, after=after, credentials=credentials).authenticate(f"Bearer {token}")


@pytest.mark.parametrize("region", ["us-east-2", None, "cn-north-1"])
def test_a_generated_token_proves_the_signers_identity(region: str | None) -> None:
    token = make_token(region=region)
    assert authenticator(token).authenticate(f"Bearer {token}") == ALICE


def test_the_scheme_is_case_insensitive_as_in_kubernetes() -> None:
    token = make_token()
    assert authenticator(token).authenticate(f"bearer {token}") == ALICE


def test_a_token_works_within_its_lifetime_and_not_after() -> None:
    token = make_token()
    clock = Clock(signed_at(token))
    checker = TokenAuthenticator(CLUSTER, {ACCESS_KEY: SECRET_KEY}, lifetime_seconds=5, now=clock)
    assert checker.authenticate(f"Bearer {token}") == ALICE
    clock.now = signed_at(token) + 5
    assert checker.authenticate(f"Bearer {token}") == ALICE
    clock.now = signed_at(token) + 6
    with pytest.raises(Unauthenticated, match="expired"):
        checker.authenticate(f"Bearer {token}")


def test_the_default_lifetime_is_eks_fifteen_minutes() -> None:
    token = make_token()
    assert authenticator(token, after=900).authenticate(f"Bearer {token}") == ALICE
    refused(token, "the token expired: signed 901 s ago, accepted for 900 s", after=901)


def test_a_token_dated_in_the_future_beyond_a_small_skew_is_refused() -> None:
    token = make_token()
    assert authenticator(token, after=-60).authenticate(f"Bearer {token}") == ALICE
    refused(token, "dated 61 s in the future", after=-61)


def test_a_token_for_another_cluster_is_refused() -> None:
    refused(make_token(cluster="someone-elses"), f"signature does not match a token for cluster '{CLUSTER}'")


def test_a_tampered_signature_is_refused() -> None:
    token = make_token()
    signature = dict(parse_qsl(urlsplit(presigned_url(token)).query))["X-Amz-Signature"]
    forged = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    refused(with_query(token, {"X-Amz-Signature": forged}), "signature does not match")


def test_the_date_is_covered_by_the_signature() -> None:
    token = make_token()
    earlier = datetime.fromtimestamp(signed_at(token) - 1, UTC).strftime("%Y%m%dT%H%M%SZ")
    refused(with_query(token, {"X-Amz-Date": earlier}), "signature does not match")


def test_a_wrong_secret_is_refused() -> None:
    refused(make_token(), "signature does not match", credentials={ACCESS_KEY: "not-alices-secret"})


def test_an_unknown_access_key_is_refused() -> None:
    refused(make_token(key="AKIAMALLORY"), "access key 'AKIAMALLORY' is not one of the account's")


@pytest.mark.parametrize("authorization", [None, ""])
def test_no_authorization_header_is_refused(authorization: str | None) -> None:
    with pytest.raises(Unauthenticated, match="no Authorization header"):
        TokenAuthenticator(CLUSTER, {}).authenticate(authorization)


@pytest.mark.parametrize("authorization", ["Basic YWxpY2U6c2VjcmV0", "Bearer", "Bearer  ", "k8s-aws-v1.abc"])
def test_anything_but_a_bearer_token_is_refused(authorization: str) -> None:
    with pytest.raises(Unauthenticated, match="not a bearer token"):
        TokenAuthenticator(CLUSTER, {}).authenticate(authorization)


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("eyJhbGciOiJSUzI1NiJ9.e30.sig", "does not start with 'k8s-aws-v1.'"),
        ("k8s-aws-v1.", "not unpadded base64url"),
        ("k8s-aws-v1.!!!!", "not unpadded base64url"),
        ("k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8=", "not unpadded base64url"),
        ("k8s-aws-v1.abcde", "not unpadded base64url"),
        ("k8s-aws-v1." + base64.urlsafe_b64encode(b"\xff\xfe").decode().rstrip("="), "UTF-8"),
        (token_of("https://[::1/"), "does not hold a URL"),
        (token_of("not a url"), "not https"),
        ("k8s-aws-v1." + "A" * 5000, "longer than 4096"),
    ],
)
def test_garbage_is_refused(token: str, reason: str) -> None:
    with pytest.raises(Unauthenticated, match=reason):
        TokenAuthenticator(CLUSTER, {ACCESS_KEY: SECRET_KEY}).authenticate(f"Bearer {token}")


@pytest.mark.parametrize(
    ("parts", "reason"),
    [
        ({"scheme": "http"}, "not https but 'http'"),
        ({"netloc": "sts.example.com"}, "not an STS endpoint"),
        ({"netloc": "sts.us-east-2.amazonaws.com.example.com"}, "not an STS endpoint"),
        ({"netloc": "sts.us-east-2.amazonaws.com:8443"}, "not an STS endpoint"),
        ({"netloc": "alice@sts.us-east-2.amazonaws.com"}, "not an STS endpoint"),
        ({"netloc": "sts.us-west-2.amazonaws.com"}, "does not have the scope"),
        ({"path": "/admin"}, "path '/admin'"),
    ],
)
def test_a_url_that_is_not_the_sts_endpoint_is_refused(parts: dict[str, str], reason: str) -> None:
    token = make_token()
    refused(with_url(token, **parts), reason)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"Action": "AssumeRole"}, "Action is 'AssumeRole', not 'GetCallerIdentity'"),
        ({"Action": None}, "Action is None"),
        ({"Version": "2099-01-01"}, "Version is '2099-01-01'"),
        ({"X-Amz-Algorithm": "AWS4-HMAC-SHA1"}, "X-Amz-Algorithm is 'AWS4-HMAC-SHA1'"),
        ({"X-Amz-SignedHeaders": "host"}, "does not sign the x-k8s-aws-id header"),
        ({"X-Amz-SignedHeaders": "accept;host;x-k8s-aws-id"}, "signs the headers 'accept;host;x-k8s-aws-id'"),
        ({"X-Amz-Expires": "901"}, "X-Amz-Expires '901'"),
        ({"X-Amz-Expires": "-1"}, "X-Amz-Expires '-1'"),
        ({"X-Amz-Date": "yesterday"}, "not a SigV4 timestamp"),
        ({"X-Amz-Credential": "AKIAHYPTUIALICE/20000101/us-east-2/sts/aws4_request"}, "does not have the scope"),
        ({"X-Amz-Credential": "AKIAHYPTUIALICE"}, "does not have the scope"),
        ({"RoleArn": "arn:aws:iam::123456789012:role/admin"}, r"unexpected query parameters \['RoleArn'\]"),
    ],
)
def test_a_query_that_is_not_a_presigned_get_caller_identity_is_refused(
    changes: dict[str, str | None], reason: str
) -> None:
    token = make_token()
    refused(with_query(token, changes), reason, clock_of=token)


def test_a_repeated_query_parameter_is_refused() -> None:
    token = make_token()
    refused(token_of(presigned_url(token) + "&Action=AssumeRole"), "repeats a query parameter")


def test_a_malformed_query_string_is_refused() -> None:
    token = make_token()
    refused(token_of(presigned_url(token) + "&&"), "malformed query string")


def test_a_verified_token_is_remembered_until_it_expires() -> None:
    token = make_token()
    keys = {ACCESS_KEY: SECRET_KEY}
    clock = Clock(signed_at(token) + 1)
    checker = TokenAuthenticator(CLUSTER, keys, lifetime_seconds=10, now=clock)
    assert checker.authenticate(f"Bearer {token}") == ALICE
    del keys[ACCESS_KEY]  # only a token checked again would notice the key is gone
    assert checker.authenticate(f"Bearer {token}") == ALICE
    clock.now = signed_at(token) + 11
    with pytest.raises(Unauthenticated, match="expired"):
        checker.authenticate(f"Bearer {token}")


def test_the_memory_of_verified_tokens_is_bounded() -> None:
    keys = {f"AKIAUSER{index:04d}": SECRET_KEY for index in range(MAX_CACHED_TOKENS + 1)}
    signer = botocore.session.Session()  # one for all: making a session costs more than signing
    tokens = []
    for key in keys:
        signer.set_credentials(key, SECRET_KEY)
        tokens.append(eks_token(signer, CLUSTER, "us-east-2"))
    clock = Clock(max(signed_at(token) for token in tokens))
    checker = TokenAuthenticator(CLUSTER, keys, now=clock)
    for token in tokens:
        checker.authenticate(f"Bearer {token}")
    keys.clear()
    newest = f"arn:aws:iam::123456789012:user/AKIAUSER{MAX_CACHED_TOKENS:04d}"
    assert checker.authenticate(f"Bearer {tokens[-1]}") == newest
    with pytest.raises(Unauthenticated, match="not one of the account's"):
        checker.authenticate(f"Bearer {tokens[0]}")
