"""The simulated Kueue (task governance's scheduler) and the Kueue objects HyperPod task governance makes."""
