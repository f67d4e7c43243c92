"""The embedded cluster's Kubernetes API server: HTTP, storage, discovery, OpenAPI, patches, printers, selectors,
validation."""
