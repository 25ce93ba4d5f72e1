"""The runner benchmark (issue 4): Townhall under its production server, loaded by wrk.

For SQLite (a WAL file under var/bench/) and PostgreSQL (`townhall_bench`, recreated each run;
skipped with a message when the server is unreachable): a fresh database with the demo data, then
granian started exactly as `make run` starts it, then 32 live sessions made over HTTP, then wrk
on loopback (32 connections, 2 threads) for each scenario after a warm-up:

    ceiling        a bare 5 KB page on the same server, through the same middleware
    question GET   the first question of "Report a pothole" with a live session
    answer POST    a valid answer with the form's CSRF token, expecting 302 to the next page

It prints requests/s, p50, p99, errors, peak memory per worker and the ratio to the ceiling beside
the targets, and writes var/bench/runner.json. A miss is reported, not failed (this is a
benchmark, not a test); `--fail-on-miss` makes misses exit 1. The harness itself fails (exit 2)
if the server will not start or a POST did not store its answer. bench/README.md explains it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (  # needs the repository root on sys.path, just above
    ANSWER_BODY,
    ANSWER_FIELD,
    HOST,
    REPO,
    SERVICE_PATH,
    VAR_BENCH,
    VENV_BIN,
    Database,
    collectstatic,
    database_prepare,
    git_describe,
    postgres_database,
    postgres_recreate,
    production_env,
    sqlite_database,
)
from townhall.runner.constants import JOURNEY_COOKIE_PREFIX

LUA_SCRIPT = Path(__file__).resolve().parent / "runner.lua"
RESULTS_JSON = VAR_BENCH / "runner.json"
BARE_PATH = "/bench/bare/"

# The targets for a 2-core machine.
TARGET_RPS = 1000.0
TARGET_P99_MS = 60.0
TARGET_ERRORS = 0
TARGET_MB_PER_WORKER = 150.0

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Above this share of the machine's CPU used by other processes during a run, say so.
NOISY_PERCENT = 10.0


class BenchError(Exception):
    """The harness could not measure what it claims to measure."""


# --- HTTP client for setting up sessions ------------------------------------------------------


@dataclass
class Session:
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""
    question_path: str = ""

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _request(
    connection: http.client.HTTPConnection,
    session: Session,
    method: str,
    path: str,
    form: dict[str, str] | None = None,
) -> tuple[int, str, str]:
    """Status, Location and body. Cookies are kept by hand: they are `Secure`, as in production,
    and a browser-like cookie jar would not send them over plain HTTP."""
    headers = {"Cookie": session.cookie_header} if session.cookies else {}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            session.cookies[name] = morsel.value
    return response.status, response.getheader("Location") or "", text


def _token(html: str, what: str) -> str:
    match = _CSRF.search(html)
    if match is None:
        raise BenchError(f"no CSRF token on {what}")
    return match.group(1)


def session_create(port: int) -> Session:
    """A resident who has pressed "Start now": the cookie of a new journey (runner/session.py),
    and the question page's CSRF token for posting answers."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    session = Session()
    try:
        status, _, html = _request(connection, session, "GET", SERVICE_PATH)
        if status != 200:
            raise BenchError(f"GET {SERVICE_PATH} answered {status}, not 200")
        form = {"csrfmiddlewaretoken": _token(html, "the start page")}
        status, location, _ = _request(connection, session, "POST", SERVICE_PATH, form)
        journey_cookie = any(name.startswith(JOURNEY_COOKIE_PREFIX) for name in session.cookies)
        if status != 302 or not journey_cookie:
            raise BenchError(f"POST {SERVICE_PATH} answered {status} without a journey cookie")
        session.question_path = urlsplit(location).path
        status, _, html = _request(connection, session, "GET", session.question_path)
        if status != 200 or f'name="{ANSWER_FIELD}"' not in html:
            raise BenchError(f"GET {session.question_path} answered {status} without the question")
        session.token = _token(html, "the question page")
    finally:
        connection.close()
    return session


