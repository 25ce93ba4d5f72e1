"""The inbox benchmark (issue 5): the casework inbox and a submission's page with a million
submissions in PostgreSQL.

1. Drops and creates `townhall_bench_inbox` (or TOWNHALL_BENCH_INBOX_POSTGRES_URL) and migrates it.
2. Seeds 50 organisations (4 services and a caseworker each) with the factories, then 1,000,000
   submissions in one `INSERT … SELECT generate_series` (about a minute): half of them in the first
   organisation, the one measured, so its lists are the hardest; 60% received, 20% in progress,
   20% closed; one in five assigned; one every 30 seconds back from now. Every row carries the
   same encrypted answers and summary (encrypted once in Python), so the detail page decrypts as
   in production.
3. Measures, in-process with Django's test client as a signed-in caseworker of that organisation
   (production settings: DEBUG off, the database URL, a real secret and encryption key), p50 and p99
   of: the inbox's first page, filtered by status, by service, a deep page (a cursor 400,000 rows
   in), and a submission's page.
4. Prints EXPLAIN (ANALYZE, BUFFERS) of each list's query and whether it used an index scan (no
   sequential scan of submissions), and writes var/bench/inbox.json.

Not run by `make test`. Options: --submissions, --organisations, --requests, --keep (reuse a seeded
database). This is an in-process measure of Django's own time (no granian, no wrk): network and
server overhead come on top, and are what bench_runner.py measures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (  # needs the repository root on sys.path, just above
    HOST,
    VAR_BENCH,
    Database,
    git_describe,
    postgres_recreate,
    production_env,
)

POSTGRES_URL = os.environ.get(
    "TOWNHALL_BENCH_INBOX_POSTGRES_URL",
    "postgres://postgres@127.0.0.1:5432/townhall_bench_inbox",
)
RESULTS_JSON = VAR_BENCH / "inbox.json"
TARGET_P99_MS = 200.0
# How far in the deep page starts (set from --submissions: 80% of the measured organisation's).
DEEP = 400_000

SEED_SQL = """
WITH orgs AS (
    SELECT row_number() OVER (ORDER BY slug) - 1 AS idx, id FROM tenancy_organisation
    WHERE slug LIKE 'bench-%%'
), services AS (
    SELECT s.organisation_id, s.id, s.pattern_version_id,
           row_number() OVER (PARTITION BY s.organisation_id ORDER BY s.slug) - 1 AS idx
    FROM services_service s
), workers AS (
    SELECT m.organisation_id, min(m.user_id::text)::uuid AS user_id
    FROM tenancy_membership m WHERE m.role = 'caseworker' GROUP BY m.organisation_id
), rows AS (
    SELECT g,
           CASE WHEN g %% 2 = 0 THEN 0 ELSE 1 + (g %% (%(orgs)s - 1)) END AS org_idx,
           (g / 2) %% 4 AS service_idx
    FROM generate_series(1, %(count)s) AS g
)
INSERT INTO submissions_submission (
    id, created_at, updated_at, organisation_id, service_id, pattern_version_id, reference,
    answers, summary, language, channel, status, outcome, assignee_id, submitted_at, closed_at
)
SELECT gen_random_uuid(), now(), now(), o.id, s.id, s.pattern_version_id,
       'BEN-' || lpad(upper(to_hex(r.g)), 8, '0'),
       %(answers)s, %(summary)s, 'en', 'web',
       CASE WHEN r.g %% 10 < 6 THEN 'received' WHEN r.g %% 10 < 8 THEN 'in_progress'
            ELSE 'closed' END,
       CASE WHEN r.g %% 10 >= 8 THEN 'resolved' ELSE '' END,
       CASE WHEN r.g %% 5 = 0 THEN w.user_id END,
       now() - r.g * interval '30 seconds',
       CASE WHEN r.g %% 10 >= 8 THEN now() - r.g * interval '30 seconds' + interval '1 day' END
