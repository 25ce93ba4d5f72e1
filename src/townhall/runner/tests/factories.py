"""Factories for journeys (most tests start one through the start page instead)."""

from __future__ import annotations

from django.utils import timezone
from factory.declarations import LazyFunction, SelfAttribute, SubFactory
from factory.django import DjangoModelFactory

from townhall.runner.models import Journey
from townhall.services.tests.factories import ServiceFactory


class JourneyFactory(DjangoModelFactory[Journey]):
    class Meta:
        model = Journey

    service = SubFactory(ServiceFactory, live=True)
    organisation = SelfAttribute("service.organisation")
    pattern_version = SelfAttribute("service.pattern_version")
    answers = LazyFunction(dict)
    last_activity = LazyFunction(timezone.now)
