"""Walking a library pattern's every page in Chromium and auditing each with axe-core.

A `Walker` replays the pattern's own scenarios (`scenarios.yaml`, chosen by
`scenarios_covering`): the answers are posted through Django's test client, sharing the
browser's session cookie, because only the pages themselves need a browser. Every page the
answers make reachable is loaded in Chromium and audited once, and every question page is also
submitted in the browser empty (or, for an optional question, with an answer the engine refuses)
to audit its error state. `Coverage` records what was audited, so a test can prove that nothing
was left out.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from playwright.sync_api import BrowserContext, FilePayload, Page

from townhall.patterns.engine import (
    CHECK_ANSWERS,
    Pattern,
    answers_prune,
    page_validate,
    path_compute,
)
from townhall.patterns.engine.scenarios import Scenario, ScenarioFile

# The scenario runner's own reading of a step's input as posted form fields; reusing it means the
# browser test posts exactly what `townhall patterns test` validates.
from townhall.patterns.engine.scenarios import _raw_input as scenario_raw_input
from townhall.patterns.engine.schema_questions import (
    AddAnotherQuestion,
    CheckboxesQuestion,
    FileQuestion,
    QuestionBase,
    RadiosQuestion,
    SelectQuestion,
    YesNoQuestion,
)
from townhall.patterns.engine.values import JSON, RawInput, RawValue, UploadedFile
from townhall.patterns.tests.factories import LIBRARY, REPOSITORY
from townhall.runner.models import Journey
from townhall.runner.tests.helpers import base_url, journey_cookie_name, journey_id_of
from townhall.services.models import Service

AXE_SOURCE = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe has no rule tagged wcag22a).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}"""

START, DECLARATION, CONFIRMATION = "start", "declaration", "confirmation"
# A page's own submit button (Start now, Continue, Send): not "Add another" or "Remove" (named
# `action`), nor one that posts elsewhere (`formaction`, such as "Save and come back later").
CONTINUE = "main form button.govuk-button:not([name]):not([formaction])"
ADD_ANOTHER = 'main form button[name="action"][value="add"]'
REMOVE = 'main form button[name="action"][value^="remove-"]'
ERROR_SUMMARY = ".govuk-error-summary"

# Uploads are sniffed by content (puremagic), so scenario files are sent with real signatures.
_FILE_CONTENT = {
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
    "image/png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "image/heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
    "application/pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
}
# Content nothing recognises: every file question refuses it as the wrong type.
_UNKNOWN_FILE = UploadedFile(name="notes.txt", size=16, content_type="application/octet-stream")


def axe_source() -> str:
    if not AXE_SOURCE.exists():
        raise AssertionError(f"axe-core is missing at {AXE_SOURCE}: run `make install` (npm ci).")
    return AXE_SOURCE.read_text(encoding="utf-8")


def axe_prepare(context: BrowserContext) -> None:
    """Make axe available on every page the context loads.

    An init script goes in through the DevTools protocol, which the page's Content-Security-Policy
    does not govern, so the pages keep their real CSP (nonce-only scripts) while they are audited;
    `bypass_csp=True` or a `<script>` tag would audit a page residents never get.
    """
    context.add_init_script(script=axe_source())


def axe_violations(page: Page) -> list[str]:
    """axe's WCAG 2.2 A and AA violations on the loaded page, one line each."""
    found: list[dict[str, Any]] = page.evaluate(_AXE_RUN, WCAG_TAGS)
    return [
        f"{page.url}: {v['id']} ({v['impact']}) {v['help']} at {'; '.join(v['targets'])}"
        for v in found
    ]


def scenarios_load(pattern_id: str) -> list[Scenario]:
    path = LIBRARY / pattern_id / "scenarios.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(ScenarioFile.model_validate(data).scenarios)


def _today(scenario: Scenario) -> dt.date:
    return dt.date.fromisoformat(scenario.today)


def _replay(pattern: Pattern, scenario: Scenario) -> Iterator[dict[str, JSON]]:
    """The answers before each step and at the end: the scenario runner's own loop (validate,
    store, prune) without its comparisons."""
    answers: dict[str, JSON] = {}
    for step in scenario.steps:
        yield answers
        if step.errors is not None:
            continue  # a step that pins an error message stores nothing
        result = page_validate(
            pattern=pattern,
            page_id=step.page,
            raw=scenario_raw_input(step),
            params=scenario.params,
            language=scenario.language,
            today=_today(scenario),
            answers=answers,
        )
        assert result.ok, (scenario.name, step.page, result.errors)
        merged = {**answers, **result.values}
        answers = answers_prune(pattern=pattern, answers=merged, params=scenario.params)
    yield answers


