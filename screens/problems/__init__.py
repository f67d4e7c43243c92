"""The problems section."""
