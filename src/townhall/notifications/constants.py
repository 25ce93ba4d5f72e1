"""Fixed values for the outbox."""

from __future__ import annotations

from django.db import models


class OutboxState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not sent"


class Channel(models.TextChoices):
    """How a message left: recorded on the row so admins can tell which provider refused it."""

    SMTP = "smtp", "Email (SMTP)"
    NOTIFY = "notify", "GOV.UK Notify"


# Sending is tried this many times in all; with the back-off below the last try is about two
# hours after the first, long enough to ride out a provider's outage and short enough for a
# resident still to be expecting the email.
MAX_ATTEMPTS = 8
# Back-off after the n-th failure: BASE * 2**(n-1), capped.
BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 2 * 60 * 60
# Addresses and contents are needed only until the message is delivered or given up on; after
# this many days they are erased and only the row's bare facts (template, dates, state) remain.
RETENTION_DAYS = 30
# last_error is shown to admins: keep it short so it cannot hold a body or a stack trace.
ERROR_MAX_LENGTH = 200
