"""Screens of the kbtui app, one per module."""
