"""Where a question page's time goes: N requests in-process under cProfile, grouped.

    .venv/bin/python bench/profile_runner.py [--requests 2000] [--scenario get|post]
        [--database sqlite|postgres] [--fresh] [--top 25] [--clock cpu|wall] [--save FILE]

The same production-like settings and data as bench_runner.py (var/bench/profile.sqlite3, kept
between runs unless --fresh; or the `townhall_bench` PostgreSQL database, recreated), one live
session through Django's test client with CSRF checks on, then:

1. the time per request without the profiler, and the SQL each request runs;
2. the requests under cProfile (wall time by default, `--clock cpu` for CPU time), each
   function's own time put in one group by where its code lives (time in the standard library
   and in built-ins goes to the code that called it, so `json.loads` called by a model field
   counts as ORM time, and `re` used by a template counts as template rendering);
3. the top functions by cumulative time.

cProfile roughly doubles the cost of small Python calls, so the groups are shares of a profiled
run, not of the real one; the un-profiled time per request is the real cost. No server, socket
or load generator is involved: compare CPU ms per request with bench_runner.py's.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import sysconfig
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (  # needs the repository root on sys.path, just above
    ANSWER_BODY,
    HOST,
    REPO,
    SERVICE_PATH,
    Database,
    collectstatic,
    database_prepare,
    postgres_database,
    postgres_recreate,
    production_env,
    sqlite_database,
    townhall,
)

# First match wins: (group, substrings of the code's file path).
GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("database driver (execute, fetch)", ("/django/db/backends/", "/psycopg", "sqlite3")),
    ("ORM (building SQL, making objects)", ("/django/db/",)),
    (
        "middleware, session, CSRF, auth",
        (
            "/django/middleware/",
            "/django/contrib/sessions/",
            "/django/contrib/auth/",
            "/django/contrib/messages/",
            "/django_otp/",
            "/whitenoise/",
            "/django/core/signing.py",
            "/townhall/identity/",
        ),
    ),
    (
        "templates (Jinja2, GOV.UK macros)",
        (
            "/jinja2/",
            "/govuk_frontend_jinja/",
            "/markupsafe/",
            "/django/template/",
            "/townhall/web/",
            ".html",
            "<template>",
        ),
    ),
    (
        "pattern engine (rules, CEL, texts)",
        ("/townhall/patterns/", "/celpy/", "/lark/", "/markdown_it/", "/pydantic"),
    ),
    ("runner views, widgets, services", ("/townhall/",)),
    (
        "Django request, URLs, i18n",
        ("/django/core/handlers/", "/django/http/", "/django/urls/", "/django/utils/"),
    ),
    ("test client (not in production)", ("/django/test/",)),
]
OTHER = "other"
# Plumbing whose time belongs to whoever used it, like the standard library's: signals (the test
# client connects and disconnects handlers on every request) and asgiref's thread-locals (used by
# translations and URL resolving).
PASS_THROUGH = ("/django/dispatch/", "/asgiref/")

Func = tuple[str, int, str]  # pstats' (file, line, name)
_STDLIB = tuple(
    path for key in ("stdlib", "platstdlib") if (path := sysconfig.get_paths().get(key))
)


def _group_of(func: Func) -> str | None:
    """The group of a function's own code, or None for built-ins and the standard library."""
    filename, _, name = func
    if filename == "~":
        return "database driver (execute, fetch)" if "sqlite3" in name else None
    if (
        filename.startswith(("<frozen", "<string>"))
        or (filename.startswith(_STDLIB) and "site-packages" not in filename)
        or any(part in filename for part in PASS_THROUGH)
    ):
        return None
    for group, needles in GROUPS:
        if any(needle in filename for needle in needles):
            return group
    return OTHER


def where_time_goes(stats: pstats.Stats) -> dict[str, dict[Func, float]]:
    """Seconds of own time per group and, within it, per function of ours or a library's that
    received it: built-in and standard-library time follows its callers, split as they called."""
    raw: dict[Func, Any] = stats.stats  # type: ignore[attr-defined]
    totals: dict[str, dict[Func, float]] = defaultdict(lambda: defaultdict(float))

    def attribute(func: Func, seconds: float, depth: int) -> None:
        group = _group_of(func)
        if group is not None:
            totals[group][func] += seconds
            return
        callers = raw.get(func, (0, 0, 0.0, 0.0, {}))[4]
        shares = {caller: values[2] for caller, values in callers.items() if values[2] > 0}
        whole = sum(shares.values())
        if depth > 12 or not whole:
            totals[OTHER][func] += seconds
            return
        for caller, share in shares.items():
            attribute(caller, seconds * share / whole, depth + 1)

    for func, (_cc, _nc, own, _cum, _callers) in raw.items():
        if own > 0:
            attribute(func, own, 0)
    return {group: dict(funcs) for group, funcs in totals.items()}


