"""Guided demo walkthroughs: the file model, its loader, the pure stepping and the expectations read from the
store. The narration panel that runs them lives in screens/walkthrough_panel.py."""
