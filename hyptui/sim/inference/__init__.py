"""The simulated HyperPod inference operator, its model pods' logs and SageMaker Runtime's InvokeEndpoint."""
