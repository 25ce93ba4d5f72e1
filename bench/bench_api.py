"""The API benchmark (issue 6, point 8): listing submissions through `/api/v1/submissions` with a
million rows in PostgreSQL, at several cursor depths, and creating submissions through the API.

It shares bench_inbox.py's database (`townhall_bench_inbox`): the same million submissions over 50
organisations, half of them in the organisation measured. With `--keep` (the default when that
database is already seeded) it reuses the rows; `--reseed` seeds them again (about 3 minutes).

1. Migrates the database (new tables only, if it was seeded by an older commit).
2. Creates a write key for the measured organisation (the per-key rate limit raised for the run).
3. Measures, in-process with Django's test client and production settings, p50 and p99 of
   `GET /api/v1/submissions` at the first page and with cursors 10,000, 100,000 and 400,000 rows
   in, and of `GET /api/v1/submissions/{reference}`; then creates submissions on a live service
   through `POST /api/v1/services/{slug}/submissions` one after another and reports their rate.
4. Prints EXPLAIN (ANALYZE) of the deepest list query, and writes var/bench/api.json.

An in-process measure of Django's own time (no granian, no wrk), like bench_inbox.py. Target from
the issue: list p99 ≤ 50 ms at any cursor depth.
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

import bench.bench_inbox as inbox
from bench.harness import VAR_BENCH, Database, git_describe, postgres_recreate

RESULTS_JSON = VAR_BENCH / "api.json"
TARGET_P99_MS = 50.0
DEPTHS = (0, 10_000, 100_000, 400_000)


def _key_and_service() -> tuple[str, str]:
    """A write key of the measured organisation, and a live pothole service of its own."""
    import datetime as dt

    from django.utils import timezone

    from townhall.identity.actions import api_key_create
    from townhall.identity.models import User
    from townhall.services.models import Service
    from townhall.services.tests.factories import ServiceFactory
    from townhall.tenancy.models import Organisation

    organisation = Organisation.objects.get(slug="bench-000")
    _key, raw = api_key_create(
        organisation=organisation,
        name=f"bench {time.time():.0f}",
        scope="write",
        expires_at=timezone.now() + dt.timedelta(days=1),
        actor=User.objects.get(email="caseworker0@bench.example"),
    )
    service = Service.objects.filter(organisation=organisation, slug="report-a-pothole").first()
    if service is None:
        service = ServiceFactory.create(organisation=organisation, live=True, pothole=True)
    return raw, service.slug


def _timed(call: Any, *, requests: int) -> dict[str, float]:
    for _ in range(max(5, requests // 10)):  # warm-up: caches, prepared statements
        call()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "requests": requests,
        "p50_ms": round(statistics.median(samples), 2),
        "p99_ms": round(inbox._percentile(samples, 0.99), 2),
        "max_ms": round(max(samples), 2),
    }


def measure(*, requests: int, creates: int) -> dict[str, Any]:
    from django.test import Client

    from townhall.casework.queries import Cursor
    from townhall.services.tests.factories import POTHOLE_ANSWERS
    from townhall.submissions.models import Submission
    from townhall.tenancy.models import Organisation

    raw, service_slug = _key_and_service()
    client = Client(SERVER_NAME=inbox.HOST, HTTP_AUTHORIZATION=f"Bearer {raw}")
    organisation = Organisation.objects.get(slug="bench-000")
    newest = Submission.objects.filter(organisation=organisation).order_by("-submitted_at", "-id")
    results: dict[str, Any] = {}
    for depth in DEPTHS:
        url = "/api/v1/submissions?limit=50"
        if depth:
            row = newest.only("id", "submitted_at")[depth : depth + 1].get()
            url += f"&cursor={Cursor.of(row).encode()}"

        def get(url: str = url) -> None:
            response = client.get(url, secure=True)
            assert response.status_code == 200, (url, response.status_code, response.content)

        name = f"list, {depth:,} rows in" if depth else "list, first page"
        results[name] = {"url": url, **_timed(get, requests=requests)}
        timing = results[name]
        print(f"{name:<26} p50 {timing['p50_ms']:>7.2f} ms   p99 {timing['p99_ms']:>7.2f} ms")
    reference = newest.values_list("reference", flat=True)[1000]

    def detail() -> None:
        assert client.get(f"/api/v1/submissions/{reference}", secure=True).status_code == 200

    results["one submission"] = _timed(detail, requests=requests)
    print(f"{'one submission':<26} p50 {results['one submission']['p50_ms']:>7.2f} ms")

    body = {
        "answers": {page_id: data for page_id, data in POTHOLE_ANSWERS if data},
        "language": "en",
        "channel": "assisted",
    }
    started = time.perf_counter()
    for _ in range(creates):
        response = client.post(
            f"/api/v1/services/{service_slug}/submissions",
            body,
            content_type="application/json",
            secure=True,
        )
        assert response.status_code == 201, response.content
    seconds = time.perf_counter() - started
    results["create"] = {
        "submissions": creates,
        "per_second": round(creates / seconds, 1),
        "mean_ms": round(seconds / creates * 1000, 2),
    }
    print(f"create: {creates} in {seconds:.1f} s = {creates / seconds:.1f}/s (one at a time)")
    return results


def plan() -> str:
    from townhall.casework.queries import Cursor
    from townhall.submissions.models import Submission
    from townhall.tenancy.models import Organisation

    organisation = Organisation.objects.get(slug="bench-000")
    newest = Submission.objects.filter(organisation=organisation).order_by("-submitted_at", "-id")
    row = newest.only("id", "submitted_at")[DEPTHS[-1] : DEPTHS[-1] + 1].get()
    cursor = Cursor.of(row)
    from django.db.models import Q

    # The router's own condition (api/routers/submissions.py): the `<=` lets the index walk start
    # at the cursor; the OR alone would scan from the newest row.
    deep = newest.filter(
        Q(submitted_at__lte=cursor.submitted_at)
        & (Q(submitted_at__lt=cursor.submitted_at) | Q(id__lt=cursor.id))
    )
    text: str = deep[:51].explain(analyze=True)
    print(f"\n--- list, {DEPTHS[-1]:,} rows in\n{text}")
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--creates", type=int, default=200)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--databases", default="postgres", help="accepted for `make bench`")
    args, _unknown = parser.parse_known_args()
    if "postgres" not in args.databases:
        print("bench_api: PostgreSQL only; skipped.")
        return 0
    database = Database("postgres", inbox.POSTGRES_URL)
    key_file = VAR_BENCH / "inbox-encryption.key"
    reseed = args.reseed or not key_file.exists()
    if reseed:
        key_file.unlink(missing_ok=True)
        problem = postgres_recreate(database)
        if problem:
            print(f"bench_api: PostgreSQL unavailable ({problem}); skipped.")
            return 0
    # Production settings, with the per-key limit out of the way of a deliberate load.
    os.environ["TOWNHALL_API_RATE_LIMIT"] = str(10**9)
    inbox._setup_django(database)
    from django.core.management import call_command

    if reseed:
        inbox.seed(organisations=50, submissions=1_000_000)
    else:
        call_command("migrate", "--noinput", verbosity=0)
    results = measure(requests=args.requests, creates=args.creates)
    explained = plan()
    lists = {k: v for k, v in results.items() if k.startswith("list")}
    misses = [name for name, r in lists.items() if r["p99_ms"] > TARGET_P99_MS]
    print(
        f"\nTarget: list p99 ≤ {TARGET_P99_MS:.0f} ms at any depth: "
        + ("met" if not misses else "missed: " + ", ".join(misses))
    )
    VAR_BENCH.mkdir(parents=True, exist_ok=True)
    RESULTS_JSON.write_text(
        json.dumps(
            {
                "results": results,
                "plan_deepest": explained,
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
