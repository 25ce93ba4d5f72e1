"""Load and measure for bench_stack.py: one row is a wrk warm-up and a measured wrk run against
one address, with the app processes' memory sampled throughout and their CPU time counted.

wrk runs a Lua script (runner.lua for the runner's rows, stack.lua for the others) that counts
every status other than the one expected; it prints one `BENCH_JSON {...}` line, read here.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import subprocess
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.bench_runner import BenchError, _children, _cpu_seconds, _status_kb

BENCH_DIR = Path(__file__).resolve().parent
RUNNER_LUA = BENCH_DIR / "runner.lua"
STACK_LUA = BENCH_DIR / "stack.lua"


@dataclass(frozen=True)
class Load:
    connections: int
    threads: int
    duration: float
    warmup: float


@dataclass(frozen=True)
class Row:
    """One line of the table: a request sent over and over, and the one status that is right."""

    key: str
    title: str
    method: str
    path: str
    expected: int
    script: Path
    # The script's arguments after the URL's `--`, but for the thread count (and stack.lua's
    # idempotency prefix, made per wrk run when `idempotent`).
    args: tuple[str, ...]
    idempotent: bool = False
    group: str = ""


@dataclass
class Probe:
    status: int
    headers: dict[str, str]
    body: bytes


def probe(
    base_url: str, method: str, path: str, headers: dict[str, str], body: bytes | None = None
) -> Probe:
    """One request outside wrk, to check an address answers as the row expects before loading."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Probe(response.status, dict(response.getheaders()), response.read())
    finally:
        connection.close()


def process_tree(pids: list[int]) -> list[int]:
    """The processes and all their descendants (granian's main process and its worker)."""
    found: list[int] = []
    pending = list(pids)
    while pending:
        pid = pending.pop()
        if pid not in found:
            found.append(pid)
            pending.extend(_children(pid))
    return found


class MemorySampler:
    """The largest resident set of each app process, sampled every 50 ms while a row runs."""

    def __init__(self, pids: Callable[[], list[int]]) -> None:
        self.pids = pids
        self.peak_kb: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self.pids():
                self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), _status_kb(pid, "VmRSS"))
            self._stop.wait(0.05)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def wrk(url: str, row: Row, load: Load, seconds: float) -> dict[str, Any]:
    args = [*row.args[:3], str(load.threads), *row.args[3:]]
    if row.idempotent:
        args.append(f"{row.key}-{uuid.uuid4().hex[:12]}")
    command = [
        "wrk",
        *("-t", str(load.threads), "-c", str(load.connections), "-d", f"{seconds:g}s"),
        *("--timeout", "5s", "-s", str(row.script), url, "--", *args),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            measured: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
            return measured
    raise BenchError(f"wrk gave no result (exit {result.returncode}): {result.stderr.strip()}")


@dataclass
class Measured:
    """The warm-up's and the measured run's wrk results, and what the app processes used."""

    warmup: dict[str, Any] | None
    run: dict[str, Any]
    measured_from: dt.datetime
    app_cpu_seconds: float
    sampled_peak_kb: dict[int, int] = field(default_factory=dict)
    hwm_kb: dict[int, int] = field(default_factory=dict)


def measure(base_url: str, row: Row, load: Load, app_pids: Callable[[], list[int]]) -> Measured:
    url = base_url.rstrip("/") + row.path
    with MemorySampler(lambda: process_tree(app_pids())) as sampler:
        warmup = wrk(url, row, load, load.warmup) if load.warmup > 0 else None
        pids = process_tree(app_pids())
        cpu_before = sum(map(_cpu_seconds, pids))
        measured_from = dt.datetime.now(dt.UTC)
        run = wrk(url, row, load, load.duration)
        cpu = sum(map(_cpu_seconds, pids)) - cpu_before
    return Measured(
        warmup=warmup,
        run=run,
        measured_from=measured_from,
        app_cpu_seconds=cpu,
        sampled_peak_kb=dict(sampler.peak_kb),
        hwm_kb={pid: _status_kb(pid, "VmHWM") for pid in pids},
    )


ERROR_KINDS = ("unexpected_status", "connect", "read", "write", "timeout")


def expected_responses(measured: Measured) -> int:
    """Responses with the expected status, warm-up included (what the creates really made)."""
    runs = [r for r in (measured.warmup, measured.run) if r is not None]
    return sum(r["responses"] - r["unexpected_status"] for r in runs)


def row_result(row: Row, measured: Measured) -> dict[str, Any]:
    run = measured.run
    seconds = run["duration_us"] / 1e6
    requests = run["requests"]
    errors = {name: run[name] for name in ERROR_KINDS}
    return {
        "scenario": row.key,
        "title": row.title,
        "group": row.group,
        "method": row.method,
        "path": row.path,
        "expected_status": row.expected,
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
        "unexpected_by_status": run.get("unexpected_by_status", {}),
        "warmup_errors_total": sum(measured.warmup[name] for name in ERROR_KINDS)
        if measured.warmup
        else 0,
        "expected_responses_with_warmup": expected_responses(measured),
        "measured_from": measured.measured_from.isoformat(),
        "bytes_per_response": round(run["bytes"] / requests) if requests else 0,
        # The largest resident set any one app process reached while this row ran (warm-up
        # included), sampled every 50 ms; and each process's lifetime peak (VmHWM) after it.
        "peak_mb_per_process": round(max(measured.sampled_peak_kb.values(), default=0) / 1024, 1),
        "sampled_peak_mb": {
            str(pid): round(kb / 1024, 1) for pid, kb in measured.sampled_peak_kb.items()
        },
        "lifetime_peak_mb": {str(pid): round(kb / 1024, 1) for pid, kb in measured.hwm_kb.items()},
        "app_cpu_ms_per_request": round(measured.app_cpu_seconds * 1000 / requests, 3)
        if requests
        else None,
        "cpus": os.cpu_count(),
    }
