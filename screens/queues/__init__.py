"""The queues section and the governance editor."""
