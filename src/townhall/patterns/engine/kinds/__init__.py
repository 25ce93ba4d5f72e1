"""Question types. Importing this package registers every built-in kind (see `base.register`)."""

from townhall.patterns.engine.kinds import choice, compound, dates, group, text
from townhall.patterns.engine.kinds.base import (
    Context,
    QuestionKind,
    kind_for,
    registered_types,
)

__all__ = [
    "Context",
    "QuestionKind",
    "choice",
    "compound",
    "dates",
    "group",
    "kind_for",
    "registered_types",
    "text",
]
