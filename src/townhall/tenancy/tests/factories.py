"""Factories for organisations and memberships. Each test builds the data it needs."""

from __future__ import annotations

from typing import Any

from factory.declarations import LazyAttribute, LazyFunction, Sequence, SubFactory, Trait
from factory.django import DjangoModelFactory

from townhall.tenancy.constants import Nation, OrganisationKind, Role
from townhall.tenancy.models import Membership, Organisation
from townhall.tenancy.names import search_text_for


def _search_text(organisation: Any) -> str:
    return search_text_for(
        official_name=organisation.official_name,
        short_name=organisation.short_name,
        alternative_names=organisation.alternative_names,
    )


class OrganisationFactory(DjangoModelFactory[Organisation]):
    """A current English council. `OrganisationFactory(police=True)`, `(welsh=True)`,
    `(former=True)` for the other sorts."""

    class Meta:
        model = Organisation

    register_key = Sequence(lambda n: f"test:{n}")
    slug = Sequence(lambda n: f"test-council-{n}")
    kind = OrganisationKind.COUNCIL
    official_name = Sequence(lambda n: f"Test Borough Council {n}")
    short_name = Sequence(lambda n: f"Test Borough {n}")
    alternative_names = LazyFunction(list)
    search_text = LazyAttribute(_search_text)
    nation = Nation.ENGLAND
    is_active = True

    class Params:
        police = Trait(
            kind=OrganisationKind.POLICE_FORCE,
            official_name=Sequence(lambda n: f"Test Constabulary {n}"),
            short_name=Sequence(lambda n: f"Test Constabulary {n}"),
        )
        welsh = Trait(nation=Nation.WALES)
        former = Trait(is_active=False)


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    organisation = SubFactory(OrganisationFactory)
    user = SubFactory("townhall.identity.tests.factories.UserFactory")
    role = Role.VIEWER
