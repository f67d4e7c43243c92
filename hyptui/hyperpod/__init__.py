"""HyperPod and Kubernetes vocabulary: kinds, labels, resource names, quantities, conditions and status rules, defined
once for the simulator, the views and the screens."""
