"""Built-in check kinds, one module each."""
