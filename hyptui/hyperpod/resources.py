"""Resource names HyperPod schedules by, each spelled once."""

GPU = "nvidia.com/gpu"
