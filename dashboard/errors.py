"""One error type for everything a user can get wrong, translated once at the edge.

Each error carries a message key and its parameters; the CLI and the pages turn it into a sentence
in the user's language with :func:`dashboard.i18n.t`.
"""


class FeltkartError(Exception):
    """An error to show the user: one line, naming the bad input, no traceback."""

    def __init__(self, key: str, **params):
        self.key = key
        self.params = params
        super().__init__(key)

    def message(self, lang: str | None = None) -> str:
        from dashboard import i18n

        return i18n.t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message()
