"""Type rules for calls in CEL expressions: functions, methods and the list macros.

Only a small, listed set of calls is allowed. `matches` is left out on purpose: a regular
expression run on residents' input is a denial-of-service risk, and patterns have no need for one.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from lark import Token, Tree

from townhall.patterns.engine.cel_types import (
    BOOL,
    DATE,
    DOUBLE,
    DYN,
    INT,
    STRING,
    CelType,
    list_of,
    types_compatible,
)

if TYPE_CHECKING:
    from townhall.patterns.engine.typecheck import Walk

# A parsed CEL expression: lark trees whose leaves are tokens.
type AstTree = Tree[Token]
type AstNode = Tree[Token] | Token

_CONVERSIONS = {"int": INT, "double": DOUBLE, "string": STRING}
_STRING_METHODS = {"contains", "startsWith", "endsWith"}
_DATE_METHODS = {"getFullYear", "getMonth", "getDayOfMonth", "getDayOfWeek", "getDayOfYear"}
_LIST_MACROS = {"exists", "all", "exists_one", "filter", "map"}
_NO_MATCHES = "matches() is not allowed: regular expressions on residents' input can be slow"
_WRAPPERS = frozenset(
    {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication"}
    | {"unary", "member", "primary"}
)


def string_literal(node: AstNode) -> str | None:
    while isinstance(node, Tree) and len(node.children) == 1:
        if node.data == "literal":
            token = node.children[0]
            if isinstance(token, Token) and token.type == "STRING_LIT":
                return str(token)[1:-1]
            return None
        node = node.children[0]
    return None


def call_arguments(node: AstTree, position: int) -> list[AstNode]:
    if len(node.children) > position:
        arguments = node.children[position]
        if isinstance(arguments, Tree):
            return list(arguments.children)
    return []


def function_type(walk: Walk, node: AstTree, scope: dict[str, CelType]) -> CelType:
    name = str(node.children[0])
    arguments = call_arguments(node, 1)
    if name == "has":
        return _has(walk, node, arguments, scope)
    kinds = [walk.infer(argument, scope) for argument in arguments]
    if name == "size" and len(kinds) == 1:
        if kinds[0].kind not in ("string", "list", "map", "dyn"):
            walk.report(
                node,
                "PAT301",
                f"size() needs text or a list, not {walk.describe(arguments[0], kinds[0])}",
            )
        return INT
    if name in _CONVERSIONS and len(kinds) == 1:
        return _CONVERSIONS[name]
    if name == "date" and len(arguments) == 1:
        literal = string_literal(arguments[0])
        if literal is None or not _is_iso_date(literal):
            walk.report(
                node, "PAT301", 'date() needs a date written as text, like date("2026-04-01")'
            )
        return DATE
    if name == "days_between" and len(kinds) == 2:
        for argument, kind in zip(arguments, kinds, strict=True):
            if not types_compatible(kind, DATE):
                walk.report(
                    argument,
                    "PAT301",
                    f"days_between() needs two dates, not {walk.describe(argument, kind)}",
                )
        return INT
    if name == "matches":
        return walk.report(node, "PAT203", _NO_MATCHES)
    return walk.report(node, "PAT203", f"unknown function '{name}' with {len(kinds)} argument(s)")


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _has(walk: Walk, node: AstTree, arguments: list[AstNode], scope: dict[str, CelType]) -> CelType:
    inner = arguments[0] if len(arguments) == 1 else None
    while isinstance(inner, Tree) and inner.data in _WRAPPERS and len(inner.children) == 1:
        inner = inner.children[0]
    if not (isinstance(inner, Tree) and inner.data == "member_dot"):
        return walk.report(node, "PAT301", "has() needs a field, like has(answers.photo)")
    walk.infer(inner, scope)
    return BOOL


def method_type(walk: Walk, node: AstTree, scope: dict[str, CelType]) -> CelType:
    target, name_token = node.children[0], node.children[1]
    name = str(name_token)
    arguments = call_arguments(node, 2)
    kind = walk.infer(target, scope)
    if name in _LIST_MACROS:
        return _macro(walk, node, name, kind, arguments, scope)
    kinds = [walk.infer(argument, scope) for argument in arguments]
    if name == "size" and not kinds:
        if kind.kind not in ("string", "list", "map", "dyn"):
            walk.report(
                node, "PAT301", f"size() needs text or a list, not {walk.describe(target, kind)}"
            )
        return INT
    if name in _STRING_METHODS and len(kinds) == 1:
        for checked, checked_node in ((kind, target), (kinds[0], arguments[0])):
            if not types_compatible(checked, STRING):
                walk.report(
                    checked_node,
                    "PAT301",
                    f"{name}() works on text, not {walk.describe(checked_node, checked)}",
                )
        return BOOL
    if name in _DATE_METHODS and not kinds:
        if not types_compatible(kind, DATE):
            walk.report(
                node, "PAT301", f"{name}() works on dates, not {walk.describe(target, kind)}"
            )
        return INT
    if name == "matches":
        return walk.report(node, "PAT203", _NO_MATCHES)
    return walk.report(node, "PAT203", f"unknown method '{name}' on {kind}")


def _macro(
    walk: Walk,
    node: AstTree,
    name: str,
    kind: CelType,
    arguments: list[AstNode],
    scope: dict[str, CelType],
) -> CelType:
    variable = _root_variable(arguments[0]) if len(arguments) == 2 else None
    if variable is None:
        return walk.report(
            node, "PAT301", f"{name}() needs a variable and an expression, like {name}(x, x > 1)"
        )
    if kind.kind not in ("list", "dyn"):
        walk.report(node, "PAT301", f"{name}() works on lists, not {kind}")
    element = kind.element if kind.kind == "list" and kind.element else DYN
    body = walk.infer(arguments[1], {**scope, variable: element})
    if name == "map":
        return list_of(body)
    if name == "filter":
        return kind if kind.kind == "list" else list_of(DYN)
    if not types_compatible(body, BOOL):
        walk.report(arguments[1], "PAT302", f"{name}() needs a condition, not {body}")
    return BOOL


def _root_variable(node: AstNode) -> str | None:
    while isinstance(node, Tree) and len(node.children) == 1 and node.data != "ident":
        node = node.children[0]
    if isinstance(node, Tree) and node.data == "ident":
        return str(node.children[0])
    return None
