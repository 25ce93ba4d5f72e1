"""The loaded pattern: an immutable, fully checked object the engine's functions take.

A `Pattern` only exists for a pattern with no errors (see `loader.py`), so the journey functions
can rely on every `goto` existing, every expression being well typed and routing being acyclic.
Compiled expressions live on the object: each is compiled once, when the pattern is loaded, and
is dropped with it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from townhall.patterns.engine.expressions import CompiledExpression
from townhall.patterns.engine.schema import ContentPage, ExitPage, PatternSpec
from townhall.patterns.engine.schema_questions import QuestionBase
from townhall.patterns.engine.values import CHECK_ANSWERS

type PageModel = QuestionBase | ContentPage | ExitPage


class PageNotFound(KeyError):
    """The page id is not in this pattern (a stale link, or a page from another version)."""


@dataclass(frozen=True, slots=True)
class Pattern:
    spec: PatternSpec
    pages: Mapping[str, PageModel]
    order: tuple[str, ...]
    fallthrough: Mapping[str, str]
    # Every page each page can lead to, whatever the answers (for pruning answers).
    successors: Mapping[str, tuple[str, ...]]
    expressions: Mapping[str, CompiledExpression]

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def version(self) -> str:
        return self.spec.version

    @property
    def first_page(self) -> str:
        return self.order[0]

    def page(self, page_id: str) -> PageModel:
        try:
            return self.pages[page_id]
        except KeyError:
            raise PageNotFound(page_id) from None

    def question(self, page_id: str) -> QuestionBase | None:
        page = self.page(page_id)
        return page if isinstance(page, QuestionBase) else None

    def questions(self) -> Iterator[QuestionBase]:
        for page_id in self.order:
            page = self.pages[page_id]
            if isinstance(page, QuestionBase):
                yield page

    def is_end(self, page_id: str) -> bool:
        """Whether a journey stops at this page: check answers, or an exit page."""
        return page_id == CHECK_ANSWERS or isinstance(self.pages.get(page_id), ExitPage)

    def expression(self, source: str) -> CompiledExpression:
        return self.expressions[source]
