"""docs/api.md's examples work: its submission body is accepted by the API as written, and the
status and note bodies too, so a supplier copying them gets 201s, not 422s."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from townhall.api.tests.submissions_helpers import API, key_for, live_pothole
from townhall.submissions.models import Submission

pytestmark = pytest.mark.django_db

DOC = Path(settings.SRC_DIR).parent.parent / "docs" / "api.md"


def _bodies() -> dict[str, dict[str, object]]:
    """Each `curl -X POST` example's JSON body, by the last part of its path."""
    text = DOC.read_text(encoding="utf-8")
    found = {}
    for path, body in re.findall(r'"\$TOWNHALL(/api/v1/[^"?]+)"\s*\\\s*-d \'(.*?)\'', text, re.S):
        found[path.rsplit("/", 1)[-1]] = json.loads(body)
    return found


def test_the_documented_bodies_are_accepted() -> None:
    bodies = _bodies()
    assert set(bodies) >= {"submissions", "status", "notes"}, bodies.keys()
    service = live_pothole()
    _key, auth = key_for(service.organisation)
    client = Client()
    created = client.post(
        f"{API}/services/{service.slug}/submissions",
        bodies["submissions"],
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert created.status_code == 201, created.content
    reference = Submission.objects.get().reference
    for what in ("status", "notes"):
        response = client.post(
            f"{API}/submissions/{reference}/{what}",
            bodies[what],
            content_type="application/json",
            HTTP_AUTHORIZATION=auth,
        )
        assert response.status_code in (200, 201), (what, response.content)
