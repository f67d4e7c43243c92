"""Resource names HyperPod schedules by, each spelled once."""

GPU = "nvidia.com/gpu"
MIG_PREFIX = "nvidia.com/mig-"  # a GPU slice: nvidia.com/mig-<profile>, e.g. nvidia.com/mig-1g.10gb
NEURON = "aws.amazon.com/neurondevice"  # Trainium and Inferentia devices
EFA = "vpc.amazonaws.com/efa"
