"""Reusable widgets; each styles itself with DEFAULT_CSS."""
