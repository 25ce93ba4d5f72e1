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


class WebhookEvent(models.TextChoices):
    """Events an organisation can subscribe a URL to."""

    SUBMISSION_CREATED = "submission.created", "A submission was received"
    SUBMISSION_STATUS_CHANGED = "submission.status_changed", "A submission's status changed"


class WebhookState(models.TextChoices):
    PENDING = "pending", "Waiting to be delivered"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Not delivered"


# Webhook back-off after the n-th failure: BASE * 2**(n-1) (30 s, 1, 2, 4 … minutes), capped at
# an hour; a delivery is retried until WEBHOOK_RETRY_WINDOW after its first try, then failed.
WEBHOOK_BACKOFF_BASE_SECONDS = 30
WEBHOOK_BACKOFF_MAX_SECONDS = 60 * 60
WEBHOOK_RETRY_WINDOW_HOURS = 24
# A receiver must answer within this many seconds; slower answers count as a failed try.
WEBHOOK_TIMEOUT_SECONDS = 10