def answer_probe(port: int, session: Session) -> str:
    """Post the answer once, before loading: it must be accepted (302 to another page), or the
    POST scenario would measure a form re-displayed with an error."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        form = {"csrfmiddlewaretoken": session.token, **dict(parse_qsl(ANSWER_BODY))}
        status, location, _ = _request(connection, session, "POST", session.question_path, form)
    finally:
        connection.close()
    next_path = urlsplit(location).path
    if status != 302 or next_path in ("", session.question_path):
        raise BenchError(f"the answer {ANSWER_BODY!r} was not accepted: {status} {location!r}")
    return next_path


# --- The server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        pass
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def _machine_cpu() -> tuple[float, float]:
    """Busy and stolen CPU seconds of the whole machine since boot (all cores, /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq) / CLOCK_TICKS, steal / CLOCK_TICKS


def _postgres_backends(database: Database) -> list[int]:
    """The PostgreSQL backends serving the bench database (their title names it); the server's
    shared processes, and other databases' backends (other people's tests), are left out."""
    name = urlsplit(database.url).path.lstrip("/")
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() != "postgres":
                continue
            title = (comm.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if f" {name} " in title:
            pids.append(int(comm.parent.name))
    return pids


class Server:
    """granian as `make run` starts it, on a free loopback port, logging to var/bench/."""

    def __init__(
        self, env: dict[str, str], *, workers: int, blocking_threads: int, log: Path
    ) -> None:
        self.env = env
        self.workers_wanted = workers
        self.blocking_threads = blocking_threads
        self.log = log
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def command(self) -> list[str]:
        return [
            str(VENV_BIN / "granian"),
            "--interface",
            "wsgi",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers_wanted),
            "--blocking-threads",
            str(self.blocking_threads),
            "--no-ws",
            "--log-level",
            "warning",
            "townhall.config.wsgi:application",
        ]

    def start(self) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so a stuck worker can be killed
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"granian exited ({self.process.returncode}): see {self.log}")
            if len(self.workers()) >= self.workers_wanted and self._healthy():
                return
            time.sleep(0.2)
        raise BenchError(f"granian did not answer /healthz within 60 s: see {self.log}")

    def _healthy(self) -> bool:
        try:
            connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
            connection.request("GET", "/healthz")
            status = connection.getresponse().status
            connection.close()
        except OSError:
            return False
        return status == 200

    def workers(self) -> list[int]:
        return _children(self.process.pid) if self.process is not None else []

    def pids(self) -> list[int]:
        """granian's main process and its workers."""
        return [self.process.pid, *self.workers()] if self.process is not None else []

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # the group granian leads, no other
            self.process.wait()


@contextmanager
def serving(
    env: dict[str, str], *, workers: int, blocking_threads: int, log: Path
) -> Iterator[Server]:
    server = Server(env, workers=workers, blocking_threads=blocking_threads, log=log)
    try:
        server.start()
        yield server
    finally:
        server.stop()


