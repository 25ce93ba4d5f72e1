"""The routing graph of a pattern and the checks on it: unreachable pages, cycles, dead ends.

Nodes are the pages plus the check-answers page. A page's edges are its rules' `goto`s and, unless
one of its rules has no `if`, its fall-through: the next page in the list that is not an exit
page (exit pages are only ever reached by a `goto`), or check answers after the last page.
The graph over-approximates real journeys (it ignores what conditions say), which is what a
checker wants: a page no edge reaches can never be shown.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from townhall.patterns.engine.diagnostics import Diagnostic
from townhall.patterns.engine.schema import ExitPage, PatternSpec
from townhall.patterns.engine.values import CHECK_ANSWERS
from townhall.patterns.engine.yamlsource import DataPath, SourceMap


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    path: DataPath  # where the edge is written: a `goto`, or the page for a fall-through


def page_rules(page: object) -> Sequence[object]:
    return getattr(page, "next", ())


def fallthroughs(spec: PatternSpec) -> dict[str, str]:
    """Each routable page's default next page."""
    result: dict[str, str] = {}
    for index, page in enumerate(spec.pages):
        if isinstance(page, ExitPage):
            continue
        following = (p.id for p in spec.pages[index + 1 :] if not isinstance(p, ExitPage))
        result[page.id] = next(following, CHECK_ANSWERS)
    return result


def routing_edges(
    spec: PatternSpec, source: SourceMap
) -> tuple[dict[str, list[Edge]], list[Diagnostic]]:
    """Edges by source page, and the problems found on the way (PAT205, PAT404)."""
    ids = {page.id for page in spec.pages} | {CHECK_ANSWERS}
    default = fallthroughs(spec)
    edges: dict[str, list[Edge]] = {page.id: [] for page in spec.pages}
    problems: list[Diagnostic] = []
    for index, page in enumerate(spec.pages):
        if isinstance(page, ExitPage):
            continue
        unconditional = False
        for number, rule in enumerate(page.next):
            path: DataPath = ("pages", index, "next", number)
            if unconditional:
                problems.append(
                    source.diagnostic(
                        path,
                        "PAT404",
                        f"this rule on '{page.id}' can never apply: an earlier rule has no `if`",
                    )
                )
                continue
            if rule.goto not in ids:
                # Counted as reaching the end, so one typo is one problem rather than three.
                edges[page.id].append(Edge(page.id, CHECK_ANSWERS, (*path, "goto")))
                problems.append(
                    source.diagnostic(
                        (*path, "goto"),
                        "PAT205",
                        f"`goto: {rule.goto}` names no page (pages: {', '.join(sorted(ids))})",
                    )
                )
            else:
                edges[page.id].append(Edge(page.id, rule.goto, (*path, "goto")))
            unconditional = unconditional or rule.when is None
        if not unconditional:
            edges[page.id].append(Edge(page.id, default[page.id], ("pages", index, "id")))
    return edges, problems


def routing_successors(spec: PatternSpec) -> dict[str, tuple[str, ...]]:
    edges, _ = routing_edges(spec, SourceMap(filename=""))
    return {page: tuple(dict.fromkeys(edge.target for edge in out)) for page, out in edges.items()}


def reachable_from(start: str, successors: Mapping[str, Sequence[str]]) -> set[str]:
    return _reachable(start, successors)


def _reachable(start: str, successors: Mapping[str, Sequence[str]]) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for target in successors.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


@dataclass(frozen=True, slots=True)
class GraphFacts:
    """What the rest of the checker needs to know about routing."""

    ancestors: Mapping[str, frozenset[str]]  # pages that can come before each page


def graph_check(spec: PatternSpec, source: SourceMap) -> tuple[GraphFacts, list[Diagnostic]]:
    edges, problems = routing_edges(spec, source)
    successors = {page: [edge.target for edge in out] for page, out in edges.items()}
    index_of = {page.id: index for index, page in enumerate(spec.pages)}
    first = spec.pages[0].id
    reachable = _reachable(first, successors)
    for page in spec.pages:
        if page.id not in reachable:
            problems.append(
                source.diagnostic(
                    ("pages", index_of[page.id], "id"),
                    "PAT401",
                    f"page '{page.id}' is unreachable: no route from '{first}' leads to it",
                )
            )
    problems.extend(_cycles(edges, source))
    predecessors: dict[str, list[str]] = {page.id: [] for page in spec.pages}
    predecessors[CHECK_ANSWERS] = []
    for out in edges.values():
        for edge in out:
            predecessors.setdefault(edge.target, []).append(edge.source)
    ends = [page.id for page in spec.pages if isinstance(page, ExitPage)] + [CHECK_ANSWERS]
    can_end: set[str] = set()
    for end in ends:
        can_end |= _reachable(end, predecessors)
    for page in spec.pages:
        if page.id not in can_end:
            problems.append(
                source.diagnostic(
                    ("pages", index_of[page.id], "id"),
                    "PAT403",
                    f"page '{page.id}' has no way to check answers or an exit page",
                )
            )
    ancestors = {page: frozenset(_reachable(page, predecessors) - {page}) for page in predecessors}
    return GraphFacts(ancestors=ancestors), problems


def _cycles(edges: Mapping[str, list[Edge]], source: SourceMap) -> list[Diagnostic]:
    """One PAT402 per edge that closes a cycle (a back edge of a depth-first search)."""
    problems: list[Diagnostic] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in edges:
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = [root]
        state[root] = 1
        while stack:
            node, position = stack[-1]
            out = edges.get(node, [])
            if position == len(out):
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            stack[-1] = (node, position + 1)
            edge = out[position]
            if state.get(edge.target) == 1:
                loop = [*path[path.index(edge.target) :], edge.target]
                problems.append(
                    source.diagnostic(edge.path, "PAT402", "routing cycle: " + " → ".join(loop))
                )
            elif edge.target not in state and edge.target in edges:
                state[edge.target] = 1
                stack.append((edge.target, 0))
                path.append(edge.target)
    return problems
