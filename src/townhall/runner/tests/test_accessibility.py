"""Runner (issue 4, accessibility): Playwright drives Debian's Chromium through every page of every
shipped pattern — start, every question, content and exit page, check answers, declaration and
confirmation — and through every question page's error state, and axe-core (WCAG 2.2 A and AA
rules) finds no violation on any of them; a bilingual pattern is walked in Welsh as well, and
"session ended" is checked on its own. One whole journey is completed with the keyboard alone,
with a visible focus indicator.

The pages are reached by replaying each pattern's own scenarios (see `accessibility.py`); the
test then proves that the set of pages audited is the pattern's every page, so it cannot quietly
cover less when a pattern grows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

import pytest
from playwright.sync_api import Browser, Page

from townhall.conftest import chromium_launched
from townhall.patterns.engine import CHECK_ANSWERS
from townhall.patterns.engine.schema_questions import AddAnotherQuestion
from townhall.patterns.engine.values import JSON
from townhall.patterns.models import PatternVersion
from townhall.runner.tests.accessibility import (
    CONFIRMATION,
    CONTINUE,
    DECLARATION,
    START,
    Coverage,
    Walker,
    axe_prepare,
    axe_violations,
    error_inputs_from,
    library_ids,
    optional_choice,
    params_key,
    scenarios_covering,
    scenarios_load,
)
from townhall.runner.tests.helpers import base_url
from townhall.services.actions import service_create
from townhall.services.constants import ServiceState
from townhall.services.engine_cache import pattern_for_version
from townhall.services.models import Service
from townhall.services.tests.factories import PatternVersionFactory, ServiceFactory
from townhall.submissions.models import Submission
from townhall.tenancy.tests.factories import OrganisationFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("townhall.runner.tests.urls"),
]


# Every shipped pattern in English. Welsh pages share the English templates, so one bilingual
# pattern in Welsh (the one with the most kinds of page: a declaration, "add another", a date, an
# address and a name) checks the translated chrome, `lang` and error messages at a fraction of
# the cost of walking every bilingual pattern twice.
WELSH = "apply-for-a-council-tax-single-person-discount"
WALKS = [(pid, "en") for pid in library_ids()] + [(WELSH, "cy")]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One Chromium for the whole module: launching it costs seconds, and each test still gets a
    browser context of its own."""
    with chromium_launched() as browser:
        yield browser


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A page in a browser context of the test's own (its own cookies, so its own journeys)."""
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> list[dt.date]:
    """The live server's "today", settable: scenarios are written for a fixed day (their dates
    must be "in the past" or "in the last 2 working days" of it). The live server runs in this
    process, so patching `timezone.localdate` (which the runner calls) reaches it."""
    from django.utils import timezone as django_timezone

    clock = [django_timezone.localdate()]
    real = django_timezone.localdate

    def localdate(value: dt.datetime | None = None, timezone: dt.tzinfo | None = None) -> dt.date:
        return clock[0] if value is None and timezone is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return clock


@pytest.fixture
def media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path  # scenario uploads are stored, like a resident's


def _service(
    pattern_id: str, params: Mapping[str, JSON], *, version: PatternVersion | None = None
) -> Service:
    """A live service of a library pattern, made by the action councils' services are made by
    (so its parameters are checked against the pattern)."""
    version = version or PatternVersionFactory.create(library=pattern_id)
    return service_create(
        organisation=OrganisationFactory.create(),
        pattern_version=version,
        slug=pattern_id,
        parameters=params,
        state=ServiceState.LIVE,
        actor=None,
        contact_details="Test Borough Council, 01632 960 000",
    )


@pytest.mark.parametrize(("pattern_id", "language"), WALKS)
@pytest.mark.usefixtures("media")
def test_every_page_and_error_state_has_no_wcag_violations(
    pattern_id, language, page, live_server, fixed_today
):
    version = PatternVersionFactory.create(library=pattern_id)
    pattern = pattern_for_version(version)
    assert language in pattern.spec.languages
    scenarios = scenarios_load(pattern_id)
    axe_prepare(page.context)
    coverage = Coverage()
    error_inputs = error_inputs_from(scenarios)
    services: dict[str, Service] = {}
    for scenario in scenarios_covering(pattern, scenarios):
        # Pages behind a parameter (a council's choice) need a service with those parameters.
        key = params_key(scenario)
        if key not in services:
            services[key] = _service(pattern_id, scenario.params, version=version)
        walker = Walker(
            page=page,
            live_url=live_server.url,
            service=services[key],
            pattern=pattern,
            language=language,
            coverage=coverage,
            error_inputs=error_inputs,
            clock=fixed_today,
        )
        walker.walk(scenario)

    if coverage.violations:
        pytest.fail("axe found WCAG 2.2 A/AA violations:\n" + "\n".join(coverage.violations))
    fixed = {START, CHECK_ANSWERS, CONFIRMATION}
    if pattern.spec.declaration is not None:
        fixed.add(DECLARATION)
    assert coverage.pages == {*pattern.order, *fixed}, "pages the scenarios never reach"
    questions = list(pattern.questions())
    assert coverage.error_states == {q.id for q in questions} - coverage.without_error_state
    # Only a question that accepts anything a browser can send may have no error state.
    assert all(optional_choice(q) for q in questions if q.id in coverage.without_error_state)
    assert coverage.extra_states == {q.id for q in questions if isinstance(q, AddAnotherQuestion)}


