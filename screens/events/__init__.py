"""The events section."""
