"""Runner (issue 4): "save and come back later" emails a single-use, expiring link (through a real
SMTP server) that resumes the journey at the right page in another browser; used, expired and
unknown links say so clearly; the saved journey outlives the idle limit until its link expires;
no email address is stored; the email and pages are in Welsh on Welsh pages; previews cannot be
saved."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from townhall.patterns.engine.formatting import date_display
from townhall.runner.actions import journeys_idle_delete
from townhall.runner.models import Journey, SaveLink
from townhall.runner.tests.helpers import (
    answer,
    answer_pothole,
    base_url,
    journey_cookie_name,
    location,
    main,
    start,
    text_of,
)
from townhall.services.tests.factories import ServiceFactory
from townhall.submissions.models import Submission
from townhall.tenancy.constants import Role
from townhall.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("townhall.runner.tests.urls")]

EMAIL = "resident@example.com"
BUTTON = "Save and come back later"
LINK = re.compile(r"https?://\S+/return/[\w-]+/")


def _save(client, service, capture, *, data, email=EMAIL, language="en"):
    """Press "Save and come back later" on a page (its formaction), then send the email form."""
    base = base_url(service, language=language)
    pressed = client.post(f"{base}save-for-later/", data)
    assert location(pressed) == f"{base}save-for-later/"
    with capture(execute=True):
        return client.post(f"{base}save-for-later/email/", {"email": email})


def _link(message) -> str:
    match = LINK.search(message.get_content())
    assert match, message.get_content()
    return match.group(0)


def _path(link: str) -> str:
    return urlsplit(link).path


def test_save_on_page_3_then_continue_in_another_browser(
    client, pothole, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.TOWNHALL_BASE_URL = "https://townhall.example"
    base = base_url(pothole)
    answer_pothole(client, pothole, until="location")
    page = client.get(f"{base}location/")
    assert f'formaction="{base}save-for-later/"' in main(page)
    assert BUTTON in text_of(main(page))

    # A half-typed answer on page 3 is not kept: the page says so before the email is sent.
    email_page = client.get(f"{base}save-for-later/")
    assert "Answers on the page you were on are not saved" in text_of(main(email_page))
    assert f'href="{base}location/"' in email_page.content.decode()  # back to the same page
    sent = _save(
        client,
        pothole,
        django_capture_on_commit_callbacks,
        data={"location": "Outside 14 Hi"},
    )
    assert sent.status_code == 200
    last_day = date_display(timezone.localdate() + dt.timedelta(days=7), "en")
    confirmation = text_of(main(sent))
    assert f"We have sent a link to {EMAIL}." in confirmation
    assert f"You can use it until 11:59pm on {last_day}." in confirmation

    [message] = smtp_server.wait_for(1)
    assert message["To"] == EMAIL
    assert message["Subject"] == "Continue your application: Report a pothole"
    body = message.get_content()
    assert f"The link works once. You can use it until 11:59pm on {last_day}." in body
    link = _link(message)
    assert link.startswith(f"https://townhall.example{base}return/")

    # Only the token's hash is stored, and the email address nowhere at all.
    saved = SaveLink.objects.get()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert saved.token_hash == SaveLink.hash_token(token) != token
    journey = Journey.objects.get()
    assert journey.answers == {"danger": False, "road_type": "road"}
    assert EMAIL not in repr(list(SaveLink.objects.values())) + repr(journey.answers)
    for session in Session.objects.all():
        assert EMAIL not in str(session.get_decoded())

    # This browser no longer has the journey (shared computers): it starts again.
    assert location(client.get(f"{base}location/")) == base

    browser = Client()
    # Opening the link (as an email scanner would) uses nothing up.
    for _ in range(2):
        opened = browser.get(_path(link))
        assert opened.status_code == 200
        assert "Continue your application" in text_of(main(opened))
    assert SaveLink.objects.get().used_at is None
    resumed = browser.post(_path(link))
    assert location(resumed) == f"{base}location/"
    assert browser.get(f"{base}location/").status_code == 200
    # The earlier answers are still there: the back link and check answers show them.
    road_type = main(browser.get(f"{base}road_type/"))
    assert re.search(r'value="road"\s+checked', road_type), road_type
    for page_id, data in [
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
        ("description", {"description": "Full of water."}),
        ("photos", {}),
        ("updates", {"updates": "no"}),
    ]:
        assert location(answer(browser, pothole, page_id, data)).startswith(base)
    assert location(browser.post(f"{base}check-answers/")) == f"{base}confirmation/"
    assert Submission.objects.get().answers["road_type"] == "road"

    # Used: a second use, in any browser, is refused with a clear page.
    again = Client().post(_path(link))
    assert again.status_code == 410
    page = text_of(main(again))
    assert "This link has already been used" in page
    assert "Start again" in page
    assert Client().get(_path(link)).status_code == 410


def test_a_copy_of_the_saving_browsers_cookie_opens_nothing(
    client, pothole, smtp_server, django_capture_on_commit_callbacks
):
    """Saving lets go of the journey on the server, not only in this browser: a copy of its
    cookie (taken by someone at a shared computer, say) opens nothing, before or after the
    resident continues from the link, which brings a new key."""
    base = base_url(pothole)
    answer_pothole(client, pothole, until="location")
    name = journey_cookie_name(pothole)
    copied = client.cookies[name].value
    _save(client, pothole, django_capture_on_commit_callbacks, data={})
    assert client.cookies[name].value == ""  # deleted in this browser
    thief = Client()
    thief.cookies[name] = copied
    assert location(thief.get(f"{base}location/")) == f"{base}session-ended/"

    [message] = smtp_server.wait_for(1)
    resident = Client()
    assert location(resident.post(_path(_link(message)))) == f"{base}location/"
    assert resident.cookies[name].value != copied
    thief.cookies[name] = copied
    assert location(thief.get(f"{base}location/")) == f"{base}session-ended/"
    assert location(answer(thief, pothole, "location", {"location": "x"})).endswith(
        "/session-ended/"
    )
    assert resident.get(f"{base}location/").status_code == 200


def test_an_expired_link_says_so(
    client, pothole, smtp_server, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TOWNHALL_SAVE_RETURN_DAYS = 3
    answer_pothole(client, pothole, until="size")
    _save(client, pothole, django_capture_on_commit_callbacks, data={})
    link = _path(_link(smtp_server.wait_for(1)[0]))
    expires_at = SaveLink.objects.get().expires_at
    assert timezone.localdate(expires_at) == timezone.localdate() + dt.timedelta(days=3)

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: expires_at + dt.timedelta(seconds=1))
    for response in (Client().get(link), Client().post(link)):
        assert response.status_code == 410
        page = text_of(main(response))
        assert "This link has expired" in page
        assert f'href="{base_url(pothole)}"' in main(response)  # start again
    assert SaveLink.objects.get().used_at is None
    # Past its link's expiry the journey is idle like any other, and the clean-up deletes it.
    assert journeys_idle_delete(idle_seconds=3600) == 1
    assert not SaveLink.objects.exists()
    monkeypatch.setattr(timezone, "now", real_now)


def test_a_saved_journey_outlives_the_idle_limit_until_its_link_expires(
    client, pothole, smtp_server, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TOWNHALL_JOURNEY_IDLE_SECONDS = 20 * 60
    answer_pothole(client, pothole, until="size")
    _save(client, pothole, django_capture_on_commit_callbacks, data={})
    link = _path(_link(smtp_server.wait_for(1)[0]))
    six_days_later = timezone.now() + dt.timedelta(days=6)
    monkeypatch.setattr(timezone, "now", lambda: six_days_later)
    assert journeys_idle_delete(idle_seconds=20 * 60) == 0
    browser = Client()
    assert location(browser.post(link)) == f"{base_url(pothole)}size/"
    journey = Journey.objects.get()
    # Used: the idle clock runs again from now.
    assert journey.kept_until is None
    assert journey.last_activity == six_days_later
    assert browser.get(f"{base_url(pothole)}size/").status_code == 200
    later = six_days_later + dt.timedelta(minutes=21)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert location(browser.get(f"{base_url(pothole)}size/")).endswith("/session-ended/")


def test_saving_again_replaces_the_earlier_link(
    client, pothole, smtp_server, django_capture_on_commit_callbacks
):
    answer_pothole(client, pothole, until="size")
    _save(client, pothole, django_capture_on_commit_callbacks, data={})
    first = _path(_link(smtp_server.wait_for(1)[0]))
    browser = Client()
    browser.post(first)
    _save(browser, pothole, django_capture_on_commit_callbacks, data={})
    second = _path(_link(smtp_server.wait_for(2)[1]))
    assert first != second
    assert "This link has already been used" in text_of(main(Client().get(first)))
    assert location(Client().post(second)) == f"{base_url(pothole)}size/"


def test_an_unknown_link_or_another_services_link_is_not_valid(
    client, pothole, smtp_server, django_capture_on_commit_callbacks
):
    response = client.get(f"{base_url(pothole)}return/not-a-real-token/")
    assert response.status_code == 404
    page = text_of(main(response))
    assert "This link is not valid" in page
    assert "Check you copied the entire link from the email." in page
    assert "Start again" in page

    answer_pothole(client, pothole, until="size")
    _save(client, pothole, django_capture_on_commit_callbacks, data={})
    token = _link(smtp_server.wait_for(1)[0]).rstrip("/").rsplit("/", 1)[1]
    other = ServiceFactory.create(live=True, pothole=True)
    assert Client().post(f"{base_url(other)}return/{token}/").status_code == 404
    assert SaveLink.objects.get().used_at is None


def test_the_email_address_is_checked_like_gov_uk_asks(client, pothole):
    answer_pothole(client, pothole, until="size")
    base = base_url(pothole)
    for sent, message in [
        ("", "Enter your email address"),
        ("not an email", "Enter an email address in the correct format, like name@example.com"),
    ]:
        response = client.post(f"{base}save-for-later/email/", {"email": sent})
        assert response.status_code == 200
        body = response.content.decode()
        assert "<title>Error: Save and come back later" in body
        page = text_of(main(response))
        assert "There is a problem" in page
        assert page.count(message) == 2  # the summary and the field
        assert 'href="#email"' in main(response)
    assert not SaveLink.objects.exists()
    assert Journey.objects.get().kept_until is None


def test_saving_in_welsh_sends_a_welsh_email_and_link(
    client, pothole, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.TOWNHALL_BASE_URL = "https://townhall.example"
    welsh = base_url(pothole, language="cy")
    answer_pothole(client, pothole, until="size", language="cy")
    page = main(client.get(f"{welsh}size/"))
    assert "Cadw a dod yn ôl yn nes ymlaen" in page
    assert BUTTON not in page
    form = client.get(f"{welsh}save-for-later/")
    assert '<html lang="cy"' in form.content.decode()
    assert "Cyfeiriad e-bost" in main(form)
    sent = _save(client, pothole, django_capture_on_commit_callbacks, data={}, language="cy")
    assert f"Rydym wedi anfon dolen i {EMAIL}." in text_of(main(sent))
    [message] = smtp_server.wait_for(1)
    last_day = date_display(timezone.localdate() + dt.timedelta(days=7), "cy")
    assert message["Subject"] == "Parhau â’ch cais: Rhoi gwybod am dwll yn y ffordd"
    body = message.get_content()
    assert f"Gallwch ei defnyddio tan 11:59yh ar {last_day}." in body
    assert "The link works once" not in body
    link = _link(message)
    assert link.startswith(f"https://townhall.example{welsh}return/")
    opened = Client().get(_path(link))
    assert "Parhau â’ch cais" in main(opened)
    assert location(Client().post(_path(link))) == f"{welsh}size/"


def test_a_preview_cannot_be_saved(staff_client):
    draft = ServiceFactory.create(pothole=True)
    membership = MembershipFactory.create(organisation=draft.organisation, role=Role.EDITOR)
    editor = staff_client(membership.user)
    start(editor, draft)
    page = main(editor.get(f"{base_url(draft)}danger/"))
    assert BUTTON not in page
    assert "save-for-later" not in page
    assert editor.post(f"{base_url(draft)}save-for-later/").status_code == 404
    assert (
        editor.post(f"{base_url(draft)}save-for-later/email/", {"email": EMAIL}).status_code == 404
    )
    assert not SaveLink.objects.exists()


def test_refreshing_the_sent_page_sends_nothing_more(
    client, pothole, smtp_server, django_capture_on_commit_callbacks
):
    answer_pothole(client, pothole, until="size")
    _save(client, pothole, django_capture_on_commit_callbacks, data={})
    base = base_url(pothole)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"{base}save-for-later/email/", {"email": EMAIL})
    # The journey is saved, not ended: no "your session has ended" page, and no second email.
    assert location(again) == base
    assert SaveLink.objects.count() == 1
    assert len(smtp_server.wait_for(1)) == 1


def test_the_save_form_cannot_flood_an_inbox(
    pothole, smtp_server, django_capture_on_commit_callbacks
):
    """Five links to one address in the lockout window, then a clear error and no email."""
    for _ in range(5):
        client = Client()
        answer_pothole(client, pothole, until="location")
        sent = _save(client, pothole, django_capture_on_commit_callbacks, data={})
        assert "Check your email" in text_of(main(sent))
    assert len(smtp_server.wait_for(5)) == 5
    client = Client()
    answer_pothole(client, pothole, until="location")
    refused = _save(client, pothole, django_capture_on_commit_callbacks, data={})
    assert refused.status_code == 200
    assert "You have asked for too many links. Wait 15 minutes, then try again." in text_of(
        main(refused)
    )
    # Another address is still fine, and the sixth email to arrive is that one.
    other = _save(
        client, pothole, django_capture_on_commit_callbacks, data={}, email="other@example.com"
    )
    assert "Check your email" in text_of(main(other))
    messages = smtp_server.wait_for(6)
    assert [m["To"] for m in messages] == [EMAIL] * 5 + ["other@example.com"]
