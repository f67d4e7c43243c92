"""The configs section and the config form."""
