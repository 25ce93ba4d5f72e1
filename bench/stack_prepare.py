"""The Django side of the stack benchmark (bench_stack.py), run as its own process with the
stack's environment (`deploy.stack.stack_env()`: its database, Redis and encryption key), so what
it writes is what the stack's app processes read.

    python bench/stack_prepare.py --out FILE prepare --submissions N --sessions S
    python bench/stack_prepare.py --out FILE journeys --created-since ISO [--updated-since ISO]

`prepare` seeds the submissions with bench_inbox.py's seeding (skipped when the database already
holds them), then makes what the load needs: S signed-in staff sessions of the measured
organisation's caseworker (password and second factor passed, as the staff pages require), a
write API key of that organisation with a live pothole service, and the addresses under test. It
writes them to FILE as JSON (and progress to the terminal).

`journeys` reports what the demo council's "Report a pothole" journeys created since a moment
hold, as JSON to FILE: the runner rows' proof that GETs stored nothing and POSTs stored the
answer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from importlib import import_module
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench.bench_inbox as inbox
from bench.harness import ANSWER_FIELD, SERVICE_SLUG

# The inbox benchmark's caseworker of the organisation measured (bench-000, half the rows).
CASEWORKER_EMAIL = "caseworker0@bench.example"
MEASURED_ORGANISATION = "bench-000"
API_PAGE = "/api/v1/submissions?limit=50"


def _seed(*, submissions: int, organisations: int) -> dict[str, Any]:
    """bench_inbox.py's million rows, unless an earlier run (a kept stack) left them there."""
    from django.core.management import call_command

    from townhall.submissions.models import Submission
    from townhall.tenancy.models import Organisation

    if Organisation.objects.filter(slug=MEASURED_ORGANISATION).exists():
        call_command("migrate", "--noinput", verbosity=0)
        count = Submission.objects.filter(organisation__slug__startswith="bench-").count()
        print(f"Already seeded: {count:,} submissions in the bench organisations", flush=True)
        return {"seeded": False, "submissions": count}
    seeded = inbox.seed(organisations=organisations, submissions=submissions)
    return {"seeded": True, "submissions": submissions, **seeded}


def _staff_cookies(*, sessions: int) -> list[str]:
    """Session cookies of the caseworker, each as Django's login and django-otp's verification
    leave a session: the user, the backend, the password hash, and the verified device."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from townhall.identity.models import User

    user = User.objects.get(email=CASEWORKER_EMAIL)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Authenticator app", defaults={"confirmed": True}
    )
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = []
    for _ in range(sessions):
        store = store_class()
        store[SESSION_KEY] = user._meta.pk.value_to_string(user)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
    return cookies


def _api(*, deep: int) -> dict[str, Any]:
    """A write key, the list's first and deep pages, one submission, and a create request."""
    from bench.bench_api import _key_and_service
    from townhall.casework.queries import Cursor
    from townhall.services.models import Service
    from townhall.services.tests.factories import POTHOLE_ANSWERS
    from townhall.submissions.models import Submission

    raw_key, service_slug = _key_and_service()
    service = Service.objects.get(organisation__slug=MEASURED_ORGANISATION, slug=service_slug)
    newest = Submission.objects.filter(organisation=service.organisation).order_by(
        "-submitted_at", "-id"
    )
    row = newest.only("id", "submitted_at")[deep : deep + 1].get()
    reference = newest.values_list("reference", flat=True)[1000]
    return {
        "key": raw_key,
        "list_first": API_PAGE,
        "list_deep": f"{API_PAGE}&cursor={Cursor.of(row).encode()}",
        "detail": f"/api/v1/submissions/{reference}",
        "create": f"/api/v1/services/{service_slug}/submissions",
        "create_body": {
            "answers": {page_id: data for page_id, data in POTHOLE_ANSWERS if data},
            "language": "en",
            "channel": "assisted",
        },
        "service_id": str(service.pk),
    }


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    started = time.monotonic()
    seeded = _seed(submissions=args.submissions, organisations=args.organisations)
    total = seeded["submissions"]
    # As bench_inbox.py: 400,000 rows in, or 80% of the measured organisation's half when fewer.
    inbox.DEEP = min(400_000, total * 2 // 5)
    paths = inbox._scenarios()
    return {
        **seeded,
        "deep_rows_in": inbox.DEEP,
        "staff_cookies": _staff_cookies(sessions=args.sessions),
        "inbox": {
            "first": paths["inbox first page"],
            "status": paths["inbox by status"],
            "deep": paths["inbox deep page"],
            "detail": paths["submission page"],
        },
        "api": _api(deep=inbox.DEEP),
        "prepare_seconds": round(time.monotonic() - started, 1),
    }


def journeys(args: argparse.Namespace) -> dict[str, Any]:
    from townhall.runner.models import Journey

    created_since = dt.datetime.fromisoformat(args.created_since)
    rows = Journey.objects.filter(
        organisation__slug="demo", service__slug=SERVICE_SLUG, created_at__gte=created_since
    ).only("answers", "updated_at")
    updated_since = dt.datetime.fromisoformat(args.updated_since) if args.updated_since else None
    answered = [journey for journey in rows if ANSWER_FIELD in journey.answers]
    return {
        "journeys": len(rows),
        "answered": len(answered),
        "values": sorted({json.dumps(j.answers[ANSWER_FIELD]) for j in answered}),
        "updated_since": sum(1 for j in answered if j.updated_at >= updated_since)
        if updated_since is not None
        else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="where the JSON goes")
    commands = parser.add_subparsers(dest="command", required=True)
    prepare_parser = commands.add_parser("prepare")
    prepare_parser.add_argument("--submissions", type=int, default=1_000_000)
    prepare_parser.add_argument("--organisations", type=int, default=50)
    prepare_parser.add_argument("--sessions", type=int, default=32)
    journeys_parser = commands.add_parser("journeys")
    journeys_parser.add_argument("--created-since", required=True)
    journeys_parser.add_argument("--updated-since")
    args = parser.parse_args()
    import django

    django.setup()
    result = prepare(args) if args.command == "prepare" else journeys(args)
    args.out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