class MemorySampler:
    """Samples each worker's resident memory every 50 ms while a scenario runs."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.peak_kb: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self.server.workers():
                rss = _status_kb(pid, "VmRSS")
                self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), rss)
            self._stop.wait(0.05)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# --- Load -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    method: str
    expected_status: int
    with_sessions: bool
    body: str = ""
    targets: bool = True  # judged against the targets (the ceiling is not)


SCENARIOS = [
    Scenario("ceiling", "bare 5 KB page (ceiling)", "GET", 200, False, targets=False),
    Scenario("question_get", "question page GET", "GET", 200, True),
    Scenario("answer_post", "answer POST -> 302", "POST", 302, True, body=ANSWER_BODY),
]


@dataclass(frozen=True)
class Load:
    connections: int
    threads: int
    duration: float
    warmup: float


def wrk(
    url: str, scenario: Scenario, sessions_file: Path, load: Load, seconds: float
) -> dict[str, Any]:
    command = [
        "wrk",
        "-t",
        str(load.threads),
        "-c",
        str(load.connections),
        "-d",
        f"{seconds:g}s",
        "--timeout",
        "5s",
        "-s",
        str(LUA_SCRIPT),
        url,
        "--",
        str(sessions_file) if scenario.with_sessions else "-",
        scenario.method,
        str(scenario.expected_status),
        str(load.threads),
        scenario.body,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            measured: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
            return measured
    raise BenchError(f"wrk gave no result (exit {result.returncode}): {result.stderr.strip()}")


def measure(
    server: Server, database: Database, scenario: Scenario, path: str, sessions: Path, load: Load
) -> dict[str, Any]:
    url = f"http://{HOST}:{server.port}{path}"
    with MemorySampler(server) as sampler:
        if load.warmup > 0:
            wrk(url, scenario, sessions, load, load.warmup)
        pids = server.pids()
        postgres = _postgres_backends(database) if database.name == "postgres" else []
        server_cpu = sum(map(_cpu_seconds, pids))
        postgres_cpu = sum(map(_cpu_seconds, postgres))
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        machine_busy, machine_steal = _machine_cpu()
        measured_from = dt.datetime.now(dt.UTC)
        run = wrk(url, scenario, sessions, load, load.duration)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy_after, steal_after = _machine_cpu()
        server_cpu = sum(map(_cpu_seconds, pids)) - server_cpu
        postgres_cpu = sum(map(_cpu_seconds, postgres)) - postgres_cpu
        postgres_after = _postgres_backends(database) if database.name == "postgres" else []
    hwm_kb = {pid: _status_kb(pid, "VmHWM") for pid in server.workers()}
    seconds = run["duration_us"] / 1e6
    requests = run["requests"]
    errors = {
        "unexpected_status": run["unexpected_status"],
        "connect": run["connect"],
        "read": run["read"],
        "write": run["write"],
        "timeout": run["timeout"],
    }
    wrk_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    # What the rest of the machine used meanwhile: other people's tests make a run worthless.
    others = (busy_after - machine_busy) - server_cpu - wrk_cpu - postgres_cpu
    return {
        "database": database.name,
        "scenario": scenario.key,
        "title": scenario.title,
        "method": scenario.method,
        "path": path,
        "expected_status": scenario.expected_status,
        "duration_s": round(seconds, 3),
        "requests": requests,
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "mean_ms": round(run["mean_us"] / 1000, 2),
        "p50_ms": round(run["p50_us"] / 1000, 2),
        "p90_ms": round(run["p90_us"] / 1000, 2),
        "p99_ms": round(run["p99_us"] / 1000, 2),
        "max_ms": round(run["max_us"] / 1000, 2),
        "errors": errors,
        "errors_total": sum(errors.values()),
        "bytes_per_response": round(run["bytes"] / requests) if requests else 0,
        # The lifetime peak (VmHWM) of each worker so far, and the largest resident size sampled
        # during this scenario (warm-up included).
        "peak_mb_per_worker": round(max(hwm_kb.values(), default=0) / 1024, 1),
        "worker_peak_mb": [round(kb / 1024, 1) for kb in hwm_kb.values()],
        "sampled_rss_mb": round(max(sampler.peak_kb.values(), default=0) / 1024, 1),
        "cpu_seconds": {
            "server": round(server_cpu, 2),
            "load_generator": round(wrk_cpu, 2),
            "postgres": round(postgres_cpu, 2) if postgres else None,
            "other_processes": round(max(others, 0.0), 2),
            "stolen": round(steal_after - machine_steal, 2),
            "available": round(seconds * (os.cpu_count() or 1), 2),
        },
        "server_cpu_ms_per_request": round(server_cpu * 1000 / requests, 3) if requests else None,
        # Persistent connections: the same few backends before and after, not one per request.
        "postgres_backends": {
            "before": sorted(postgres),
            "after": sorted(postgres_after),
        }
        if database.name == "postgres"
        else None,
        # The rate this run's CPU cost per request (server, wrk and PostgreSQL) would allow if
        # nothing else used the machine: an estimate for a busy machine, not a measurement.
        "estimated_idle_rps": round(
            (os.cpu_count() or 1) * requests / (server_cpu + wrk_cpu + postgres_cpu), 1
        )
        if requests and server_cpu + wrk_cpu + postgres_cpu > 0
        else 0.0,
        "judged": scenario.targets,
        "measured_from": measured_from.isoformat(),
    }


def journeys_check(env: dict[str, str], since: dt.datetime | None = None) -> dict[str, Any]:
    args = [str(VENV_BIN / "python"), str(Path(__file__).parent / "journeys_check.py")]
    args.append(ANSWER_FIELD)
    if since is not None:
        args.append(since.isoformat())
    result = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BenchError(f"journeys_check failed: {result.stderr.strip()[-2000:]}")
    checked: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return checked


def run_database(database: Database, args: argparse.Namespace, load: Load) -> dict[str, Any]:
    env = {**production_env(database), **args.settings}
    say(f"{database.label}: a fresh database with the demo services ({database.url})")
    setup_seconds = database_prepare(database, env)
    log = VAR_BENCH / f"granian-{database.name}.log"
    results: list[dict[str, Any]] = []
    verification: dict[str, Any] = {}
    with serving(
        env, workers=args.workers, blocking_threads=args.blocking_threads, log=log
    ) as server:
        say(
            f"{database.label}: granian on {HOST}:{server.port} "
            f"(workers {server.workers()}); creating {args.sessions} live sessions"
        )
        sessions = [session_create(server.port) for _ in range(args.sessions)]
        paths = {s.question_path for s in sessions}
        if len(paths) != 1:
            raise BenchError(f"sessions landed on different pages: {sorted(paths)}")
        question_path = paths.pop()
        sessions_file = VAR_BENCH / f"sessions-{database.name}.tsv"
        sessions_file.write_text("".join(f"{s.cookie_header}\t{s.token}\n" for s in sessions))
        verification["before"] = journeys_check(env)
        if verification["before"]["journeys"] != args.sessions:
            raise BenchError(f"expected {args.sessions} journeys: {verification['before']}")
        for scenario in SCENARIOS:
            if scenario.key == "answer_post":
                verification["after_get"] = journeys_check(env)
                verification["probe_redirect"] = answer_probe(server.port, sessions[0])
            path = BARE_PATH if scenario.key == "ceiling" else question_path
            rounds = f" x {args.rounds}" if args.rounds > 1 else ""
            say(
                f"{database.label}: {scenario.title}: "
                f"({load.warmup:g} s + {load.duration:g} s){rounds}"
            )
            measured = [
                measure(server, database, scenario, path, sessions_file, load)
                for _ in range(args.rounds)
            ]
            # The median round by req/s stands for the scenario; the JSON keeps every round's.
            chosen = dict(sorted(measured, key=lambda r: r["rps"])[(len(measured) - 1) // 2])
            chosen["rounds"] = [
                {key: r[key] for key in ("rps", "p50_ms", "p99_ms", "errors_total")}
                for r in measured
            ]
            chosen["last_round_from"] = measured[-1]["measured_from"]
            results.append(chosen)
        # Every journey must have been written during the last measured POST run (not a warm-up).
        post_measured = dt.datetime.fromisoformat(results[-1]["last_round_from"])
        verification["after_post"] = journeys_check(env, since=post_measured)
    _verify(verification, args.sessions)
    return {
        "database": database.name,
        "label": database.label,
        "url": database.url,
        "setup_seconds": round(setup_seconds, 1),
        "question_path": question_path,
        "verification": verification,
        "results": results,
    }


def _verify(verification: dict[str, Any], sessions: int) -> None:
    """GETs store nothing; every journey holds the posted answer, written while loading."""
    if verification["before"]["answered"] or verification["after_get"]["answered"]:
        raise BenchError(f"answers were stored before the POST scenario: {verification}")
    after = verification["after_post"]
    if after["answered"] != sessions or after["updated_since"] != sessions:
        raise BenchError(f"the POST scenario did not store every journey's answer: {after}")
    verification["ok"] = True


# --- Report ---------------------------------------------------------------------------------


def _mark(ok: bool) -> str:
    return "pass" if ok else "MISS"


def judge(result: dict[str, Any]) -> dict[str, bool]:
    return {
        "rps": result["rps"] >= TARGET_RPS,
        "p99": result["p99_ms"] <= TARGET_P99_MS,
        "errors": result["errors_total"] <= TARGET_ERRORS,
        "memory": result["peak_mb_per_worker"] <= TARGET_MB_PER_WORKER,
    }


def _others_percent(result: dict[str, Any]) -> float:
    """The share of the machine's CPU that processes outside the benchmark took meanwhile."""
    cpu = result["cpu_seconds"]
    return 100 * cpu["other_processes"] / cpu["available"] if cpu["available"] else 0.0


