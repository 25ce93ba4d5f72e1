"""Casework limits: page sizes, export caps and the resident status check's code rules."""

from __future__ import annotations

from datetime import timedelta

from django.db import models

INBOX_PAGE_SIZE = 50
# An export is one download of a filtered list. Past this many rows a list should be filtered
# further: the cap keeps one request from walking a million rows.
EXPORT_MAX_ROWS = 50_000

# The resident's emailed code: six digits, valid for 15 minutes, 5 tries.
STATUS_CODE_DIGITS = 6
STATUS_CODE_TTL = timedelta(minutes=15)
STATUS_CODE_MAX_ATTEMPTS = 5
# Codes one submission may be sent in an hour: 5 codes × 5 tries bounds guessing.
STATUS_CODE_MAX_PER_HOUR = 5
# How long a proven resident may look at their submission's status without a new code.
STATUS_SESSION_TTL = timedelta(minutes=30)


class InboxSort(models.TextChoices):
    NEWEST = "newest", "Newest first"
    OLDEST = "oldest", "Oldest first"
