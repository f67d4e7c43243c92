"""The simulated nodes: HyperPod instance types, scheduler placement, kubelet, container logs, health agent, system
pods."""
