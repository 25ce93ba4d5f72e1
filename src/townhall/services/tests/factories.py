"""Factories for published pattern versions and services. Each test builds the data it needs.

`PatternVersionFactory.create(pages=[…])` publishes a small pattern written by the test (through
the patterns app's `pattern_data` builder); `PatternVersionFactory.create(pothole=True)` publishes
the library's report-a-pothole. `ServiceFactory.create(live=True, pothole=True)` adopts it.
"""

from __future__ import annotations

import functools
from typing import Any

from factory.declarations import LazyAttribute, SelfAttribute, Sequence, SubFactory, Trait
from factory.django import DjangoModelFactory

from townhall.patterns.actions import content_hash
from townhall.patterns.engine import pattern_parse
from townhall.patterns.models import ChangeType, PatternVersion
from townhall.patterns.tests.factories import LIBRARY, pattern_data, question
from townhall.services.constants import ServiceState
from townhall.services.models import Service
from townhall.tenancy.tests.factories import OrganisationFactory

POTHOLE_PARAMS: dict[str, Any] = {
    "emergency_phone": "01632 960 001",
    "trunk_road_contact": {
        "en": "the trunk road agent on 01632 960 002",
        "cy": "asiant y gefnffordd ar 01632 960 002",
    },
}


@functools.cache
def library_data(pattern_id: str) -> Any:
    """A library pattern's definition, as publishing stores it."""
    path = LIBRARY / pattern_id / "pattern.yaml"
    loaded = pattern_parse(text=path.read_text(encoding="utf-8"), filename=str(path))
    assert loaded.pattern is not None, [d.format() for d in loaded.diagnostics]
    return loaded.data


def _default_pages() -> list[dict[str, Any]]:
    return [question("text", "name", label="What is your name?", subject="your name")]


class PatternVersionFactory(DjangoModelFactory[PatternVersion]):
    class Meta:
        model = PatternVersion
        django_get_or_create = ("pattern_id", "version")

    class Params:
        pages = LazyAttribute(lambda o: _default_pages())
        fields: dict[str, Any] = {}
        library = ""  # a library pattern's id, to publish that pattern instead
        data = LazyAttribute(
            lambda o: (
                library_data(o.library)
                if o.library
                else pattern_data(pages=o.pages, **{"id": o.pid, **o.fields})
            )
        )
        pid = Sequence(lambda n: f"test-pattern-{n}")
        pothole = Trait(library="report-a-pothole")

    pattern_id = LazyAttribute(lambda o: o.data["id"])
    version = LazyAttribute(lambda o: o.data["version"])
    major = LazyAttribute(lambda o: int(o.version.split(".")[0]))
    minor = LazyAttribute(lambda o: int(o.version.split(".")[1]))
    patch = LazyAttribute(lambda o: int(o.version.split(".")[2]))
    title = LazyAttribute(lambda o: str(_english(o.data["title"])))
    summary = LazyAttribute(lambda o: str(_english(o.data["summary"])))
    languages = LazyAttribute(lambda o: list(o.data.get("languages", ["en"])))
    owner = "Townhall"
    definition = SelfAttribute("data")
    source = ""
    content_hash = LazyAttribute(lambda o: content_hash(o.data))
    change_type = ChangeType.INITIAL


def _english(text: Any) -> Any:
    return text["en"] if isinstance(text, dict) else text


class ServiceFactory(DjangoModelFactory[Service]):
    """A draft service of a small test pattern. Traits: `live`, `unpublished`, `pothole` (the
    library's bilingual pothole pattern with its required parameters set)."""

    class Meta:
        model = Service

    organisation = SubFactory(OrganisationFactory)
    pattern_version = SubFactory(PatternVersionFactory)
    slug = Sequence(lambda n: f"service-{n}")
    parameters: Any = {}
    state = ServiceState.DRAFT

    class Params:
        live = Trait(state=ServiceState.LIVE)
        unpublished = Trait(state=ServiceState.UNPUBLISHED)
        pothole = Trait(
            pattern_version=SubFactory(PatternVersionFactory, pothole=True),
            slug="report-a-pothole",
            parameters=POTHOLE_PARAMS,
        )


# The library pothole's pages in order, as a resident answers them (the last asks for an email).
POTHOLE_ANSWERS: list[tuple[str, dict[str, Any]]] = [
    ("danger", {"danger": "no"}),
    ("road_type", {"road_type": "road"}),
    (
        "location",
        {
            "location": "Outside 14 High Street",
            "location-latitude": "52.24131",
            "location-longitude": "-3.37906",
        },
    ),
    ("size", {"size": "large"}),
    ("depth", {"depth": "4cm_to_10cm"}),
    ("description", {"description": "In the westbound lane, full of water."}),
    ("photos", {}),
    ("updates", {"updates": "yes"}),
    ("email", {"email": "resident@example.com"}),
]
