"""Runner issue (submissions): a submission is stored atomically, exactly once per journey (the
unique journey id settles a race), with a unique reference (a collision draws again) and the
check-answers summary the resident confirmed."""

from __future__ import annotations

import uuid
from unittest import mock

import pytest

from townhall.patterns.engine import SummaryRow
from townhall.services.tests.factories import ServiceFactory
from townhall.submissions import actions
from townhall.submissions.actions import ReferenceUnavailable, submission_create
from townhall.submissions.constants import Channel
from townhall.submissions.models import Submission
from townhall.submissions.tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def _create(service, journey_id=None):
    return submission_create(
        service=service,
        pattern_version=service.pattern_version,
        journey_id=journey_id,
        answers={"name": "Ann"},
        summary=[SummaryRow("name", "Name", ("Ann",), "name")],
        language="en",
        channel=Channel.WEB,
    )


def test_one_journey_makes_one_submission():
    service = ServiceFactory.create(live=True)
    journey_id = uuid.uuid4()
    first = _create(service, journey_id)
    assert _create(service, journey_id) == first
    assert first.summary == [{"question_id": "name", "label": "Name", "lines": ["Ann"]}]
    assert first.reference.startswith("TST-")
    assert first.organisation_id == service.organisation_id


def test_a_race_for_the_same_journey_returns_the_winners_submission():
    """Two requests both find no submission, then both insert: the unique journey id makes the
    second insert fail, and it returns the first one's row."""
    service = ServiceFactory.create(live=True)
    journey_id = uuid.uuid4()
    winner = SubmissionFactory.create(service=service, journey_id=journey_id)
    real_filter = Submission.objects.filter
    calls = []

    def first_lookup_misses(**kwargs):
        calls.append(kwargs)
        result = real_filter(**kwargs)
        return result.none() if len(calls) == 1 else result

    with mock.patch.object(Submission.objects, "filter", first_lookup_misses):
        assert _create(service, journey_id) == winner
    assert Submission.objects.filter(journey_id=journey_id).count() == 1


def test_a_reference_collision_draws_again():
    taken = SubmissionFactory.create(reference="TST-2345-6789")
    service = ServiceFactory.create(live=True)
    draws = ["TST-2345-6789", "TST-2345-6789", "TST-ABCD-EFGH"]
    with mock.patch.object(actions, "reference_generate", side_effect=draws):
        submission = _create(service)
    assert submission.reference == "TST-ABCD-EFGH"
    assert submission.pk != taken.pk


def test_endless_collisions_fail_loudly():
    SubmissionFactory.create(reference="TST-2345-6789")
    service = ServiceFactory.create(live=True)
    with (
        mock.patch.object(actions, "reference_generate", return_value="TST-2345-6789"),
        pytest.raises(ReferenceUnavailable),
    ):
        _create(service)
