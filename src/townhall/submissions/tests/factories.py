"""Factories for submissions."""

from __future__ import annotations

from django.utils import timezone
from factory.declarations import LazyFunction, SelfAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory

from townhall.services.tests.factories import ServiceFactory
from townhall.submissions.constants import Channel
from townhall.submissions.models import Submission


class SubmissionFactory(DjangoModelFactory[Submission]):
    class Meta:
        model = Submission

    service = SubFactory(ServiceFactory, live=True)
    organisation = SelfAttribute("service.organisation")
    pattern_version = SelfAttribute("service.pattern_version")
    reference = Sequence(lambda n: f"TST-{n:04d}-TEST")
    answers = LazyFunction(dict)
    summary = LazyFunction(list)
    language = "en"
    channel = Channel.WEB
    submitted_at = LazyFunction(timezone.now)
