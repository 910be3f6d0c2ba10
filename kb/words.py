"""kb's own words as data: an English template and its fields, said in the reader's language where
they are shown (kb.i18n.say). Low in the layers so that the model, the config and the checks can
hand back a message (`kb check ENTRY#typo`'s "has no check") without knowing the language."""

from __future__ import annotations


class Words(str):
    """kb's own words: `str()` is the English with the fields filled in; kb.i18n says the template
    in the user's language. A field that is Words is said too (an OS error's reason, `none`); a
    user's value (an id, a path) is a plain str and stays as typed."""

    template: str
    fields: dict[str, object]

    def __new__(cls, template: str, /, **fields: object) -> Words:
        self = super().__new__(cls, template.format(**fields) if fields else template)
        self.template = template
        self.fields = fields
        return self


def to_data(words: str) -> object:
    """Words as JSON data (the search index keeps lint problems so): `{"words": template,
    "fields": {...}}`, a field that is Words nested the same way. A plain str, or Words with a
    field JSON would not give back as it was (a date, a tuple), is its English text."""
    if not isinstance(words, Words):
        return str(words)
    fields: dict[str, object] = {}
    for k, v in words.fields.items():
        if isinstance(v, Words):
            fields[k] = to_data(v)
        elif _json_safe(v):
            fields[k] = v
        else:
            return str(words)
    return {"words": words.template, "fields": fields}


def from_data(data: object) -> str:
    """What `to_data` wrote, as Words again (English text as it was)."""
    if isinstance(data, dict) and isinstance(data.get("words"), str):
        raw = data.get("fields")
        fields = {
            k: from_data(v) if isinstance(v, dict) and "words" in v else v
            for k, v in (raw.items() if isinstance(raw, dict) else ())
        }
        try:
            return Words(data["words"], **fields)
        except (KeyError, IndexError, ValueError, TypeError):  # a damaged row: no words
            return str(data["words"])
    return str(data)


def _json_safe(value: object) -> bool:
    if value is None or isinstance(value, (str, int, float, bool)):
        return type(value) in (str, int, float, bool, type(None))
    if type(value) is list:
        return all(_json_safe(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _json_safe(v) for k, v in value.items())
    return False
