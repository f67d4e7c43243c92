"""Which cluster and namespace scope the user asked for on the command line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class KubeTarget:
    kubeconfig: Path | None = None  # None: $KUBECONFIG, then ~/.kube/config, as kubectl does
    context: str | None = None  # None: the kubeconfig's current-context
    namespace: str | None = None  # an explicit -n
    all_namespaces: bool = False  # -A

    def scope(self, context_namespace: str | None) -> str | None:
        """The namespace to watch, or None for all: -n, then -A, then the context's namespace, then all namespaces.

        Falling back to all namespaces (not `default`, as `hyp` does) because HyperPod work lives in team namespaces.
        """
        if self.namespace:
            return self.namespace
        if self.all_namespaces:
            return None
        return context_namespace or None
