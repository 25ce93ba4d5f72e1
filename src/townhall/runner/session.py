"""Loading a request's journey: the service, the resident's journey through it, its pattern.

Each journey has its own cookie, `townhall-journey-<service id>` (`-preview` for an editor's
preview), holding the journey's id and a random key whose hash the journey row keeps: the row, in
the database, survives a restart, and the cookie is to it what a session cookie is to a session
(HttpOnly, Secure in production, SameSite=Lax). Residents' pages therefore never load a Django
session, a round trip to the database per request saved (ADR 0011). A missing or idle journey
sends the resident to the "your session has ended" page, never to a half-filled form.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import get_script_prefix, get_urlconf, reverse, translate_url
from django.utils import translation

from townhall.patterns.engine import CHECK_ANSWERS, Pattern, text_render
from townhall.patterns.engine.schema_common import Localised
from townhall.patterns.engine.values import Language, ParamValues
from townhall.runner.actions import journey_expire, journey_is_idle, journey_touch
from townhall.runner.constants import (
    DEFAULT_IDLE_SECONDS,
    JOURNEY_COOKIE_PREFIX,
    SESSION_JOURNEYS,
)
from townhall.runner.models import Journey
from townhall.runner.page_cache import Slots
from townhall.runner.queries import ServiceAccess, get_service_for_user, journey_get
from townhall.services.engine_cache import pattern_for_version_id
from townhall.services.models import Service
from townhall.services.queries import service_parameters_for_version


def idle_seconds() -> int:
    return int(getattr(settings, "TOWNHALL_JOURNEY_IDLE_SECONDS", DEFAULT_IDLE_SECONDS))


def current_language() -> Language:
    return "cy" if translation.get_language() == "cy" else "en"


def journey_cookie_name(*, service: Service, preview: bool) -> str:
    """The name of the cookie that holds this browser's journey through `service`."""
    return f"{JOURNEY_COOKIE_PREFIX}{service.pk.hex}{'-preview' if preview else ''}"


def _cookie_name(access: ServiceAccess) -> str:
    return journey_cookie_name(service=access.service, preview=access.preview)


def _legacy_session_key(access: ServiceAccess) -> str:
    return f"{access.service.pk}:preview" if access.preview else str(access.service.pk)


@dataclass(frozen=True, slots=True)
class JourneyPointer:
    journey_id: uuid.UUID
    # None: a pointer in the Django session to a journey started before journeys had keys.
    key: str | None


def journey_pointer_get(request: HttpRequest, access: ServiceAccess) -> JourneyPointer | None:
    """Which journey this browser has through the service, and the key that opens it."""
    value = request.COOKIES.get(_cookie_name(access))
    if value is not None:
        journey_id, _dot, key = value.partition(".")
        try:
            return JourneyPointer(uuid.UUID(hex=journey_id), key) if key else None
        except ValueError:
            return None
    # Journeys started before the upgrade that gave them keys finish through the session; only a
    # browser with a session cookie can have one, so residents' requests never load a session.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    legacy = request.session.get(SESSION_JOURNEYS, {}).get(_legacy_session_key(access))
    try:
        return JourneyPointer(uuid.UUID(str(legacy)), None) if legacy else None
    except ValueError:
        return None


