"""Staff page "Emails not sent": the organisation's emails that were given up on, for admins
to see why and try again. Addresses are masked: the page proves which email failed, it does not
hand out residents' addresses."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from townhall.identity.queries import get_membership_for_user
from townhall.identity.views._common import (
    current_user,
    render_staff,
    staff_required,
    when,
)
from townhall.notifications.actions import outbox_email_retry
from townhall.notifications.constants import MAX_ATTEMPTS
from townhall.notifications.messages import TEMPLATES
from townhall.notifications.queries import (
    outbox_counts,
    outbox_email_get,
    outbox_failed_list,
    recipient_mask,
)
from townhall.tenancy.constants import Permission

# Enough for an admin to act on; an outage that fails more shows its scale in the count.
OUTBOX_PAGE_ROWS = 200


@staff_required
@require_http_methods(["GET", "POST"])
def outbox(request: HttpRequest, org_slug: str) -> HttpResponse:
    # The audit-log permission is the admins' own: who may see what the system did.
    membership = get_membership_for_user(
        user=current_user(request), org_slug=org_slug, permission=Permission.VIEW_AUDIT_LOG
    )
    organisation = membership.organisation
    if request.method == "POST":
        email = outbox_email_get(
            organisation=organisation, email_id=request.POST.get("email_id", "")
        )
        if email is None:
            raise Http404("No such email in this organisation.")
        outbox_email_retry(email=email, actor=current_user(request))
        messages.success(request, "We will try to send the email again now.")
        return redirect(reverse("casework:outbox", args=[org_slug]))
    rows: list[dict[str, Any]] = []
    for email in outbox_failed_list(organisation=organisation)[:OUTBOX_PAGE_ROWS]:
        template = TEMPLATES.get(email.template)
        rows.append(
            {
                "id": str(email.pk),
                "what": template.title if template is not None else email.template,
                "to": recipient_mask(email.recipient),
                "when": when(email.updated_at),
                "attempts": email.attempts,
                "error": email.last_error,
                "can_retry": email.recipient is not None,
            }
        )
    return render_staff(
        request,
        "outbox.html",
        {
            "rows": rows,
            "counts": outbox_counts(organisation=organisation),
            "max_attempts": MAX_ATTEMPTS,
        },
        membership=membership,
        app="casework",
    )
