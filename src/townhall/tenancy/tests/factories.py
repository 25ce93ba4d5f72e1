"""Factories for organisations and memberships. Each test builds the data it needs."""

from __future__ import annotations

import factory

from townhall.tenancy.constants import Nation, OrganisationKind, Role
from townhall.tenancy.models import Membership, Organisation


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    register_key = factory.Sequence(lambda n: f"test:{n}")
    slug = factory.Sequence(lambda n: f"test-council-{n}")
    kind = OrganisationKind.COUNCIL
    official_name = factory.Sequence(lambda n: f"Test Borough Council {n}")
    short_name = factory.Sequence(lambda n: f"Test Borough {n}")
    search_text = factory.LazyAttribute(lambda o: f"{o.official_name} {o.short_name}".lower())
    nation = Nation.ENGLAND
    is_active = True

    class Params:
        police = factory.Trait(
            kind=OrganisationKind.POLICE_FORCE,
            official_name=factory.Sequence(lambda n: f"Test Constabulary {n}"),
            short_name=factory.Sequence(lambda n: f"Test Constabulary {n}"),
        )
        welsh = factory.Trait(nation=Nation.WALES)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory("townhall.identity.tests.factories.UserFactory")
    role = Role.VIEWER