def scenario_pages(pattern: Pattern, scenario: Scenario) -> set[str]:
    """Every page the scenario's answers make reachable on the way (check answers included)."""
    pages: set[str] = set()
    for answers in _replay(pattern, scenario):
        pages.update(path_compute(pattern=pattern, answers=answers, params=scenario.params))
    return pages


def scenarios_covering(pattern: Pattern, scenarios: Sequence[Scenario]) -> list[Scenario]:
    """The scenarios that reach a page no earlier one reached: walking these, not all, keeps the
    browser test fast while still seeing every page the scenarios can reach."""
    chosen: list[Scenario] = []
    seen: set[str] = set()
    for scenario in scenarios:
        pages = scenario_pages(pattern, scenario)
        if not pages <= seen:
            chosen.append(scenario)
            seen |= pages
    return chosen


@dataclass
class Coverage:
    """What a walk audited: page ids (and START, CHECK_ANSWERS, DECLARATION, CONFIRMATION), the
    questions whose error state was audited, those that have none, the "add another" questions
    audited with a second item, and every violation found."""

    pages: set[str] = field(default_factory=set)
    error_states: set[str] = field(default_factory=set)
    extra_states: set[str] = field(default_factory=set)
    without_error_state: set[str] = field(default_factory=set)
    audits: int = 0
    violations: list[str] = field(default_factory=list)


def _file_content(file: UploadedFile) -> bytes:
    return _FILE_CONTENT.get(file.content_type, b"no known type of file")


def _file_payload(file: UploadedFile) -> FilePayload:
    return {"name": file.name, "mimeType": file.content_type, "buffer": _file_content(file)}


def _form_data(raw: RawInput) -> dict[str, Any]:
    """Engine raw input as Django test client POST data (files as uploads with real content)."""
    data: dict[str, Any] = {}
    for name, value in raw.items():
        if isinstance(value, str):
            data[name] = value
        elif value and isinstance(value[0], UploadedFile):
            data[name] = [
                SimpleUploadedFile(f.name, _file_content(f), f.content_type)
                for f in value
                if isinstance(f, UploadedFile)
            ]
        else:
            data[name] = [str(item) for item in value]
    return data