def _short(func: Func) -> str:
    filename, line, name = func
    if filename == "~":
        return name
    for marker in ("site-packages/", f"{REPO}/src/", f"{REPO}/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line} {name}"


def top_cumulative(stats: pstats.Stats, requests: int, count: int) -> list[str]:
    raw: dict[Func, Any] = stats.stats  # type: ignore[attr-defined]
    rows = sorted(raw.items(), key=lambda item: item[1][3], reverse=True)
    lines = [f"{'cum ms/req':>10} {'own ms/req':>10} {'calls/req':>9}  function"]
    for func, (_cc, calls, own, cumulative, _callers) in rows[:count]:
        lines.append(
            f"{cumulative * 1000 / requests:>10.3f} {own * 1000 / requests:>10.3f} "
            f"{calls / requests:>9.1f}  {_short(func)}"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--scenario", choices=["get", "post"], default="get")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--fresh", action="store_true", help="recreate the SQLite database")
    parser.add_argument("--top", type=int, default=25, help="functions by cumulative time")
    parser.add_argument(
        "--clock",
        choices=["cpu", "wall"],
        default="wall",
        help="what cProfile measures: wall time (default; includes waiting on PostgreSQL) or "
        "CPU time (blind to other processes, but its clock costs far more per call)",
    )
    parser.add_argument("--save", type=Path, help="also write the raw cProfile data here")
    args = parser.parse_args()

    database: Database
    if args.database == "postgres":
        database = postgres_database()
        problem = postgres_recreate(database)
        if problem is not None:
            print(f"PostgreSQL is not reachable at {database.url}: {problem}", file=sys.stderr)
            return 2
    else:
        database = sqlite_database("profile")
    env = production_env(database)
    path = Path(database.url.removeprefix("sqlite:///"))
    if database.name == "postgres" or args.fresh or not path.exists():
        print(f"Preparing {database.label} ({database.url}) with the demo services ...", flush=True)
        database_prepare(database, env)
    else:
        townhall(["migrate", "--noinput", "-v0"], env)  # the code may have moved on since
    collectstatic(env)  # hashed names, as deployed; a stale manifest would fail the templates
    os.environ.update(env)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(enforce_csrf_checks=True, HTTP_HOST=HOST)

    start = client.get(SERVICE_PATH)
    assert start.status_code == 200, start.status_code
    begun = client.post(SERVICE_PATH, {"csrfmiddlewaretoken": _form_token(start)})
    assert begun.status_code == 302, begun.status_code
    question_path = begun["Location"]
    page = client.get(question_path)
    assert page.status_code == 200, page.status_code
    form = {"csrfmiddlewaretoken": _form_token(page), **dict(parse_qsl(ANSWER_BODY))}

    one: Callable[[], Any]
    if args.scenario == "get":
        expected = 200

        def one() -> Any:
            return client.get(question_path)

    else:
        expected = 302

        def one() -> Any:
            return client.post(question_path, form)

    title = f"{args.scenario.upper()} {question_path} on {database.label}"
    for _ in range(50):  # warm: templates compiled, patterns loaded, connection open
        response = one()
        assert response.status_code == expected, (response.status_code, expected)

    started = time.perf_counter()
    cpu_started = time.process_time()
    for _ in range(args.requests):
        one()
    wall = (time.perf_counter() - started) * 1000 / args.requests
    cpu = (time.process_time() - cpu_started) * 1000 / args.requests

    with CaptureQueriesContext(connection) as captured:
        one()
    # Read now: the next request clears the connection's query log.
    queries = list(captured.captured_queries)

    profiler = cProfile.Profile(time.process_time) if args.clock == "cpu" else cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        one()
    profiler.disable()
    if args.save:
        profiler.dump_stats(args.save)
    stats = pstats.Stats(profiler)
    profiled_total: float = stats.total_tt  # type: ignore[attr-defined]

    print(f"\n{title}: {args.requests} requests in-process (Django test client, CSRF on)")
    print(f"  without the profiler: {wall:.2f} ms wall, {cpu:.2f} ms CPU per request")
    print(
        f"  under cProfile: {profiled_total * 1000 / args.requests:.2f} ms {args.clock} per request"
    )
    print(f"\nSQL per request ({len(queries)} queries):")
    for query in queries:
        print(f"  {query['time']:>6}s  {' '.join(query['sql'].split())[:150]}")
    real = wall if args.clock == "wall" else cpu
    print(
        "\nWhere the time goes (own time by group as a share of the profiled run; ms: that share"
        f" of the real {real:.2f} ms {args.clock} time per request; then the biggest receivers of"
        " each group's time, the standard library's and built-ins' time included in their"
        " callers'):"
    )
    groups = where_time_goes(stats)
    by_size = sorted(groups.items(), key=lambda item: sum(item[1].values()), reverse=True)
    for group, funcs in by_size:
        share = sum(funcs.values()) / profiled_total if profiled_total else 0.0
        print(f"  {100 * share:>5.1f}%  {share * real:>6.2f} ms  {group}")
        for func, seconds in sorted(funcs.items(), key=lambda item: item[1], reverse=True)[:4]:
            print(f"  {'':>17}{100 * seconds / profiled_total:>5.1f}%  {_short(func)}")
    if args.top > 0:
        print(f"\nTop {args.top} functions by cumulative time:")
        for line in top_cumulative(stats, args.requests, args.top):
            print(f"  {line}")
    return 0


def _form_token(response: Any) -> str:
    import re

    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)
    assert match is not None, "no CSRF token in the form"
    return match.group(1).decode()


if __name__ == "__main__":
    sys.exit(main())
