"""The app shell: the app, base screens, command bar, help, palette, confirmation, footer, connection bar, YAML view
and editor."""
