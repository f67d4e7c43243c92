"""The nodes section."""
