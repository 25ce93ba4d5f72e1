"""Runner issue (services): `townhall services create` adopts a published pattern version with
typed parameters, and explains what is wrong when it cannot."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from townhall.services.constants import ServiceState
from townhall.services.models import Service
from townhall.services.tests.factories import PatternVersionFactory
from townhall.tenancy.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return OrganisationFactory.create(slug="brecon")


def _create(*args: str) -> None:
    call_command("services", "create", *args)


def test_create_a_live_service_with_typed_parameters(council, capsys):
    PatternVersionFactory.create(pothole=True)
    _create(
        "--organisation=brecon",
        "--pattern=report-a-pothole",
        "--slug=potholes",
        "--param=emergency_phone=0300 123 4567",
        '--param=trunk_road_contact={"en": "the agent", "cy": "yr asiant"}',
        "--param=inspection_days=3",
        "--live",
    )
    service = Service.objects.get()
    assert service.state == ServiceState.LIVE
    assert service.parameters == {
        "emergency_phone": "0300 123 4567",
        "trunk_road_contact": {"en": "the agent", "cy": "yr asiant"},
        "inspection_days": 3,
    }
    assert "Created brecon/potholes (live) from report-a-pothole 1.0.0" in capsys.readouterr().out


def test_create_picks_the_version_asked_for(council):
    older = PatternVersionFactory.create(pid="bins", fields={"version": "1.0.0"})
    PatternVersionFactory.create(pid="bins", fields={"version": "1.2.0"})
    _create("--organisation=brecon", "--pattern=bins", "--slug=bins-old", "--version=1.0.0")
    _create("--organisation=brecon", "--pattern=bins", "--slug=bins")
    assert Service.objects.get(slug="bins-old").pattern_version == older
    assert Service.objects.get(slug="bins").pattern_version.version == "1.2.0"
    assert Service.objects.get(slug="bins").state == ServiceState.DRAFT


def test_money_parameters_are_pence(council):
    PatternVersionFactory.create(
        pid="fees",
        fields={"parameters": {"fee": {"type": "money", "description": "The fee."}}},
    )
    with pytest.raises(CommandError, match="give an amount in pence"):
        _create("--organisation=brecon", "--pattern=fees", "--slug=fees", "--param=fee=£25")
    _create("--organisation=brecon", "--pattern=fees", "--slug=fees", "--param=fee=2500")
    assert Service.objects.get().parameters == {"fee": 2500}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--organisation=nowhere"], "no organisation with the slug nowhere"),
        (["--pattern=unknown"], "unknown is not published"),
        (["--param=emergency_phone"], "'emergency_phone' is not name=value"),
        ([], "emergency_phone: must be set"),
        (["--slug=staff", "--param=emergency_phone=1", "--param=trunk_road_contact=x"], "reserved"),
    ],
)
def test_create_explains_what_is_wrong(council, args, message):
    PatternVersionFactory.create(pothole=True)
    defaults = {"--organisation": "brecon", "--pattern": "report-a-pothole", "--slug": "potholes"}
    given = {arg.split("=", 1)[0] for arg in args}
    full = [f"{k}={v}" for k, v in defaults.items() if k not in given] + args
    with pytest.raises(CommandError, match=message):
        _create(*full)
    assert not Service.objects.exists()