def journey_pointer_set(
    response: HttpResponse, access: ServiceAccess, journey: Journey, key: str
) -> None:
    """Give the browser the cookie that opens `journey` (a new journey, or one resumed)."""
    response.set_cookie(
        _cookie_name(access),
        f"{journey.pk.hex}.{key}",
        max_age=settings.SESSION_COOKIE_AGE,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def journey_pointer_clear(
    request: HttpRequest, response: HttpResponse, access: ServiceAccess, journey: Journey
) -> None:
    """Make this browser forget `journey` (after "save and come back later")."""
    response.delete_cookie(_cookie_name(access), path="/", samesite="Lax")
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        pointers = request.session.get(SESSION_JOURNEYS, {})
        if str(journey.pk) in pointers.values():
            request.session[SESSION_JOURNEYS] = {
                key: value for key, value in pointers.items() if value != str(journey.pk)
            }


@dataclass
class Runner:
    """Everything a runner page needs about this request."""

    request: HttpRequest
    access: ServiceAccess
    pattern: Pattern
    language: Language
    journey: Journey | None = None
    # The per-request parts of the page this request renders (see page_cache).
    slots: Slots = field(default_factory=Slots)
    _old_version_params: ParamValues | None = None

    @property
    def service(self) -> Service:
        return self.access.service

    @property
    def params(self) -> ParamValues:
        # Checked against the pattern by the engine when the service was created or changed.
        journey = self.journey
        if journey is not None and journey.pattern_version_id != self.service.pattern_version_id:
            # Started before an upgrade: it runs on its own version, with that version's values.
            if self._old_version_params is None:
                self._old_version_params = service_parameters_for_version(
                    service=self.service, pattern_version_id=journey.pattern_version_id
                )
            return self._old_version_params
        parameters: ParamValues = self.service.parameters
        return parameters

    @property
    def answers(self) -> dict[str, Any]:
        return self.journey.answers if self.journey is not None else {}

    def text(self, text: Localised | None) -> str:
        """A pattern text in the page's language with its placeholders filled in."""
        return text_render(
            pattern=self.pattern,
            text=text,
            answers=self.answers,
            params=self.params,
            language=self.language,
        )

    @property
    def service_name(self) -> str:
        if self.language == "cy" and self.service.name_cy:
            return self.service.name_cy
        if self.language == "en" and self.service.name:
            return self.service.name
        return self.text(self.pattern.spec.title)

    def url(self, name: str, page_id: str | None = None) -> str:
        return _service_url(
            name,
            self.service.organisation.slug,
            self.service.slug,
            page_id,
            # What else decides the address: the /cy/ prefix, the URL map, a mounted prefix.
            translation.get_language(),
            get_urlconf() or settings.ROOT_URLCONF,
            get_script_prefix(),
        )

    def page_url(self, page_id: str) -> str:
        """The address of a page id, or of check answers."""
        if page_id == CHECK_ANSWERS:
            return self.url("check-answers")
        return self.url("page", page_id)

    def context(self, **extra: Any) -> dict[str, Any]:
        organisation = self.service.organisation
        return {
            "organisation_name": organisation.official_name,
            "organisation_url": _organisation_url(
                organisation.slug,
                translation.get_language(),
                get_urlconf() or settings.ROOT_URLCONF,
                get_script_prefix(),
            ),
            "service_name": self.service_name,
            "service_url": self.url("start"),
            # Question pages' "Save and come back later" (views_save), confirmation's feedback link.
            "save_url": self.url("save"),
            "feedback_url": self.url("feedback"),
            "preview": self.access.preview,
            # English-only patterns have no Welsh pages, so no toggle (see `welsh_redirect`).
            "translatable": "cy" in self.pattern.spec.languages,
            **extra,
        }


# A page makes several addresses of its service (links, back link, form); reverse() costs more
# than the rest of building a page's context, and the same few recur on every request.
@functools.lru_cache(maxsize=8192)
def _service_url(
    name: str,
    organisation_slug: str,
    service_slug: str,
    page_id: str | None,
    language: str | None,
    urlconf: str,
    script_prefix: str,
) -> str:
    kwargs = {"organisation_slug": organisation_slug, "service_slug": service_slug}
    if page_id is not None:
        kwargs["page_id"] = page_id
    return reverse(f"runner:{name}", kwargs=kwargs, urlconf=urlconf)


@functools.lru_cache(maxsize=2048)
def _organisation_url(slug: str, language: str | None, urlconf: str, script_prefix: str) -> str:
    return reverse("tenancy:detail", kwargs={"slug": slug}, urlconf=urlconf)


def runner_for_service(
    request: HttpRequest, organisation_slug: str, service_slug: str
) -> Runner | HttpResponseRedirect:
    """The service (404 if this visitor may not use it) on its current version, no journey."""
    access = get_service_for_user(
        user=request.user, organisation_slug=organisation_slug, service_slug=service_slug
    )
    runner = Runner(
        request=request,
        access=access,
        pattern=pattern_for_version_id(access.service.pattern_version_id),
        language=current_language(),
    )
    return welsh_redirect(runner) or runner


def welsh_redirect(runner: Runner) -> HttpResponseRedirect | None:
    """A Welsh address of a service whose pattern has no Welsh goes to the English page: a page is
    never half-translated, and English content is never presented as Welsh."""
    if runner.language == "cy" and "cy" not in runner.pattern.spec.languages:
        return HttpResponseRedirect(translate_url(runner.request.get_full_path(), "en"))
    return None


def runner_for_journey(
    request: HttpRequest,
    organisation_slug: str,
    service_slug: str,
    *,
    finished_ok: bool = False,
) -> Runner | HttpResponseRedirect:
    """The service and the visitor's journey through it, or where to send them instead: the start
    page (no journey yet), "session ended" (an idle or vanished journey, or a form posted after
    the session ended) or the confirmation (a journey already sent, unless `finished_ok`)."""
    loaded = runner_for_service(request, organisation_slug, service_slug)
    if isinstance(loaded, HttpResponseRedirect):
        return loaded
    runner = loaded
    pointer = journey_pointer_get(request, runner.access)
    if pointer is None:
        return HttpResponseRedirect(
            runner.url("session-ended" if request.method == "POST" else "start")
        )
    journey = journey_get(
        service=runner.service,
        journey_id=pointer.journey_id,
        preview=runner.access.preview,
        key=pointer.key,
    )
    if journey is None:
        return HttpResponseRedirect(runner.url("session-ended"))
    if journey_is_idle(journey=journey, idle_seconds=idle_seconds()):
        journey_expire(journey=journey)
        return HttpResponseRedirect(runner.url("session-ended"))
    if journey.is_finished and not finished_ok:
        return HttpResponseRedirect(runner.url("confirmation"))
    # A journey finishes on the version it started on, even if the service has moved on.
    if journey.pattern_version_id != runner.service.pattern_version_id:
        runner.pattern = pattern_for_version_id(journey.pattern_version_id)
        if (response := welsh_redirect(runner)) is not None:
            return response
    runner.journey = journey
    journey_touch(journey=journey, language=runner.language)
    return runner
