"""What went wrong with an AWS call, said so a person can act on it: missing or expired credentials, an unknown
profile, no region, access denied, throttling that outlasted the retries, an endpoint that does not answer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

# Error codes AWS uses across protocols (JSON: ...Exception; query: bare) for the same situations.
_EXPIRED = {
    "ExpiredToken",
    "ExpiredTokenException",
    "RequestExpired",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
}
_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}
_THROTTLED = {"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"}
_NOT_FOUND = {"ResourceNotFound", "ResourceNotFoundException"}


class AwsFailure(Exception):
    """An AWS call that failed; `str()` is the message to show, `code` the AWS error code when AWS answered."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code

    @property
    def not_found(self) -> bool:
        return self.code in _NOT_FOUND


def explain(error: Exception, what: str) -> AwsFailure:
    """`error` raised by boto3 while doing `what` ("list HyperPod clusters"), as an AwsFailure."""
    from botocore import exceptions

    if isinstance(error, exceptions.ProfileNotFound):
        return AwsFailure(
            f"Cannot {what}: the AWS profile {error.kwargs.get('profile')!r} is not in ~/.aws/config or "
            "~/.aws/credentials; pass --profile with one that is, or set AWS_PROFILE."
        )
    if isinstance(error, exceptions.NoCredentialsError | exceptions.PartialCredentialsError):
        return AwsFailure(
            f"Cannot {what}: no AWS credentials found. Run `aws configure` or `aws sso login`, set AWS_PROFILE or "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass --profile."
        )
    if isinstance(
        error, exceptions.TokenRetrievalError | exceptions.UnauthorizedSSOTokenError | exceptions.SSOTokenLoadError
    ):
        return AwsFailure(f"Cannot {what}: the AWS SSO session has expired; run `aws sso login` and try again.")
    if isinstance(error, exceptions.NoRegionError):
        return AwsFailure(
            f"Cannot {what}: no AWS region. Pass --region, set AWS_REGION, set a region in the profile, or use a "
            "kubeconfig context of an EKS cluster."
        )
    if isinstance(error, exceptions.EndpointConnectionError | exceptions.ConnectTimeoutError):
        return AwsFailure(f"Cannot {what}: the AWS endpoint does not answer ({error}).")
    if isinstance(error, exceptions.ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "") or str(error)
        if code in _EXPIRED:
            return AwsFailure(
                f"Cannot {what}: the AWS credentials have expired or are not valid ({code}); refresh them "
                "(e.g. `aws sso login`) and try again.",
                code,
            )
        if code in _DENIED:
            return AwsFailure(f"Cannot {what}: access denied. {message}", code)
        if code in _THROTTLED:
            attempts = error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
            return AwsFailure(
                f"Cannot {what}: AWS is throttling requests ({message}) and still was after {attempts} retries; "
                "try again in a moment.",
                code,
            )
        return AwsFailure(f"Cannot {what}: {message} ({code})", code)
    if isinstance(error, exceptions.BotoCoreError):
        return AwsFailure(f"Cannot {what}: {error}")
    raise error


@contextmanager
def calling(what: str) -> Iterator[None]:
    """Turn whatever boto3 raises inside into an AwsFailure naming `what` was being done."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (BotoCoreError, ClientError) as error:
        raise explain(error, what) from error
