"""Walkthroughs in the app: the director, the narration panel and the palette's entries."""
