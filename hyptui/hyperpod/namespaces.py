"""The namespaces HyperPod's own operators and agents run in."""

HYPERPOD_NAMESPACE = "aws-hyperpod"  # the training operator and the health-monitoring agents
INFERENCE_OPERATOR_NAMESPACE = "hyperpod-inference-system"
