"""The simulated SageMaker Spaces add-on: workspace controller, webhook, connections and its seed objects."""
