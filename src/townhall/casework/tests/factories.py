"""Factories for casework: a service whose pattern asks for an email address, its submissions,
and the staff of its organisation.

`CaseworkSubmissionFactory.create(email="a@b.example")` is a submission whose resident gave that
address (the pattern's first email question); `world()` builds an organisation with a member of
every role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from factory.declarations import LazyAttribute, SubFactory
from factory.django import DjangoModelFactory

from townhall.casework.models import Note, StatusChange
from townhall.identity.models import User
from townhall.identity.tests.factories import UserFactory
from townhall.patterns.tests.factories import question
from townhall.services.constants import ServiceState
from townhall.services.models import Service
from townhall.services.tests.factories import PatternVersionFactory, ServiceFactory
from townhall.submissions.models import Submission
from townhall.submissions.tests.factories import SubmissionFactory
from townhall.tenancy.constants import Role
from townhall.tenancy.models import Organisation
from townhall.tenancy.tests.factories import MembershipFactory, OrganisationFactory

CONTACT_PAGES = [
    question("text", "name", label="What is your name?", subject="your name"),
    question("email", "email", label="What is your email address?", subject="your email address"),
]


class ContactServiceFactory(ServiceFactory):
    """A live service whose pattern asks for a name, then an email address."""

    pattern_version = SubFactory(PatternVersionFactory, pages=CONTACT_PAGES)
    state = ServiceState.LIVE
    name = "Report a problem"


class CaseworkSubmissionFactory(SubmissionFactory):
    class Params:
        email = "resident@example.org"

    service = SubFactory(ContactServiceFactory)
    # LazyAttribute where the base has LazyFunction: both are declarations factory_boy resolves.
    answers = LazyAttribute(lambda o: {"name": "Siân Ŵyn", "email": o.email})  # type: ignore[assignment]
    summary = LazyAttribute(  # type: ignore[assignment]
        lambda o: [
            {"question_id": "name", "label": "What is your name?", "lines": ["Siân Ŵyn"]},
            {"question_id": "email", "label": "What is your email address?", "lines": [o.email]},
        ]
    )


class StatusChangeFactory(DjangoModelFactory[StatusChange]):
    class Meta:
        model = StatusChange


class NoteFactory(DjangoModelFactory[Note]):
    class Meta:
        model = Note


@dataclass
class World:
    """One organisation, a member of each role, one service and one submission."""

    organisation: Organisation
    service: Service
    submission: Submission
    members: dict[str, User]

    def member(self, role: str) -> User:
        return self.members[role]


def world(**submission_fields: Any) -> World:
    organisation = OrganisationFactory.create()
    service = ContactServiceFactory.create(organisation=organisation)
    members = {}
    for role in Role.values:
        user = UserFactory.create()
        MembershipFactory.create(organisation=organisation, user=user, role=role)
        members[role] = user
    submission = CaseworkSubmissionFactory.create(service=service, **submission_fields)
    return World(organisation, service, submission, members)
