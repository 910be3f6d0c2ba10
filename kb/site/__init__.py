"""Static site export."""
