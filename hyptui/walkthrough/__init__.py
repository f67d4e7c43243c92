"""Guided demo walkthroughs: the file model, its loader, the pure stepping and the expectations read from the
store. The UI's walkthrough director and narration panel run them."""
