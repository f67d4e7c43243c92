"""Widgets the sections share: live tables, the log view, form field inputs, labels."""
