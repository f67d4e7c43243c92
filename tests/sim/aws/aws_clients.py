"""boto3 clients pointed at an embedded cluster's AWS server, as hyptui's demo points them (any credentials)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.client import BaseClient
from botocore.config import Config

from hyptui.sim.cluster import EmbeddedCluster


def aws_client(cluster: EmbeddedCluster, service: str, region: str = "us-east-2", **config: Any) -> BaseClient:
    return boto3.client(
        service,
        endpoint_url=cluster.aws_url,
        region_name=region,
        aws_access_key_id="hyptui",
        aws_secret_access_key="hyptui",
        config=Config(**config) if config else None,
    )
