"""A model-level rule that names the fields it is about, so a form can show the message beside each of them."""

from __future__ import annotations


class CrossFieldError(ValueError):
    """Raised by model validators; pydantic keeps the exception in the error's context, with `fields` intact."""

    def __init__(self, message: str, fields: tuple[str, ...]) -> None:
        super().__init__(message)
        self.fields = fields
