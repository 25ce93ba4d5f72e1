"""The stack benchmark (issue 7): every benchmark's pages — the runner, the casework inbox and the
API — loaded by wrk through nginx on the production stack, in one table.

1. Starts the stack (deploy/stack.py) fresh with `bench.settings` (the ceiling page) and the API's
   per-key rate limit out of the way; stops it at the end unless `--keep-stack`.
2. Seeds its PostgreSQL with bench_inbox.py's submissions (a million by default), and makes
   signed-in staff sessions, an API key and 32 residents' live journeys.
3. Runs wrk (32 connections, 2 threads, a warm-up and then the measured seconds) for each row,
   through nginx, checking each address answers as expected first.
4. Prints one markdown table (req/s, p50, p99, errors, peak memory per app process, and the
   ratio to the bare page measured in the same run) and writes var/bench/stack.md and stack.json.

A wrong answer during loading is an error in the table; a harness that cannot prove its requests
did what they claim (the answers stored, the submissions created) stops with exit status 2.
bench/README.md explains it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_runner import BenchError, answer_probe, session_create
from bench.harness import ANSWER_BODY, REPO, VAR_BENCH, VENV_BIN, git_describe
from bench.stack_load import (
    RUNNER_LUA,
    STACK_LUA,
    Load,
    Measured,
    Row,
    expected_responses,
    measure,
    probe,
    row_result,
)
from bench.stack_targets import GranianTarget, StackTarget, Target

RESULTS_MD = VAR_BENCH / "stack.md"
RESULTS_JSON = VAR_BENCH / "stack.json"
PREPARE = Path(__file__).resolve().parent / "stack_prepare.py"
# The API counts every request against its key's limit (600 a minute by default): a benchmark
# makes that many in a second, so the stack runs with the limit out of reach.
EXTRA_ENV = {"TOWNHALL_API_RATE_LIMIT": str(10**9)}
# A submission's reference: the seeded `BEN-0001E240`, or a created `POT-7K3F-9QX2`.
REFERENCE = re.compile(rb"\b[A-Z]{2,5}-[0-9A-Z]{4}-?[0-9A-Z]{4}\b")


def say(message: str) -> None:
    print(f"  {message}", flush=True)


# --- The Django side: seeding and checks, with the stack's environment -------------------------


def django(env: dict[str, str], *args: str) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", dir=VAR_BENCH) as out:
        command = [str(VENV_BIN / "python"), str(PREPARE), "--out", out.name, *args]
        result = subprocess.run(command, env=env, cwd=REPO, check=False)
        if result.returncode != 0:
            raise BenchError(f"`stack_prepare.py {args[0]}` failed (exit {result.returncode})")
        found: dict[str, Any] = json.loads(Path(out.name).read_text())
    return found


def api_created(env: dict[str, str], service_id: str) -> dict[str, int]:
    """The API service's submissions, and the idempotency keys the create row sent (with the
    distinct submissions they name): each create must store one key and one new submission."""
    import psycopg

    with psycopg.connect(env["DATABASE_URL"], connect_timeout=10) as connection:
        (submissions,) = connection.execute(
            "SELECT count(*) FROM submissions_submission WHERE service_id = %s", [service_id]
        ).fetchone() or (0,)
        keys, references = connection.execute(
            "SELECT count(*), count(DISTINCT reference) FROM submissions_idempotencyrecord"
            " WHERE key LIKE %s",
            ["api\\_create-%"],  # the keys stack.lua made for the row (`_` escaped)
        ).fetchone() or (0, 0)
    return {"submissions": submissions, "keys": keys, "distinct_references": references}


# --- What is loaded -----------------------------------------------------------------------------


def _private(path: Path, text: str) -> str:
    """Cookies and the API key for wrk, readable by this user only."""
    path.write_text(text)
    path.chmod(0o600)
    return str(path)


def rows_build(prepared: dict[str, Any], question_path: str, sessions: list[str]) -> list[Row]:
    api = prepared["api"]
    inbox = prepared["inbox"]
    staff = _private(
        VAR_BENCH / "stack-staff.tsv", "".join(f"Cookie: {c}\n" for c in prepared["staff_cookies"])
    )
    bearer = f"Authorization: Bearer {api['key']}"
    api_get = _private(VAR_BENCH / "stack-api-get.tsv", f"{bearer}\n")
    api_post = _private(
        VAR_BENCH / "stack-api-post.tsv", f"{bearer}\tContent-Type: application/json\n"
    )
    body = _private(VAR_BENCH / "stack-api-create.json", json.dumps(api["create_body"]))
    runner = _private(VAR_BENCH / "stack-runner-sessions.tsv", "".join(sessions))
    deep = f"{prepared['deep_rows_in']:,}"

    def get(key: str, title: str, path: str, headers: str, group: str) -> Row:
        return Row(
            key, title, "GET", path, 200, STACK_LUA, (headers, "GET", "200", "-", "-"), group=group
        )

    return [
        get("ceiling", "ceiling: bare 5 KB page", "/bench/bare/", "-", "ceiling"),
        Row("runner_get", "runner: question page GET", "GET", question_path, 200, RUNNER_LUA,
            (runner, "GET", "200"), group="runner"),
        Row("runner_post", "runner: answer POST → 302", "POST", question_path, 302, RUNNER_LUA,
            (runner, "POST", "302", ANSWER_BODY), group="runner"),
        get("inbox_first", "inbox: first page", inbox["first"], staff, "inbox"),
        get("inbox_status", "inbox: by status", inbox["status"], staff, "inbox"),
        get("inbox_deep", f"inbox: deep page ({deep} rows in)", inbox["deep"], staff, "inbox"),
        get("inbox_detail", "inbox: one submission", inbox["detail"], staff, "inbox"),
        get("api_list", "API: list, first page", api["list_first"], api_get, "api"),
        get("api_deep", f"API: list, {deep} rows in", api["list_deep"], api_get, "api"),
        get("api_detail", "API: one submission", api["detail"], api_get, "api"),
        Row("api_create", "API: create → 201", "POST", api["create"], 201, STACK_LUA,
            (api_post, "POST", "201", body), idempotent=True, group="api"),
    ]  # fmt: skip


def _headers(row: Row) -> dict[str, str]:
    """The first header set stack.lua would send for the row."""
    if row.script != STACK_LUA or row.args[0] == "-":
        return {}
    first = Path(row.args[0]).read_text().splitlines()[0]
    return dict(pair.split(": ", 1) for pair in first.split("\t"))


def row_probe(url: str, row: Row) -> None:
    """Each row's request once before loading: the expected status, and for the inbox and the
    API a page that shows submissions, not an empty list or a sign-in page."""
    if row.script != STACK_LUA:
        return  # the runner's: session_create and answer_probe check them
    headers = _headers(row)
    body = Path(row.args[3]).read_bytes() if row.args[3] != "-" else None
    if row.idempotent:
        headers["Idempotency-Key"] = f"probe-{uuid.uuid4()}"
    answer = probe(url, row.method, row.path, headers, body)
    if answer.status != row.expected:
        raise BenchError(
            f"{row.title}: {row.method} {row.path} answered {answer.status}, not {row.expected}:"
            f" {answer.body[:300]!r}"
        )
    if row.group in ("inbox", "api") and row.method == "GET" and not REFERENCE.search(answer.body):
        raise BenchError(f"{row.title}: {row.path} shows no submission")


def api_create_check(
    before: dict[str, int], after: dict[str, int], answered: int, load: Load
) -> dict[str, Any]:
    """Every 201 made one new submission under its own key, no more and none twice."""
    created = after["submissions"] - before["submissions"]
    keys = after["keys"] - before["keys"]
    return {
        "created": created,
        "answered_201": answered,
        "keys_stored": keys,
        "keys_naming_distinct_submissions": after["distinct_references"] == after["keys"],
        # Requests still in flight when wrk stops (at most one per connection, after the warm-up
        # and after the run) may finish on the server unseen by wrk.
        "ok": answered <= created <= answered + 2 * load.connections
        and keys == created
        and after["distinct_references"] == after["keys"],
    }


# --- The run ------------------------------------------------------------------------------------


def settle(env: dict[str, str]) -> None:
    """Let PostgreSQL finish with the seeding before anything is measured: vacuum and analyse
    every table, write the checkpoint the million inserts are owed, and wait for autovacuum to
    finish whatever it started. Otherwise the first rows measured share the CPU with it."""
    import psycopg

    url = env["DATABASE_URL"]
    if not url.startswith("postgres"):
        return
    say("vacuuming, analysing and checkpointing the seeded database")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")
        connection.execute("CHECKPOINT")
        for _ in range(120):
            busy = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
            ).fetchone()
            if not busy or busy[0] == 0:
                break
            time.sleep(0.5)


def run(target: Target, args: argparse.Namespace, load: Load) -> dict[str, Any]:
    env = target.env()
    say(f"seeding {args.submissions:,} submissions (skipped if already there) and signing in")
    prepared = django(
        env, "prepare", "--submissions", str(args.submissions), "--sessions", str(args.sessions)
    )
    settle(env)
    port = urlsplit(target.url).port or 80
    journeys_from = dt.datetime.now(dt.UTC)
    say(f"creating {args.sessions} residents' live sessions through {target.url}")
    sessions = [session_create(port) for _ in range(args.sessions)]
    question_paths = {s.question_path for s in sessions}
    if len(question_paths) != 1:
        raise BenchError(f"sessions landed on different pages: {sorted(question_paths)}")
    question_path = question_paths.pop()
    rows = rows_build(
        prepared, question_path, [f"{s.cookie_header}\t{s.token}\n" for s in sessions]
    )
    for row in rows:
        row_probe(target.url, row)

    def journeys(updated_since: dt.datetime | None = None) -> dict[str, Any]:
        since = ["--updated-since", updated_since.isoformat()] if updated_since else []
        return django(env, "journeys", "--created-since", journeys_from.isoformat(), *since)

    verification: dict[str, Any] = {"journeys_before": journeys()}
    if verification["journeys_before"]["journeys"] != args.sessions:
        raise BenchError(f"expected {args.sessions} journeys: {verification['journeys_before']}")
    results: list[dict[str, Any]] = []
    for row in rows:
        if row.key == "runner_post":
            verification["journeys_after_get"] = journeys()
            if verification["journeys_after_get"]["answered"]:
                raise BenchError(f"the GETs stored answers: {verification}")
            verification["answer_probe_redirect"] = answer_probe(port, sessions[0])
        if row.key == "api_create":
            before = api_created(env, prepared["api"]["service_id"])
        say(f"{row.title} ({load.warmup:g} s + {load.duration:g} s)")
        measured: Measured = measure(target.url, row, load, target.app_pids)
        results.append(row_result(row, measured))
        if row.key == "runner_post":
            after = journeys(updated_since=measured.measured_from)
            verification["journeys_after_post"] = after
            if not (after["answered"] == after["updated_since"] == args.sessions):
                raise BenchError(f"the POSTs did not store every journey's answer: {after}")
        if row.key == "api_create":
            after = api_created(env, prepared["api"]["service_id"])
            check = api_create_check(before, after, expected_responses(measured), load)
            verification["api_create"] = check
            if not check["ok"]:
                raise BenchError(f"the creates do not match the submissions: {check}")
    ceiling = results[0]["rps"]
    for result in results:
        result["ratio_to_ceiling"] = round(result["rps"] / ceiling, 3) if ceiling else 0.0
    public = {k: v for k, v in prepared.items() if k not in ("staff_cookies", "api")}
    public["api"] = {k: v for k, v in prepared["api"].items() if k != "key"}
    return {"prepared": public, "verification": verification, "rows": results}


# --- Report -------------------------------------------------------------------------------------

HEADINGS = ["scenario", "req/s", "p50 ms", "p99 ms", "errors", "MB/process", "vs ceiling"]

LEGEND = """\
- **req/s, p50, p99**: wrk's completed requests per measured second and its latency percentiles,
  through nginx, after the warm-up.
