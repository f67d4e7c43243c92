"""The simulated HyperPod training operator and what its pods print."""