@dataclass
class Walker:
    """Walks scenarios through one service in one language, recording into `coverage`."""

    page: Page
    live_url: str
    service: Service
    pattern: Pattern
    language: str
    coverage: Coverage
    error_inputs: Mapping[str, Sequence[RawInput]]
    clock: list[dt.date]  # the live server's "today" (see the test's `fixed_today`)
    client: Client = field(default_factory=Client)

    def url(self, name: str) -> str:
        path = base_url(self.service, language=self.language)
        return f"{self.live_url}{path}" if name == START else f"{self.live_url}{path}{name}/"

    def page_url(self, page_id: str) -> str:
        return self.url("check-answers" if page_id == CHECK_ANSWERS else page_id)

    def audit(self, state: str) -> None:
        self.coverage.audits += 1
        self.coverage.violations.extend(f"[{state}] {v}" for v in axe_violations(self.page))

    def goto(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None, url
        assert response.ok, (url, response.status)
        assert self.page.url == url, f"{url} redirected to {self.page.url}"

    def submit(self, selector: str) -> None:
        # An error page comes back at the same address, so wait for the navigation itself.
        with self.page.expect_navigation():
            self.page.locator(selector).click()

    def walk(self, scenario: Scenario) -> None:
        """A new journey (fresh session) through the scenario's steps, auditing pages as they
        become reachable; then check answers, declaration and confirmation once."""
        self.clock[0] = _today(scenario)
        if START not in self.coverage.pages:
            self.goto(self.url(START))
            self.audit(START)
            self.coverage.pages.add(START)
        self.client = Client()
        response = self.client.post(base_url(self.service, language=self.language))
        assert response.status_code == 302, response.status_code
        name = journey_cookie_name(self.service)
        cookie = self.client.cookies[name].value
        context = self.page.context
        context.clear_cookies()
        context.add_cookies([{"name": name, "value": cookie, "url": self.live_url}])
        for step in scenario.steps:
            self.audit_path()
            if step.errors is not None:
                continue  # a step that pins an error message stores nothing
            url = f"{base_url(self.service, language=self.language)}{step.page}/"
            response = self.client.post(url, _form_data(scenario_raw_input(step)))
            assert response.status_code == 302, (scenario.name, step.page)
        self.audit_path()
        if self.journey_path()[-1] == CHECK_ANSWERS and CONFIRMATION not in self.coverage.pages:
            self.send()

    def journey(self) -> Journey:
        return Journey.objects.get(pk=journey_id_of(self.client, self.service))

    def journey_path(self) -> list[str]:
        answers = self.journey().answers
        return path_compute(pattern=self.pattern, answers=answers, params=self.service.parameters)

    def audit_path(self) -> None:
        """Audit the pages on the journey's path not audited yet (and their error states)."""
        for page_id in self.journey_path():
            if page_id in self.coverage.pages:
                continue
            self.goto(self.page_url(page_id))
            self.audit(page_id)
            self.coverage.pages.add(page_id)
            question = None if page_id == CHECK_ANSWERS else self.pattern.question(page_id)
            if question is not None:
                self.error_state(question)

    def send(self) -> None:
        """From check answers through the declaration (if any) to the confirmation."""
        self.goto(self.page_url(CHECK_ANSWERS))
        self.submit(CONTINUE)
        if self.pattern.spec.declaration is not None:
            assert self.page.url == self.url(DECLARATION), self.page.url
            self.audit(DECLARATION)
            self.coverage.pages.add(DECLARATION)
            self.submit(CONTINUE)
        assert self.page.url == self.url(CONFIRMATION), self.page.url
        assert self.page.locator(".townhall-reference").inner_text().strip()
        self.audit(CONFIRMATION)
        self.coverage.pages.add(CONFIRMATION)

    def error_input(self, question: QuestionBase) -> RawInput | None:
        """Input the engine refuses for this question: nothing at all, else (for an optional
        question) a file of no known type, text one character too long, or a scenario's own
        wrong answer. None if the question accepts everything a browser can send."""
        candidates: list[RawInput] = [{}]
        if isinstance(question, FileQuestion):
            candidates.append({question.id: [_UNKNOWN_FILE]})
        max_length = getattr(question, "max_length", None)
        if isinstance(max_length, int):
            candidates.append({question.id: "x" * (max_length + 1)})
        candidates.extend(self.error_inputs.get(question.id, []))
        answers = self.journey().answers
        for raw in candidates:
            result = page_validate(
                pattern=self.pattern,
                page_id=question.id,
                raw=raw,
                params=self.service.parameters,
                language="cy" if self.language == "cy" else "en",
                today=self.clock[0],
                answers=answers,
            )
            if not result.ok:
                return raw
        return None

    def error_state(self, question: QuestionBase) -> None:
        """Submit the question page so that it shows its errors, and audit that; for "add
        another", also audit the page with a second item (and its Remove buttons)."""
        raw = self.error_input(question)
        if raw is None:
            self.coverage.without_error_state.add(question.id)
        else:
            self.fill(raw)
            self.submit(CONTINUE)
            self.page.locator(ERROR_SUMMARY).wait_for()
            self.audit(f"{question.id} with errors")
            self.coverage.error_states.add(question.id)
        if isinstance(question, AddAnotherQuestion):
            self.goto(self.page_url(question.id))
            self.submit(ADD_ANOTHER)
            self.page.locator(REMOVE).first.wait_for()
            self.audit(f"{question.id} with another item")
            self.coverage.extra_states.add(question.id)

    def fill(self, raw: RawInput) -> None:
        """Put raw engine input into the page's form, as a resident would."""
        for name, value in raw.items():
            self.fill_field(name, value)

    def fill_field(self, name: str, value: RawValue) -> None:
        fields = self.page.locator(f'main form [name="{name}"]')
        kind = fields.first.get_attribute("type") or ""
        items = [value] if isinstance(value, str) else list(value)
        if kind == "file":
            files = [f for f in items if isinstance(f, UploadedFile)]
            fields.set_input_files([_file_payload(f) for f in files])
        elif kind in {"radio", "checkbox"}:
            for item in items:
                fields.and_(self.page.locator(f'[value="{item}"]')).check()
        else:
            fields.fill(str(items[0]) if items else "")


def error_inputs_from(scenarios: Sequence[Scenario]) -> dict[str, list[RawInput]]:
    """The scenarios' own wrong answers (steps that expect errors), by page."""
    found: dict[str, list[RawInput]] = {}
    for scenario in scenarios:
        for step in scenario.steps:
            if step.errors:
                found.setdefault(step.page, []).append(scenario_raw_input(step))
    return found


def optional_choice(question: QuestionBase) -> bool:
    """An optional choice question: nothing a browser can send is wrong."""
    choices = RadiosQuestion | CheckboxesQuestion | SelectQuestion | YesNoQuestion
    return isinstance(question, choices) and not question.required


def params_key(scenario: Scenario) -> str:
    return json.dumps(scenario.params, sort_keys=True)


def library_ids() -> list[str]:
    return sorted(p.name for p in LIBRARY.iterdir() if (p / "pattern.yaml").exists())