- **errors**: responses with any other status than the row's (200, or 302 for the answer, 201 for
  a create) and wrk's connect, read, write and timeout errors.
- **MB/process**: the largest resident memory any one app process (granian's main process or
  worker) reached during the row, sampled every 50 ms.
- **vs ceiling**: req/s as a share of the bare 5 KB page's in the same run."""


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| " + " | ".join(HEADINGS) + " |",
        "| --- | " + " | ".join("---:" for _ in HEADINGS[1:]) + " |",
    ]
    for r in results:
        cells = [
            r["title"],
            f"{r['rps']:,.0f}",
            f"{r['p50_ms']:.1f}",
            f"{r['p99_ms']:.1f}",
            str(r["errors_total"]),
            f"{r['peak_mb_per_process']:.0f}",
            f"{r['ratio_to_ceiling']:.2f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def heading(target: Target, args: argparse.Namespace, load: Load, submissions: int) -> str:
    source = git_describe()
    commit = str(source["commit"])[:9] or "unknown"
    dirty = " (with uncommitted changes)" if source["uncommitted_changes"] else ""
    where = (
        f"nginx in front of {args.app_processes} app processes"
        if target.label == "stack"
        else f"one granian server, {args.app_processes} workers, no nginx"
    )
    return (
        f"Stack benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {commit}{dirty}: "
        f"{where}; {submissions:,} submissions; wrk {load.connections} connections, "
        f"{load.threads} threads, {load.duration:g} s after {load.warmup:g} s warm-up; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=1_000_000, help="seeded (inbox, API)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per row")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before each row")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--sessions", type=int, default=32, help="resident and staff sessions")
    parser.add_argument("--app-processes", type=int, default=3, help="the stack's app processes")
    parser.add_argument("--keep-stack", action="store_true", help="leave the stack running")
    parser.add_argument(
        "--reuse-stack",
        action="store_true",
        help="load a stack already running (kept by --keep-stack), seeded rows and all",
    )
    parser.add_argument(
        "--server",
        choices=["stack", "granian"],
        default="stack",
        help="granian: one server on the machine's PostgreSQL instead (no nginx, no Redis)",
    )
    args, _unknown = parser.parse_known_args()  # `make bench` passes every benchmark's options
    if shutil.which("wrk") is None:
        print("wrk is not installed: `make wrk` installs Debian's package.", file=sys.stderr)
        return 2
    load = Load(args.connections, args.threads, args.duration, args.warmup)
    VAR_BENCH.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    target: Target
    if args.server == "granian":
        target = GranianTarget(
            workers=args.app_processes, extra_env=EXTRA_ENV, reuse=args.reuse_stack
        )
    else:
        try:
            target = StackTarget(
                app_processes=args.app_processes, extra_env=EXTRA_ENV, reuse=args.reuse_stack
            )
        except ImportError as error:
            print(f"deploy/stack.py cannot be imported ({error}).", file=sys.stderr)
            return 2
    print(f"Stack benchmark: starting {target.label} ({target.url})", flush=True)
    try:
        target.start()
        measured = run(target, args, load)
    except BenchError as error:
        print(f"The benchmark could not measure: {error}", file=sys.stderr)
        return 2
    finally:
        if args.keep_stack:
            print(f"Left running: {target.url}", flush=True)
        else:
            target.stop()
    results = measured["rows"]
    title = heading(target, args, load, measured["prepared"]["submissions"])
    report = table(results)
    print(f"\n{title}\n\n{report}\n")
    failing = [f"{r['title']} ({r['errors_total']})" for r in results if r["errors_total"]]
    if failing:
        print("ERRORS in: " + "; ".join(failing) + ". See unexpected_by_status in the JSON.")
    else:
        print("No errors; the runner's answers and the API's creates were checked in the database.")
    RESULTS_MD.write_text(f"{title}\n\n{report}\n\n{LEGEND}\n")
    document = {
        "benchmark": "stack",
        "started_at": started.isoformat(),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(),
        "source": git_describe(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_1m": os.getloadavg()[0],
        },
        "settings": {
            **target.settings,
            "submissions_requested": args.submissions,
            "sessions": args.sessions,
            "load": {
                "connections": load.connections,
                "wrk_threads": load.threads,
                "duration_s": load.duration,
                "warmup_s": load.warmup,
            },
        },
        **measured,
        "table": report,
    }
    RESULTS_JSON.write_text(json.dumps(document, indent=2) + "\n")
    print(f"Results: {RESULTS_MD.relative_to(REPO)}, {RESULTS_JSON.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
