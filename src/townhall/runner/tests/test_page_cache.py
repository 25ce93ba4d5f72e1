"""The page cache serves exactly the markup the GOV.UK macros would have rendered.

For every shipped pattern, every scenario is replayed through the engine, and every page on its
path is requested through the web layer twice: once through the page cache (markup rendered once
per page shape, values filled in) and once rendered directly by the macros. The two must be the
same page, byte for byte, apart from the per-request CSRF token and CSP nonce. Error states come
from each scenario's own invalid inputs and from submitting every question page empty.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import yaml
from django.test import Client

from townhall.patterns.engine import Pattern, page_validate
from townhall.patterns.engine.journey import answers_prune, path_compute
from townhall.patterns.engine.parameters import params_resolve
from townhall.patterns.engine.scenarios import Scenario, ScenarioFile, Step, _raw_input
from townhall.patterns.engine.schema_questions import FileQuestion
from townhall.patterns.engine.values import CHECK_ANSWERS, JSON, UploadedFile
from townhall.patterns.tests.factories import LIBRARY, pattern_load
from townhall.runner import page_cache
from townhall.runner.models import Journey
from townhall.runner.tests.helpers import (
    POTHOLE_ANSWERS,
    answer,
    answer_pothole,
    base_url,
    journey_id_of,
    start,
)
from townhall.services.models import Service
from townhall.services.tests.factories import PatternVersionFactory, ServiceFactory

PATTERN_IDS = sorted(path.name for path in LIBRARY.iterdir() if (path / "pattern.yaml").exists())

# Different on every request by design, so left out of the comparison.
_PER_REQUEST = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r'nonce="[^"]+"'), 'nonce=""'),
]


def _comparable(content: bytes) -> str:
    text = content.decode()
    for pattern, replacement in _PER_REQUEST:
        text = pattern.sub(replacement, text)
    return text


def _scenarios(pattern_id: str) -> list[Scenario]:
    text = (LIBRARY / pattern_id / "scenarios.yaml").read_text(encoding="utf-8")
    return ScenarioFile.model_validate(yaml.safe_load(text)).scenarios


def _replay(
    pattern: Pattern, scenario: Scenario
) -> tuple[dict[str, JSON], list[tuple[Step, dict[str, JSON]]]]:
    """The answers a scenario leaves behind, as the runner would have stored them, and each
    step with the answers there were before it."""
    params = params_resolve(pattern=pattern, values=scenario.params).values
    answers: dict[str, JSON] = {}
    steps: list[tuple[Step, dict[str, JSON]]] = []
    for step in scenario.steps:
        steps.append((step, answers))
        if step.errors is not None:
            continue
        result = page_validate(
            pattern=pattern,
            page_id=step.page,
            raw=_raw_input(step),
            params=params,
            language=scenario.language,
            today=dt.date.fromisoformat(scenario.today),
            answers=answers,
        )
        assert result.ok, (scenario.name, step.page, result.errors)
        answers = answers_prune(
            pattern=pattern, answers={**answers, **result.values}, params=params
        )
    return answers, steps


class _Walker:
    """Requests pages of one service with the cache on and off, from the same stored answers."""

    def __init__(self, client: Client, service: Service, language: str) -> None:
        self.client, self.service, self.language = client, service, language
        start(client, service, language=language)
        self.journey = Journey.objects.get(pk=journey_id_of(client, service))
        self.compared = 0

    def compare(self, monkeypatch: pytest.MonkeyPatch, answers: dict[str, JSON], **request: Any):
        """The page through the cache, then rendered directly, from the same stored answers."""
        results = []
        for enabled in (True, False):
            Journey.objects.filter(pk=self.journey.pk).update(answers=answers)
            monkeypatch.setattr(page_cache, "ENABLED", enabled)
            results.append(self._request(**request))
        monkeypatch.setattr(page_cache, "ENABLED", True)
        cached, direct = results
        where = f"{self.service.slug} {request}"
        assert cached.status_code == direct.status_code, where
        assert _comparable(cached.content) == _comparable(direct.content), where
        return direct

    def _request(self, *, page: str, data: dict[str, Any] | None = None, query: str = ""):
        url = f"{base_url(self.service, language=self.language)}{page}{query}"
        return self.client.get(url) if data is None else self.client.post(url, data)


def _address(page_id: str) -> str:
    return "check-answers/" if page_id == CHECK_ANSWERS else f"{page_id}/"


def _has_files(raw: dict[str, Any]) -> bool:
    return any(isinstance(v, list) and v and isinstance(v[0], UploadedFile) for v in raw.values())


@pytest.mark.django_db
@pytest.mark.parametrize("pattern_id", PATTERN_IDS)
def test_cached_pages_equal_direct_renders(pattern_id: str, monkeypatch: pytest.MonkeyPatch):
    pattern = pattern_load(LIBRARY / pattern_id / "pattern.yaml")
    version = PatternVersionFactory.create(library=pattern_id)
    seen_pages: set[str] = set()
    error_states = 0
    for number, scenario in enumerate(_scenarios(pattern_id)):
        answers, steps = _replay(pattern, scenario)
        params = params_resolve(pattern=pattern, values=scenario.params).values
        path = path_compute(pattern=pattern, answers=answers, params=params)
        # Every page of a scenario that reaches pages not seen yet; only the invalid inputs of
        # the others (the same pages with other values add time, not cover).
        walk = not set(path) <= seen_pages
        invalid = [(step, before) for step, before in steps if step.errors is not None]
        if not walk and not invalid:
            continue
        service = ServiceFactory.create(
            live=True,
            pattern_version=version,
            parameters=scenario.params,
            slug=f"{pattern_id}-{number}",
        )
        walker = _Walker(Client(), service, scenario.language)
        if walk:
            walker.compare(monkeypatch, {}, page="")  # the start page
            for page_id in path:
                walker.compare(monkeypatch, answers, page=_address(page_id))
                if not seen_pages:  # a "Change" link's version of each page, once
                    query = "?return=check-answers"
                    walker.compare(monkeypatch, answers, page=_address(page_id), query=query)
            # Each question page sent empty.
            invalid += [(step, before) for step, before in steps if step.errors is None]
            seen_pages |= set(path)
        for step, before in invalid:
            if isinstance(pattern.question(step.page), FileQuestion):
                continue  # files cannot be posted from scenario facts: see test_uploads
            raw = dict(_raw_input(step)) if step.errors is not None else {}
            if _has_files(raw):
                continue
            response = walker.compare(monkeypatch, before, page=f"{step.page}/", data=raw)
            if response.status_code == 200 and pattern.question(step.page) is not None:
                error_states += 1
                assert "govuk-error-summary" in response.content.decode(), step.page
    file_pages = {p for p in pattern.order if isinstance(pattern.question(p), FileQuestion)}
    missing = set(pattern.order) - seen_pages - file_pages
    assert not missing, f"pages no scenario of {pattern_id} reaches: {sorted(missing)}"
    assert error_states > 0


@pytest.mark.django_db
def test_values_that_need_escaping_are_filled_in_as_the_macros_would(
    pothole: Service, monkeypatch: pytest.MonkeyPatch
):
    client = Client()
    walker = _Walker(client, pothole, "en")
    tricky = "<script>alert('x')</script> & \"quotes\" \ue0000\ue001"
    for page_id, data in POTHOLE_ANSWERS[:5]:
        answer(client, pothole, page_id, data)
    answers = dict(Journey.objects.get(pk=walker.journey.pk).answers)
    answers["location"] = {**answers["location"], "description": tricky}
    page = walker.compare(monkeypatch, answers, page="location/")
    html = page.content.decode()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quotes&#34;" in html
    # An invalid post shows the resident's own text back, escaped, with the error.
    walker.compare(monkeypatch, answers, page="size/", data={"size": "<b>not an option</b>"})
    # A line break goes through the direct render (the macros re-indent multi-line values).
    answers["description"] = "First line\nsecond line"
    walker.compare(monkeypatch, answers, page="description/")
    walker.compare(monkeypatch, answers, page="check-answers/")


@pytest.mark.django_db
def test_a_repeated_page_shape_is_served_from_the_cache(
    pothole: Service, monkeypatch: pytest.MonkeyPatch
):
    """The second resident on a page gets the first one's markup with their own values, and the
    macros do not run again."""
    first, second = Client(), Client()
    answer_pothole(first, pothole, until="description")
    answer_pothole(second, pothole, until="description")
    answer(first, pothole, "description", {"description": "A deep one"})
    answer(second, pothole, "description", {"description": "A wide one"})
    page_cache.page_cache.clear()
    assert "A deep one" in first.get(f"{base_url(pothole)}description/").content.decode()
    assert (page_cache.page_cache.hits, page_cache.page_cache.misses) == (0, 1)
    monkeypatch.setattr(
        "jinja2.Template.render", lambda *a, **k: pytest.fail("the macros ran again")
    )
    page = second.get(f"{base_url(pothole)}description/").content.decode()
    assert "A wide one" in page
    assert "A deep one" not in page
    assert (page_cache.page_cache.hits, page_cache.page_cache.misses) == (1, 1)
