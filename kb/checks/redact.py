"""Moved to `kb.redact` (the one redactor every output uses); kept so old imports still work."""

from kb.redact import MASK, is_secret_name, redact

__all__ = ["MASK", "is_secret_name", "redact"]
