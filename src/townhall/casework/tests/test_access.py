"""Issue 5, isolation: every casework URL refuses staff of other organisations with 404 (never
revealing that the submission exists), and viewers and editors cannot change anything.

The URL list is read from `casework/urls_staff.py`, so a new URL without an entry in `WRITES` /
`READS` below fails `test_every_casework_url_is_classified`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from townhall.casework import urls_staff
from townhall.casework.tests.factories import World, world
from townhall.identity.models import User
from townhall.identity.tests.factories import UserFactory
from townhall.tenancy.constants import Role
from townhall.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

READS = {"inbox", "detail", "export-csv", "export-xlsx", "file"}
# Each write with a valid form, so a refusal is the gate's and not the form's.
WRITES: dict[str, dict[str, str]] = {
    "status-change": {"status": "in_progress"},
    "assign": {"assignee": ""},
    "note-add": {"text": "Called the resident back"},
}
# The outbox of emails that could not be sent: admins only (issue 5, point 5).
ADMIN_ONLY = {"outbox"}
OWN_OBJECT = {"detail", "file", "status-change", "assign", "note-add"}
ALL = READS | set(WRITES) | ADMIN_ONLY


def _allowed(name: str) -> set[str]:
    """The roles of the organisation's own members that may use the URL."""
    if name in ADMIN_ONLY:
        return {Role.ADMIN}
    if name in WRITES:
        return {Role.ADMIN, Role.CASEWORKER}
    return set(Role.values)


def _names() -> set[str]:
    return {pattern.name for pattern in urls_staff.urlpatterns if pattern.name}


def test_every_casework_url_is_classified() -> None:
    assert _names() == ALL, "classify new casework URLs in this file"


@pytest.fixture
def with_file(settings: Any, tmp_path: Any) -> Callable[[World], None]:
    settings.MEDIA_ROOT = tmp_path

    def attach(w: World) -> None:
        path = default_storage.save(
            f"submissions/{w.submission.reference}/photo.jpg", ContentFile(b"\xff\xd8\xffdata")
        )
        w.submission.answers = {
            **w.submission.answers,
            "photo": [
                {"name": "pothole.jpg", "size": 7, "content_type": "image/jpeg", "ref": path}
            ],
        }
        w.submission.save()

    return attach


def _url(name: str, slug: str, w: World) -> str:
    kwargs: dict[str, Any] = {"org_slug": slug}
    if name in OWN_OBJECT:
        kwargs["submission_id"] = w.submission.pk
    if name == "file":
        kwargs["index"] = 0
    return reverse(f"casework:{name}", kwargs=kwargs)


def _request(client: Client, name: str, url: str) -> Any:
    if name in WRITES:
        return client.post(url, WRITES[name])
    return client.get(url)


@pytest.fixture
def two(with_file: Callable[[World], None]) -> tuple[World, World]:
    a, b = world(), world()
    with_file(a)
    return a, b


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("name", sorted(ALL))
def test_own_members_succeed_or_get_403_by_role(name, role, two, staff_client) -> None:
    a, _ = two
    before = (a.submission.status, a.submission.assignee_id, a.submission.notes.count())
    response = _request(staff_client(a.member(role)), name, _url(name, a.organisation.slug, a))
    if role in _allowed(name):
        assert response.status_code in {200, 302}, response.status_code
    else:
        assert response.status_code == 403
        a.submission.refresh_from_db()
        after = (a.submission.status, a.submission.assignee_id, a.submission.notes.count())
        assert after == before


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("name", sorted(ALL))
def test_members_of_another_organisation_get_404(name, role, two, staff_client) -> None:
    a, b = two
    client = staff_client(b.member(role))
    # Organisation A's address: B's staff are not members.
    assert _request(client, name, _url(name, a.organisation.slug, a)).status_code == 404
    if name in OWN_OBJECT:
        # B's own address with A's submission: still no such submission.
        assert _request(client, name, _url(name, b.organisation.slug, a)).status_code == 404


@pytest.mark.parametrize("name", sorted(ALL))
def test_platform_operators_get_404(name, two, staff_client) -> None:
    a, _ = two
    operator = UserFactory.create(platform_operator=True)
    response = _request(staff_client(operator), name, _url(name, a.organisation.slug, a))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["inbox", "export-csv"])
def test_lists_under_another_slug_never_include_organisation_a(name, two, staff_client) -> None:
    a, b = two
    response = staff_client(b.member(Role.ADMIN)).get(_url(name, b.organisation.slug, a))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b.submission.reference.encode() in body
    assert a.submission.reference.encode() not in body


@pytest.mark.parametrize("name", sorted(ALL))
def test_signed_out_visitors_are_sent_to_sign_in(name, two) -> None:
    a, _ = two
    response = _request(Client(), name, _url(name, a.organisation.slug, a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign-in"))


def test_a_member_removed_from_a_membership_gets_404(two, staff_client) -> None:
    a, _ = two
    user: User = UserFactory.create()
    membership = MembershipFactory.create(organisation=a.organisation, user=user, role=Role.ADMIN)
    client = staff_client(user)
    assert client.get(_url("detail", a.organisation.slug, a)).status_code == 200
    membership.delete()
    assert client.get(_url("detail", a.organisation.slug, a)).status_code == 404
