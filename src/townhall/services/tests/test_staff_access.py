"""Issue 5: who may use the staff services pages. A member of another organisation gets 404 on
every one of them (the list comes from `urls_staff.urlpatterns`, so a new URL fails
`test_every_services_url_is_classified` until it is added here); viewers cannot change services;
editors cannot publish or unpublish."""

from __future__ import annotations

import pytest

from townhall.services import urls_staff
from townhall.services.constants import ServiceState
from townhall.services.models import Service
from townhall.services.tests.factories import ServiceFactory
from townhall.services.tests.staff_support import PERMIT, PERMIT_PARAMS, member, permit_version
from townhall.tenancy.constants import ROLE_PERMISSIONS, Permission, Role

pytestmark = pytest.mark.django_db

# Each URL's permission, and whether it only answers POST.
REQUIRES: dict[str, tuple[Permission, bool]] = {
    "list": (Permission.VIEW_ORGANISATION, False),
    "adopt": (Permission.EDIT_SERVICES, False),
    "adopt-pattern": (Permission.EDIT_SERVICES, False),
    "create": (Permission.EDIT_SERVICES, False),
    "detail": (Permission.VIEW_ORGANISATION, False),
    "edit": (Permission.EDIT_SERVICES, False),
    "publish": (Permission.PUBLISH_SERVICES, True),
    "unpublish": (Permission.PUBLISH_SERVICES, True),
    "upgrade": (Permission.EDIT_SERVICES, False),
}
# The pages that also take a POST.
FORMS = {"create", "edit", "upgrade"}


def _names() -> set[str]:
    return {pattern.name for pattern in urls_staff.urlpatterns if pattern.name}


def _address(name: str, service: Service) -> str:
    base = f"/staff/{service.organisation.slug}/services/"
    return {
        "list": base,
        "adopt": f"{base}adopt/",
        "adopt-pattern": f"{base}adopt/{PERMIT}/",
        "create": f"{base}adopt/{PERMIT}/1.0.0/",
        "detail": f"{base}{service.slug}/",
        "edit": f"{base}{service.slug}/edit/",
        "publish": f"{base}{service.slug}/publish/",
        "unpublish": f"{base}{service.slug}/unpublish/",
        "upgrade": f"{base}{service.slug}/upgrade/",
    }[name]


@pytest.fixture
def service() -> Service:
    return ServiceFactory.create(pattern_version=permit_version(), parameters=PERMIT_PARAMS)


def test_every_services_url_is_classified():
    assert _names() == set(REQUIRES)


@pytest.mark.parametrize("name", sorted(_names()))
def test_another_organisations_admin_gets_404_everywhere(staff_client, service, name):
    outsider = staff_client(member(Role.ADMIN).user)
    address = _address(name, service)
    if not REQUIRES[name][1]:
        assert outsider.get(address).status_code == 404
    if name in FORMS or REQUIRES[name][1]:
        assert outsider.post(address).status_code == 404
    service.refresh_from_db()
    assert service.state == ServiceState.DRAFT


@pytest.mark.parametrize("role", Role.values)
def test_each_role_gets_what_its_permissions_allow(staff_client, service, role):
    client = staff_client(member(Role(role), service.organisation).user)
    for name in sorted(_names() - {"publish", "unpublish"}):
        permission, _post_only = REQUIRES[name]
        response = client.get(_address(name, service))
        expected = (200, 302) if permission in ROLE_PERMISSIONS[role] else (403,)
        assert response.status_code in expected, (name, response.status_code)
    # Publishing last, so that unpublishing has a live service to take down.
    for name in ("publish", "unpublish"):
        response = client.post(_address(name, service))
        expected = (302,) if Permission.PUBLISH_SERVICES in ROLE_PERMISSIONS[role] else (403,)
        assert response.status_code in expected, (name, response.status_code)


def test_editors_cannot_publish_and_viewers_cannot_change(staff_client, service):
    editor = staff_client(member(Role.EDITOR, service.organisation).user)
    viewer = staff_client(member(Role.VIEWER, service.organisation).user)
    base = f"/staff/{service.organisation.slug}/services/{service.slug}/"
    assert editor.post(f"{base}publish/").status_code == 403
    assert viewer.post(f"{base}edit/", {"contact_details": "x"}).status_code == 403
    detail = viewer.get(base).content.decode()
    assert "Change" not in detail
    assert "Publish" not in detail
    service.refresh_from_db()
    assert service.state == ServiceState.DRAFT
    assert service.contact_details == ""


def test_signed_out_visitors_are_sent_to_sign_in(client, service):
    response = client.get(_address("list", service))
    assert response.status_code == 302
    assert "/staff/sign-in/" in response["Location"]
