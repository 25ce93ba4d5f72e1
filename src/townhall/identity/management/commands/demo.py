"""`townhall demo`: the fictional Demo Borough Council and its admin, ready to sign in.

Safe to run again: it creates nothing twice. Until the admin has set up an authenticator app each
run prints a fresh one-time password; after that it leaves their password alone.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from townhall.identity.actions import demo_admin_ensure, demo_organisation_ensure


class Command(BaseCommand):
    help = "Create the demo council and its administrator (idempotent) and print how to sign in."

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = demo_organisation_ensure()
        admin = demo_admin_ensure(organisation=organisation)
        sign_in_url = settings.TOWNHALL_BASE_URL.rstrip("/") + reverse("identity:sign-in")
        lines = [
            f"{organisation.official_name} is ready.",
            f"  Sign in at:        {sign_in_url}",
            f"  Email address:     {admin.user.email}",
        ]
        if admin.one_time_password is not None:
            lines += [
                f"  One-time password: {admin.one_time_password}",
                "  Leave the security code blank. You will then choose your own password and set "
                "up an authenticator app.",
            ]
        else:
            lines.append(
                "  Use the password you chose and a code from your authenticator app "
                "(this command does not reset them)."
            )
        self.stdout.write("\n".join(lines))
