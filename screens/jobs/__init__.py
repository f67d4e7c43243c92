"""The jobs section: training jobs, a job's detail, pods and pod logs."""
