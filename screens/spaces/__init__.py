"""The spaces section: list, detail, templates and access URLs."""
