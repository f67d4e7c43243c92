"""The endpoints section: list, detail and the invoke panel."""