# (heading, width) of each column after the scenario and database.
COLUMNS = [
    ("req/s", 13),
    ("p50 ms", 7),
    ("p99 ms", 12),
    ("errors", 9),
    ("MB/worker", 11),
    ("vs ceiling", 10),
    ("CPU ms/req", 10),
    ("idle est.", 9),
    ("others", 6),
]


LEGEND = """
MB/worker   the largest peak resident memory (VmHWM) of a granian worker so far
vs ceiling  req/s as a share of the bare 5 KB page's on the same server and database
CPU ms/req  the granian workers' CPU time per request
idle est.   the req/s that this CPU per request (granian + wrk + PostgreSQL) would allow on
            this machine's CPUs with nothing else running: an estimate, not a measurement
others      the machine's CPU used by processes outside the benchmark meanwhile""".rstrip()


def _row(first: str, second: str, cells: list[str]) -> str:
    return f"{first:<26} {second:<10} " + " ".join(
        cell.rjust(width) for cell, (_, width) in zip(cells, COLUMNS, strict=True)
    )


def table(runs: list[dict[str, Any]]) -> str:
    header = _row("scenario", "database", [heading for heading, _ in COLUMNS])
    targets = _row(
        "target (2 cores)",
        "",
        [
            f">= {TARGET_RPS:,.0f}     ",
            "",
            f"<= {TARGET_P99_MS:g}     ",
            f"{TARGET_ERRORS}     ",
            f"<= {TARGET_MB_PER_WORKER:g}     ",
            "",
            "",
            "",
            "",
        ],
    )
    lines = [header, targets, "-" * len(header)]
    for run in runs:
        for r in run["results"]:
            verdict = r.get("pass") or {}

            def mark(text: str, key: str, verdict: dict[str, bool] = verdict) -> str:
                return f"{text} {_mark(verdict[key])}" if key in verdict else f"{text}     "

            lines.append(
                _row(
                    r["title"],
                    run["label"],
                    [
                        mark(f"{r['rps']:,.0f}", "rps"),
                        f"{r['p50_ms']:.1f}",
                        mark(f"{r['p99_ms']:.1f}", "p99"),
                        mark(str(r["errors_total"]), "errors"),
                        mark(f"{r['peak_mb_per_worker']:.0f}", "memory"),
                        f"{r['ratio_to_ceiling']:.2f}",
                        f"{r['server_cpu_ms_per_request'] or 0:.2f}",
                        f"{r['estimated_idle_rps']:,.0f}",
                        f"{_others_percent(r):.0f}%",
                    ],
                )
            )
    lines.append(LEGEND)
    return "\n".join(lines)


