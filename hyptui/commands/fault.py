"""`hyptui fault`: inject the faults HyperPod recovers from, through the ordinary Kubernetes API.

Each verb is what an operator (or the simulated cluster's demo) would do by hand: label a node unhealthy as HyperPod's
health agent does, delete a training pod, or make a job's processes hang. Against the embedded cluster the simulated
health agent and training operator then react; against a real cluster the first two trigger the real recovery.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from hyptui.hyperpod.labels import PENDING_REBOOT, PENDING_REPLACEMENT
from hyptui.hyperpod.node_faults import NodeUnhealthy

JOB_GROUP, JOB_VERSION, JOB_PLURAL = "sagemaker.amazonaws.com", "v1", "hyperpodpytorchjobs"


class FaultError(Exception):
    """A fault that could not be injected; the message names what was missing or refused."""


def register(commands: argparse._SubParsersAction) -> None:
    fault = commands.add_parser("fault", help="inject a node, pod or job fault (for demos and tests)")
    verbs = fault.add_subparsers(dest="fault", metavar="FAULT", required=True)
    node = verbs.add_parser("node-unhealthy", help="mark a node for replacement (or reboot), as HyperPod's agent does")
    node.add_argument("node", metavar="NODE")
    node.add_argument("--reboot", action="store_true", help=f"{PENDING_REBOOT} instead of {PENDING_REPLACEMENT}")
    node.set_defaults(run=run)
    pod = verbs.add_parser("kill-pod", help="delete a training pod; the training operator recreates it")
    pod.add_argument("target", metavar="NAMESPACE/POD")
    pod.set_defaults(run=run)
    quiet = verbs.add_parser("quiet-log", help="make a HyperPodPyTorchJob's processes hang (its logs go quiet)")
    quiet.add_argument("target", metavar="NAMESPACE/JOB")
    quiet.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        print(inject(args))
    except FaultError as error:
        print(f"hyptui fault: {error}", file=sys.stderr)
        return 1
    return 0


def inject(args: argparse.Namespace) -> str:
    """Carry out `args.fault`; returns what was done, raises FaultError with a message naming what went wrong."""
    from kubernetes import client, config
    from kubernetes.client.exceptions import ApiException
    from kubernetes.config.config_exception import ConfigException

    try:
        config_file = str(args.kubeconfig) if args.kubeconfig else None
        api_client = config.new_client_from_config(config_file=config_file, context=args.context)
    except (ConfigException, OSError) as error:
        raise FaultError(f"cannot use the kubeconfig: {error}") from None
    with api_client:
        try:
            if args.fault == "node-unhealthy":
                return _node_unhealthy(client.CoreV1Api(api_client), args.node, args.reboot)
            namespace, name = _split(args.target, "POD" if args.fault == "kill-pod" else "JOB")
            if args.fault == "kill-pod":
                return _kill_pod(client.CoreV1Api(api_client), namespace, name)
            return _quiet_log(client.CustomObjectsApi(api_client), namespace, name)
        except ApiException as error:
            raise FaultError(_api_error(error)) from None
        except OSError as error:  # urllib3 wraps refused connections in its own OSError subclasses
            raise FaultError(f"cannot reach the API server: {error}") from None


def _split(target: str, what: str) -> tuple[str, str]:
    namespace, _, name = target.partition("/")
    if not namespace or not name or "/" in name:
        raise FaultError(f"expected NAMESPACE/{what}, got {target!r}")
    return namespace, name


def _not_found(error: Any) -> bool:
    return getattr(error, "status", None) == 404


def _api_error(error: Any) -> str:
    try:
        message = json.loads(error.body).get("message") or ""
    except (TypeError, ValueError, AttributeError):
        message = ""
    return f"the API server refused: {error.status} {error.reason}" + (f": {message}" if message else "")


def _node_unhealthy(core: Any, node: str, reboot: bool) -> str:
    from kubernetes.client.exceptions import ApiException

    fault = NodeUnhealthy(node, reboot)
    try:
        core.patch_node(node, fault.patch)
    except ApiException as error:
        if _not_found(error):
            raise FaultError(f"node {node!r} not found") from None
        raise
    return fault.done


def _kill_pod(core: Any, namespace: str, pod: str) -> str:
    from kubernetes.client.exceptions import ApiException

    try:
        core.delete_namespaced_pod(pod, namespace)
    except ApiException as error:
        if _not_found(error):
            raise FaultError(f"pod {pod!r} not found in namespace {namespace!r}") from None
        raise
    return f"pod/{pod} deleted from {namespace}"


def _quiet_log(custom: Any, namespace: str, job: str) -> str:
    from kubernetes.client.exceptions import ApiException

    from hyptui.sim.training.operator import QUIET_LOG_ANNOTATION

    body = {"metadata": {"annotations": {QUIET_LOG_ANNOTATION: "true"}}}
    try:
        custom.patch_namespaced_custom_object(JOB_GROUP, JOB_VERSION, namespace, JOB_PLURAL, job, body)
    except ApiException as error:
        if _not_found(error):
            raise FaultError(f"HyperPodPyTorchJob {job!r} not found in namespace {namespace!r}") from None
        raise
    return f"hyperpodpytorchjob/{job} in {namespace} annotated {QUIET_LOG_ANNOTATION}=true: its processes hang"
