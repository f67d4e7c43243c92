"""The embedded AWS side: the simulated account and the SageMaker, EKS, STS and CloudFormation APIs in their wire
protocols."""
