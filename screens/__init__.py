"""hyptui's Textual UI: the app shell and one module per screen. Screens read store state and dispatch actions."""