def say(message: str) -> None:
    print(f"  {message}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres", help="comma-separated")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before each")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="granian workers (make run: 2)")
    parser.add_argument("--sessions", type=int, default=32, help="live sessions cycled")
    parser.add_argument(
        "--rounds", type=int, default=1, help="measure each scenario N times, report the median"
    )
    parser.add_argument(
        "--blocking-threads", type=int, default=1, help="granian's, per worker (make run: 1)"
    )
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment variable for the server, to compare a setting "
        "(e.g. TOWNHALL_DB_CONN_MAX_AGE=0)",
    )
    parser.add_argument("--fail-on-miss", action="store_true", help="exit 1 on a miss")
    args = parser.parse_args()
    try:
        args.settings = dict(item.split("=", 1) for item in args.settings)
    except ValueError:
        parser.error("--set takes NAME=VALUE")
    if shutil.which("wrk") is None:
        print("wrk is not installed: `make wrk` installs Debian's package.", file=sys.stderr)
        return 2
    load = Load(args.connections, args.threads, args.duration, args.warmup)
    VAR_BENCH.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    print(
        f"Runner benchmark: granian {args.workers} workers x {args.blocking_threads} blocking "
        "thread(s); wrk "
        f"{load.connections} connections, {load.threads} threads, {load.duration:g} s after "
        f"{load.warmup:g} s warm-up; {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f}",
        flush=True,
    )
    runs: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    try:
        collectstatic(production_env(sqlite_database("runner")))
        for name in [n.strip() for n in args.databases.split(",") if n.strip()]:
            if name == "sqlite":
                database = sqlite_database("runner")
            elif name == "postgres":
                database = postgres_database()
                problem = postgres_recreate(database)
                if problem is not None:
                    message = f"PostgreSQL is not reachable at {database.url}: skipped ({problem})"
                    print(f"  {message}", flush=True)
                    skipped[name] = message
                    continue
            else:
                parser.error(f"unknown database {name!r} (sqlite, postgres)")
            runs.append(run_database(database, args, load))
    except BenchError as error:
        print(f"The benchmark could not measure: {error}", file=sys.stderr)
        return 2
    for run in runs:
        ceiling = next(r for r in run["results"] if r["scenario"] == "ceiling")["rps"]
        for r in run["results"]:
            r["ratio_to_ceiling"] = round(r["rps"] / ceiling, 3) if ceiling else 0.0
            if r["judged"]:
                r["pass"] = judge(r)
    report = table(runs)
    print()
    print(report)
    missed = [
        f"{r['title']} on {run['label']}: {', '.join(k for k, ok in r['pass'].items() if not ok)}"
        for run in runs
        for r in run["results"]
        if r.get("pass") and not all(r["pass"].values())
    ]
    print()
    if runs:
        print("Every target met." if not missed else "Missed: " + "; ".join(missed) + ".")
    for run in runs:
        print(f"{run['label']}: every journey stored the POSTed answer during the measured run.")
    noisy = [
        f"{r['title']} on {run['label']} ({_others_percent(r):.0f}%)"
        for run in runs
        for r in run["results"]
        if _others_percent(r) > NOISY_PERCENT
    ]
    if noisy:
        print(
            "WARNING: other processes used the CPU during "
            + "; ".join(noisy)
            + ". Those rates and latencies are low; run again on a quiet machine, and meanwhile"
            " read 'idle est.'."
        )
    template = Server({}, workers=args.workers, blocking_threads=args.blocking_threads, log=Path())
    server_command = ["granian", *template.command[1:]]
    server_command[server_command.index(str(template.port))] = "PORT"
    document = {
        "benchmark": "runner",
        "started_at": started.isoformat(),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "wrk": subprocess.run(
                ["wrk", "--version"], capture_output=True, text=True, check=False
            ).stdout.split("\n")[0],
        },
        "source": git_describe(),
        "load": {
            "connections": load.connections,
            "wrk_threads": load.threads,
            "duration_s": load.duration,
            "warmup_s": load.warmup,
            "sessions": args.sessions,
            "rounds": args.rounds,
        },
        "server": server_command,
        "settings_changed": args.settings,
        "targets": {
            "rps_min": TARGET_RPS,
            "p99_ms_max": TARGET_P99_MS,
            "errors_max": TARGET_ERRORS,
            "mb_per_worker_max": TARGET_MB_PER_WORKER,
        },
        "skipped": skipped,
        "runs": runs,
        "table": report,
    }
    RESULTS_JSON.write_text(json.dumps(document, indent=2) + "\n")
    print(f"Results: {RESULTS_JSON.relative_to(REPO)}")
    return 1 if args.fail_on_miss and missed else 0


if __name__ == "__main__":
    sys.exit(main())
