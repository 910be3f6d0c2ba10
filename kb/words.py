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
