"""Edit models: what the user typed, checked, and the change it makes (governance, object YAML)."""
