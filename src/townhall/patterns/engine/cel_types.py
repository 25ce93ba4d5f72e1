"""The static types of CEL values in patterns: what `answers.<id>` and `params.<name>` hold."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CelType:
    """A static type: a scalar kind, `list` of an element type, or `map` with known fields."""

    kind: str
    element: CelType | None = None
    fields: tuple[tuple[str, CelType], ...] | None = None

    def __str__(self) -> str:
        if self.kind == "list" and self.element is not None:
            return f"list({self.element})"
        return self.kind

    def field_type(self, name: str) -> CelType | None:
        if self.fields is None:
            return DYN
        return dict(self.fields).get(name)


BOOL = CelType("bool")
INT = CelType("int")
DOUBLE = CelType("double")
STRING = CelType("string")
DATE = CelType("date")
NULL = CelType("null")
DYN = CelType("dyn")


def list_of(element: CelType) -> CelType:
    return CelType("list", element=element)


def record(**fields: CelType) -> CelType:
    return CelType("map", fields=tuple(sorted(fields.items())))


def types_compatible(a: CelType, b: CelType) -> bool:
    """Whether CEL accepts the two types together (`dyn` goes with anything)."""
    if DYN in (a, b):
        return True
    if a.kind != b.kind:
        return False
    if a.kind == "list" and a.element and b.element:
        return types_compatible(a.element, b.element)
    return True
