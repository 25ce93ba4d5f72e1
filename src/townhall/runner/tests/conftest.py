"""Runner tests mount the runner with their own URL map and use the library's pothole service."""

from __future__ import annotations

import pytest

from townhall.services.tests.factories import ServiceFactory


@pytest.fixture
def pothole(db):
    """The bilingual report-a-pothole pattern, live at /test-council-N/report-a-pothole/."""
    return ServiceFactory.create(live=True, pothole=True)
