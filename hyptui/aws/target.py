"""Which AWS account, region and endpoint the user asked for; boto3 resolves everything left as None the standard
way (AWS_PROFILE, AWS_REGION, ~/.aws/config, instance roles)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEMO_REGION = "us-east-2"  # the talk's region; the embedded cluster reports it in its ARNs
DEMO_KEY = "hyptui"  # the embedded cluster accepts any credentials; boto3 still insists on having some


@dataclass(frozen=True, slots=True)
class AwsTarget:
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None  # boto3's standard override: the embedded cluster's loopback AWS server
    access_key: str | None = None
    secret_key: str | None = None
    # The kubeconfig user that reaches this account's live EKS cluster, where it is not the AWS CLI's own (the
    # embedded account signs its tokens with a profile of its own).
    kube_user: Mapping[str, Any] | None = None

    @classmethod
    def embedded(cls, endpoint_url: str, kube_user: Mapping[str, Any] | None = None) -> AwsTarget:
        """The embedded cluster's AWS side, with the dummy credentials it accepts."""
        return cls(
            region=DEMO_REGION, endpoint_url=endpoint_url, access_key=DEMO_KEY, secret_key=DEMO_KEY, kube_user=kube_user
        )

    def session(self) -> Any:
        """A boto3 session; boto3 is imported here, on first use, because importing it costs most of a second."""
        import boto3

        return boto3.session.Session(
            profile_name=self.profile,
            region_name=self.region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
        )

    def client(self, service: str, config: Any = None) -> Any:
        """A boto3 client; `config` is a botocore Config (retries, user agent)."""
        return self.session().client(service, endpoint_url=self.endpoint_url, config=config)