def test_the_session_ended_page_has_no_wcag_violations(page, live_server):
    """The one runner page no scenario reaches: the same for every pattern."""
    service = ServiceFactory.create(live=True, pothole=True)
    axe_prepare(page.context)
    violations = []
    for language in ["en", "cy"]:
        page.goto(f"{live_server.url}{base_url(service, language=language)}session-ended/")
        page.get_by_role("heading", level=1).wait_for()
        violations += axe_violations(page)
    assert not violations, "\n".join(violations)


# --- The keyboard alone -------------------------------------------------------------------------


def _tab_to(page: Page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the focused element matches `selector`."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector} on {page.url}")


def _choose(page: Page, name: str, value: str) -> None:
    """Tab into a radio group, arrow to the option, select it with Space."""
    _tab_to(page, f'[name="{name}"]')
    for _press in range(20):
        if page.evaluate("(v) => document.activeElement.value === v", value):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked")


def _type_into(page: Page, name: str, text: str) -> None:
    _tab_to(page, f'[name="{name}"]')
    page.keyboard.type(text)


def _continue(page: Page, *, to: str) -> None:
    """Tab to the page's button and press Enter; the next page must be `to`."""
    _tab_to(page, CONTINUE)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/{to}/"), f"expected {to}, at {page.url}"


def _focus_visible(page: Page) -> bool:
    """GOV.UK Frontend's focus state: a 3px outline (inputs, links) or a yellow fill with a thick
    underline (buttons)."""
    return bool(
        page.evaluate(
            """() => {
              const style = getComputedStyle(document.activeElement);
              const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 3;
              const filled = style.backgroundColor === "rgb(255, 221, 0)";
              return (outline && style.outlineColor !== "rgba(0, 0, 0, 0)") || filled;
            }"""
        )
    )


def test_a_whole_journey_with_the_keyboard_alone(page, live_server, fixed_today):
    """Report a missed bin (radios, an address, yes/no, a date, an email) with no clicks and no
    fill(): Tab, arrows, Space, Enter and typing only."""
    fixed_today[0] = dt.date(2026, 1, 15)  # the collection day below is "in the last 2 days"
    service = _service("report-a-missed-bin-collection", {"waste_contact": "call 01632 960 100"})
    page.goto(f"{live_server.url}{base_url(service)}")

    _continue(page, to="bin")  # Start now
    _choose(page, "bin", "general")
    _continue(page, to="address")
    _type_into(page, "address-line1", "14 High Street")
    assert _focus_visible(page), "no visible focus on a text input"
    _type_into(page, "address-town", "Llandrindod Wells")
    _type_into(page, "address-postcode", "LD1 5AA")
    _tab_to(page, CONTINUE)
    assert _focus_visible(page), "no visible focus on the Continue button"
    page.keyboard.press("Shift+Tab")  # back to the postcode, then forward again
    assert page.evaluate("() => document.activeElement.name") == "address-postcode"
    _continue(page, to="tagged")
    pages = [("tagged", "no", "assisted"), ("assisted", "no", "out_on_time")]
    pages += [("out_on_time", "yes", "due_recent"), ("due_recent", "yes", "due_date")]
    for name, value, following in pages:
        _choose(page, name, value)
        _continue(page, to=following)
    _type_into(page, "due_date-day", "14")
    _type_into(page, "due_date-month", "1")
    _type_into(page, "due_date-year", "2026")
    _continue(page, to="email")
    _type_into(page, "email", "resident@example.com")
    _continue(page, to="check-answers")
    _continue(page, to="confirmation")  # Send

    reference = Submission.objects.get(service=service).reference
    assert page.locator(".townhall-reference").inner_text() == reference
    assert Submission.objects.get(service=service).answers["due_date"] == "2026-01-14"