FROM rows r
JOIN orgs o ON o.idx = r.org_idx
JOIN services s ON s.organisation_id = o.id AND s.idx = r.service_idx
LEFT JOIN workers w ON w.organisation_id = o.id
"""


def _setup_django(database: Database) -> None:
    env = production_env(database, settings="townhall.config.settings")
    # One key for the seeded rows and every later `--keep` run (production_env makes a new one).
    key_file = VAR_BENCH / "inbox-encryption.key"
    if not key_file.exists():
        VAR_BENCH.mkdir(parents=True, exist_ok=True)
        key_file.write_text(env["TOWNHALL_ENCRYPTION_KEYS"])
    env["TOWNHALL_ENCRYPTION_KEYS"] = key_file.read_text().strip()
    os.environ.update(env)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()


def seed(*, organisations: int, submissions: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection, transaction

    from townhall.casework.tests.factories import CONTACT_PAGES, ContactServiceFactory
    from townhall.identity.tests.factories import UserFactory
    from townhall.services.tests.factories import PatternVersionFactory
    from townhall.submissions.models import Submission
    from townhall.tenancy.tests.factories import MembershipFactory, OrganisationFactory

    call_command("migrate", "--noinput", verbosity=0)
    started = time.monotonic()
    version = PatternVersionFactory.create(pages=CONTACT_PAGES)
    for index in range(organisations):
        organisation = OrganisationFactory.create(slug=f"bench-{index:03d}")
        for number in range(4):
            ContactServiceFactory.create(
                organisation=organisation,
                pattern_version=version,
                slug=f"service-{number}",
                name=f"Service {number}",
            )
        user = UserFactory.create(email=f"caseworker{index}@bench.example")
        MembershipFactory.create(organisation=organisation, user=user, role="caseworker")
    answers = {"name": "Siân Ŵyn", "email": "resident@example.org"}
    summary = [
        {"question_id": "name", "label": "What is your name?", "lines": ["Siân Ŵyn"]},
        {
            "question_id": "email",
            "label": "What is your email address?",
            "lines": ["resident@example.org"],
        },
    ]
    prep = {
        name: Submission._meta.get_field(name).get_db_prep_value(value, connection, prepared=False)
        for name, value in (("answers", answers), ("summary", summary))
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            SEED_SQL,
            {"orgs": organisations, "count": submissions, **prep},
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE submissions_submission")
    seconds = time.monotonic() - started
    print(f"Seeded {submissions:,} submissions in {organisations} organisations in {seconds:.0f} s")
    return {"seed_seconds": round(seconds, 1)}


def _signed_in_client() -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from townhall.identity.models import User
    from townhall.identity.tests.factories import TOTPDeviceFactory

    user = User.objects.get(email="caseworker0@bench.example")
    device = TOTPDeviceFactory.create(user=user)
    client = Client(SERVER_NAME=HOST)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _scenarios() -> dict[str, str]:
    from django.urls import reverse

    from townhall.casework.constants import InboxSort
    from townhall.casework.queries import Cursor, InboxFilters, submission_filtered_list
    from townhall.services.models import Service
    from townhall.submissions.models import Submission
    from townhall.tenancy.models import Organisation

    organisation = Organisation.objects.get(slug="bench-000")
    inbox = reverse("casework:inbox", args=[organisation.slug])
    service = Service.objects.filter(organisation=organisation).order_by("slug").first()
    assert service is not None
    deep = (
        submission_filtered_list(
            organisation=organisation, filters=InboxFilters(sort=InboxSort.NEWEST)
        )
        .select_related(None)
        .only("id", "submitted_at")[DEEP : DEEP + 1]
        .get()
    )
    target = Submission.objects.filter(organisation=organisation).order_by("submitted_at")[
        DEEP // 2
    ]
    return {
        "inbox first page": inbox,
        "inbox by status": f"{inbox}?status=in_progress",
        "inbox by service": f"{inbox}?service={service.pk}",
        "inbox deep page": f"{inbox}?after={Cursor.of(deep).encode()}",
        "submission page": reverse("casework:detail", args=[organisation.slug, target.pk]),
    }


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(*, requests: int) -> dict[str, Any]:
    client = _signed_in_client()
    results: dict[str, Any] = {}
    for name, url in _scenarios().items():
        for _ in range(max(5, requests // 10)):  # warm-up: caches, prepared statements
            assert client.get(url, secure=True).status_code == 200, url
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url, secure=True)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        results[name] = {
            "url": url,
            "requests": requests,
            "p50_ms": round(statistics.median(samples), 2),
            "p99_ms": round(_percentile(samples, 0.99), 2),
            "max_ms": round(max(samples), 2),
        }
        print(
            f"{name:<20} p50 {results[name]['p50_ms']:>7.2f} ms"
            f"   p99 {results[name]['p99_ms']:>7.2f} ms"
        )
    return results


def plans() -> dict[str, Any]:
    """EXPLAIN ANALYZE of each list query, exactly as the inbox builds it (one page + 1 row)."""
    from townhall.casework.constants import INBOX_PAGE_SIZE
    from townhall.casework.queries import Cursor, InboxFilters, _after, submission_filtered_list
    from townhall.services.models import Service
    from townhall.tenancy.models import Organisation

    organisation = Organisation.objects.get(slug="bench-000")
    service = Service.objects.filter(organisation=organisation).order_by("slug").first()
    assert service is not None
    newest = submission_filtered_list(organisation=organisation, filters=InboxFilters())
    deep = newest.select_related(None).only("id", "submitted_at")[DEEP : DEEP + 1].get()
    queries = {
        "inbox first page": newest,
        "inbox by status": submission_filtered_list(
            organisation=organisation, filters=InboxFilters(status="in_progress")
        ),
        "inbox by service": submission_filtered_list(
            organisation=organisation, filters=InboxFilters(service_id=service.pk)
        ),
        "inbox deep page": newest.filter(_after(Cursor.of(deep), descending=True)),
    }
    found: dict[str, Any] = {}
    for name, queryset in queries.items():
        plan = queryset[: INBOX_PAGE_SIZE + 1].explain(analyze=True, buffers=True)
        seq = "Seq Scan on submissions_submission" in plan
        found[name] = {"plan": plan, "uses_index": "Index" in plan and not seq}
        print(f"\n--- {name}: {'index' if found[name]['uses_index'] else 'NO INDEX'}\n{plan}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=1_000_000)
    parser.add_argument("--organisations", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="reuse an already seeded database")
    parser.add_argument("--databases", default="postgres", help="accepted for `make bench`")
    args, _unknown = parser.parse_known_args()  # `make bench` passes the runner's options too
    if "postgres" not in args.databases:
        print("bench_inbox: PostgreSQL only; skipped.")
        return 0
    database = Database("postgres", POSTGRES_URL)
    global DEEP
    DEEP = min(DEEP, args.submissions * 2 // 5)
    seeded: dict[str, Any] = {}
    if not args.keep:
        (VAR_BENCH / "inbox-encryption.key").unlink(missing_ok=True)
        problem = postgres_recreate(database)
        if problem:
            print(f"bench_inbox: PostgreSQL unavailable ({problem}); skipped.")
            return 0
    _setup_django(database)
    if not args.keep:
        seeded = seed(organisations=args.organisations, submissions=args.submissions)
    timings = measure(requests=args.requests)
    explained = plans()
    misses = [n for n, r in timings.items() if r["p99_ms"] > TARGET_P99_MS]
    misses += [f"{n} (no index)" for n, p in explained.items() if not p["uses_index"]]
    print(
        f"\nTarget p99 ≤ {TARGET_P99_MS:.0f} ms with index scans: "
        + ("met" if not misses else "missed: " + ", ".join(misses))
    )
    VAR_BENCH.mkdir(parents=True, exist_ok=True)
    RESULTS_JSON.write_text(
        json.dumps(
            {
                "submissions": args.submissions,
                "organisations": args.organisations,
                **seeded,
                "timings": timings,
                "plans": explained,
                "target_p99_ms": TARGET_P99_MS,
                "misses": misses,
                "git": git_describe(),
            },
            indent=2,
        )
    )
    print(f"Wrote {RESULTS_JSON}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
