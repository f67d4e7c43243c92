"""hyptui engine: state store, Kubernetes gateway, embedded HyperPod cluster. Never imports Textual."""

__version__ = "0.1.0"
