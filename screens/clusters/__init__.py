"""The clusters section: list, detail and a cluster stack's progress."""
