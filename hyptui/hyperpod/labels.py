"""The labels HyperPod and its operators put on nodes and pods, each spelled once for the simulator, the views and
the screens."""

JOB_LABEL = (
    "HPJob"  # the training operator labels every pod of a job with HPJob=<job name>; `hyp list-pods` selects on it
)
APP_LABEL = "app"  # the inference operator labels an endpoint's model pods with app=<endpoint name>
NODE_HEALTH_LABEL = "sagemaker.amazonaws.com/node-health-status"  # the health agent's verdict on a node
DEEP_HEALTH_LABEL = "sagemaker.amazonaws.com/deep-health-check-status"
INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type"
INSTANCE_GROUP_LABEL = "sagemaker.amazonaws.com/instance-group-name"
