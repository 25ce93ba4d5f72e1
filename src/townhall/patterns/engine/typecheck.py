"""Static types for CEL expressions, so mistakes are found by the checker rather than a resident.

celpy only finds a type error when it evaluates an expression with values, which for a routing rule
might be one journey in a thousand. Here we walk the parsed CEL (a lark tree) once, giving every
`answers.<id>` the type its question produces and every `params.<name>` its parameter's type, and
report what CEL would reject at run time: a date compared with a number, an int with a double
(CEL has no implicit conversion), `&&` over text, unknown names and fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lark import Token, Tree

from townhall.patterns.engine.cel_types import (
    BOOL,
    DOUBLE,
    DYN,
    INT,
    NULL,
    STRING,
    CelType,
    list_of,
    types_compatible,
)
from townhall.patterns.engine.typecheck_calls import (
    AstNode,
    AstTree,
    call_arguments,
    function_type,
    method_type,
    string_literal,
)


@dataclass(frozen=True, slots=True)
class TypeProblem:
    code: str
    message: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Reference:
    """An `answers.<id>` in an expression, with where it was written (for PAT209)."""

    question_id: str
    line: int
    column: int


@dataclass
class Walk:
    source: str
    answers: Mapping[str, CelType]
    params: Mapping[str, CelType]
    problems: list[TypeProblem] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    # The parameters named as params.<name>, and whether `answers` or `params` is used whole
    # (`"x" in answers`, a macro over it): what an expression's value can depend on.
    parameters_read: set[str] = field(default_factory=set)
    reads_whole_map: bool = False

    def report(self, node: AstNode, code: str, message: str) -> CelType:
        line, column = _where(node)
        self.problems.append(TypeProblem(code, message, line, column))
        return DYN

    def text(self, node: AstNode) -> str:
        if isinstance(node, Token):
            return str(node)
        start = getattr(node.meta, "start_pos", None)
        end = getattr(node.meta, "end_pos", None)
        if start is None or end is None:
            return "expression"
        return self.source[start:end].strip()

    def describe(self, node: AstNode, kind: CelType) -> str:
        return f"{kind} ({self.text(node)})"

    def infer(self, node: AstNode, scope: dict[str, CelType]) -> CelType:
        return _infer(self, node, scope)


def _where(node: AstNode) -> tuple[int, int]:
    if isinstance(node, Token):
        return node.line or 1, node.column or 1
    if getattr(node.meta, "empty", True):
        return 1, 1
    return node.meta.line, node.meta.column


def expression_types(
    *, tree: AstTree, source: str, answers: Mapping[str, CelType], params: Mapping[str, CelType]
) -> tuple[CelType, list[TypeProblem], list[Reference]]:
    """Infer the type of a parsed CEL expression; report every problem found, not just the first."""
    kind, walk = expression_walk(tree=tree, source=source, answers=answers, params=params)
    return kind, walk.problems, walk.references


def expression_walk(
    *, tree: AstTree, source: str, answers: Mapping[str, CelType], params: Mapping[str, CelType]
) -> tuple[CelType, Walk]:
    """`expression_types`, with the whole walk: what the expression reads, too."""
    walk = Walk(source=source, answers=answers, params=params)
    result = _infer(walk, tree, {})
    return result, walk


def _infer(walk: Walk, node: AstNode, scope: dict[str, CelType]) -> CelType:
    if isinstance(node, Token):
        return DYN
    rule, children = str(node.data), node.children
    if len(children) == 1 and rule in _PASS_THROUGH:
        return _infer(walk, children[0], scope)
    if rule == "expr":
        return _ternary(walk, node, scope)
    if rule in ("conditionalor", "conditionaland"):
        for child in children:
            kind = _infer(walk, child, scope)
            if not types_compatible(kind, BOOL):
                operator = "||" if rule == "conditionalor" else "&&"
                walk.report(
                    child,
                    "PAT301",
                    f"{operator} needs true or false, not {walk.describe(child, kind)}",
                )
        return BOOL
    if rule == "relation":
        return _relation(walk, node, scope)
    if rule in ("addition", "multiplication"):
        return _arithmetic(walk, node, scope)
    if rule == "unary":
        return _unary(walk, node, scope)
    if rule == "member_dot":
        return _member_dot(walk, node, scope)
    if rule == "member_dot_arg":
        return method_type(walk, node, scope)
    if rule == "member_index":
        return _index(walk, node, scope)
    if rule == "literal":
        return _literal(walk, node)
    if rule == "ident":
        return _ident(walk, node, scope)
    if rule == "ident_arg":
        return function_type(walk, node, scope)
    if rule == "paren_expr":
        return _infer(walk, children[0], scope)
    if rule == "list_lit":
        return _list_literal(walk, node, scope)
    if rule == "map_lit":
        for child in children:
            _infer(walk, child, scope)
        return CelType("map")
    if rule in ("mapinits", "exprlist"):
        for child in children:
            _infer(walk, child, scope)
        return DYN
    return walk.report(
        node, "PAT203", f"'{walk.text(node)}' is not allowed in a pattern expression"
    )


_PASS_THROUGH = frozenset(
    {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication"}
    | {"unary", "member", "primary"}
)


def _ternary(walk: Walk, node: AstTree, scope: dict[str, CelType]) -> CelType:
    condition, when_true, when_false = node.children
    kind = _infer(walk, condition, scope)
    if not types_compatible(kind, BOOL):
        walk.report(
            condition, "PAT301", f"`? :` needs a condition, not {walk.describe(condition, kind)}"
        )
    first = _infer(walk, when_true, scope)
    second = _infer(walk, when_false, scope)
    if not types_compatible(first, second):
        return walk.report(
            node, "PAT301", f"the two branches of `? :` have different types: {first} and {second}"
        )
    return second if first == DYN else first


_ORDERED = frozenset({"int", "double", "string", "date"})
_OPERATORS = {
    "relation_lt": "<",
    "relation_le": "<=",
    "relation_gt": ">",
    "relation_ge": ">=",
    "relation_eq": "==",
    "relation_ne": "!=",
    "relation_in": "in",
    "addition_add": "+",
    "addition_sub": "-",
    "multiplication_mul": "*",
    "multiplication_div": "/",
    "multiplication_mod": "%",
}


def _operands(node: AstTree) -> tuple[str, AstNode, AstNode]:
    operator_tree, right = node.children
    assert isinstance(operator_tree, Tree)  # noqa: S101 - the grammar guarantees it
    return str(operator_tree.data), operator_tree.children[0], right


def _hint(a: CelType, b: CelType) -> str:
    if {a.kind, b.kind} == {"int", "double"}:
        return (
            " (CEL does not mix whole numbers and decimals: write 5.0 for a decimal, or use int())"
        )
    if "date" in (a.kind, b.kind):
        return ' (compare dates with dates, for example date("2026-04-01"), or use days_between())'
    return ""


def _relation(walk: Walk, node: AstTree, scope: dict[str, CelType]) -> CelType:
    rule, left_node, right_node = _operands(node)
    left, right = _infer(walk, left_node, scope), _infer(walk, right_node, scope)
    operator = _OPERATORS[rule]
    if operator == "in":
        if (
            right.kind == "list"
            and right.element is not None
            and not types_compatible(left, right.element)
        ):
            walk.report(
                node,
                "PAT301",
                f"cannot look for {walk.describe(left_node, left)} "
                f"in {walk.describe(right_node, right)}",
            )
        elif right.kind not in ("list", "map", "dyn"):
            walk.report(
                right_node, "PAT301", f"`in` needs a list, not {walk.describe(right_node, right)}"
            )
        return BOOL
    if NULL in (left, right) and operator in ("==", "!="):
        return BOOL
    if not types_compatible(left, right):
        walk.report(
            node,
            "PAT301",
            f"cannot compare {walk.describe(left_node, left)} "
            f"with {walk.describe(right_node, right)}{_hint(left, right)}",
        )
    elif operator not in ("==", "!=") and left.kind not in _ORDERED | {"dyn"}:
        walk.report(node, "PAT301", f"`{operator}` cannot order {walk.describe(left_node, left)}")
    return BOOL


def _arithmetic(walk: Walk, node: AstTree, scope: dict[str, CelType]) -> CelType:
    rule, left_node, right_node = _operands(node)
    left, right = _infer(walk, left_node, scope), _infer(walk, right_node, scope)
    operator = _OPERATORS[rule]
    allowed = {"+": {"int", "double", "string", "list"}, "%": {"int"}}.get(
        operator, {"int", "double"}
    )
    if not types_compatible(left, right):
        return walk.report(
            node,
            "PAT301",
            f"cannot use `{operator}` on {walk.describe(left_node, left)} "
            f"and {walk.describe(right_node, right)}{_hint(left, right)}",
        )
    kind = right if left == DYN else left
    if kind.kind not in allowed | {"dyn"}:
        return walk.report(
            node, "PAT301", f"cannot use `{operator}` on {walk.describe(left_node, left)}"
        )
    return kind


def _unary(walk: Walk, node: AstTree, scope: dict[str, CelType]) -> CelType:
    operator_tree, operand = node.children
    kind = _infer(walk, operand, scope)
    assert isinstance(operator_tree, Tree)  # noqa: S101 - the grammar guarantees it
    if operator_tree.data == "unary_not":
        if not types_compatible(kind, BOOL):
            walk.report(
                operand, "PAT301", f"`!` needs true or false, not {walk.describe(operand, kind)}"
            )
        return BOOL
    if kind.kind not in ("int", "double", "dyn"):
        return walk.report(operand, "PAT301", f"cannot negate {walk.describe(operand, kind)}")
    return kind


def _root_name(node: AstNode) -> str | None:
    """'answers' or 'params' if `node` is that bare identifier."""
    while isinstance(node, Tree) and node.data in ("member", "primary") and len(node.children) == 1:
        node = node.children[0]
    if isinstance(node, Tree) and node.data == "ident":
        return str(node.children[0])
    return None


def _lookup(walk: Walk, root: str, name: str, node: AstNode, scope: dict[str, CelType]) -> CelType:
    if root in scope:
        return DYN
    if root == "answers":
        kind = walk.answers.get(name)
        if kind is None:
            return walk.report(node, "PAT201", f"unknown question id '{name}' in answers.{name}")
        line, column = _where(node)
        walk.references.append(Reference(name, line, column))
        return kind
    kind = walk.params.get(name)
    if kind is None:
        return walk.report(node, "PAT202", f"unknown parameter '{name}' in params.{name}")
    walk.parameters_read.add(name)
    return kind


def _member_dot(walk: Walk, node: AstTree, scope: dict[str, CelType]) -> CelType:
    target, name_token = node.children
    name = str(name_token)
    root = _root_name(target)
    if root in ("answers", "params") and root not in scope:
        return _lookup(walk, root, name, node, scope)
    kind = _infer(walk, target, scope)
    if kind.kind == "dyn" or (kind.kind == "map" and kind.fields is None):
        return DYN
    if kind.kind != "map":
        return walk.report(node, "PAT204", f"{walk.describe(target, kind)} has no field '{name}'")
    found = kind.field_type(name)
    if found is None:
        known = ", ".join(n for n, _ in kind.fields or ())
        return walk.report(
            node, "PAT204", f"{walk.text(target)} has no field '{name}' (it has {known})"
        )
    return found


def _index(walk: Walk, node: AstTree, scope: dict[str, CelType]) -> CelType:
    target, key = node.children
    root = _root_name(target)
    literal = string_literal(key)
    if root in ("answers", "params") and root not in scope and literal is not None:
        return _lookup(walk, root, literal, node, scope)
    kind, key_kind = _infer(walk, target, scope), _infer(walk, key, scope)
    if kind.kind == "list":
        if not types_compatible(key_kind, INT):
            walk.report(
                key, "PAT301", f"a list index must be an int, not {walk.describe(key, key_kind)}"
            )
        return kind.element or DYN
    if kind.kind in ("map", "dyn"):
        return DYN
    return walk.report(node, "PAT301", f"cannot index {walk.describe(target, kind)}")


def _literal(walk: Walk, node: AstTree) -> CelType:
    token = node.children[0]
    kinds = {"INT_LIT": INT, "FLOAT_LIT": DOUBLE, "STRING_LIT": STRING, "MLSTRING_LIT": STRING}
    kinds |= {"BOOL_LIT": BOOL, "NULL_LIT": NULL}
    kind = kinds.get(token.type if isinstance(token, Token) else "")
    if kind is None:
        return walk.report(
            node, "PAT301", f"{walk.text(node)}: unsigned and bytes values are not supported"
        )
    return kind


def _ident(walk: Walk, node: AstTree, scope: dict[str, CelType]) -> CelType:
    name = str(node.children[0])
    if name in scope:
        return scope[name]
    if name in ("answers", "params"):
        # Reached only when the map is not just the root of answers.<id> / params.<name>.
        walk.reads_whole_map = True
        return CelType("map")
    return walk.report(
        node, "PAT203", f"unknown name '{name}': use answers.<question id> or params.<name>"
    )


def _list_literal(walk: Walk, node: AstTree, scope: dict[str, CelType]) -> CelType:
    items = call_arguments(node, 0)
    kinds = [_infer(walk, item, scope) for item in items]
    concrete = [kind for kind in kinds if kind != DYN]
    if concrete and any(not types_compatible(concrete[0], other) for other in concrete[1:]):
        return walk.report(node, "PAT301", "a list must hold values of one type")
    return list_of(concrete[0] if concrete else DYN)
