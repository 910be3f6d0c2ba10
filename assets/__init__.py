"""Non-Python files shipped with kbtui: the entry JSON Schema, site templates and CSS."""
