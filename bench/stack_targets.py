"""What bench_stack.py loads: the production stack (deploy/stack.py: nginx in front of N granian
app processes, its own PostgreSQL and Redis), or, to work on the benchmark without it or to
compare, one granian server on the machine's PostgreSQL as bench_runner.py starts it.

Either gives the address to load, the environment in which a Django process acts on the same
database (for seeding and checking), and the app processes whose memory and CPU are counted.
"""

from __future__ import annotations

import http.client
import inspect
import os
import time
from typing import Any, Protocol
from urllib.parse import urlsplit

from bench.bench_runner import BenchError, Server
from bench.harness import (
    REPO,
    VAR_BENCH,
    Database,
    collectstatic,
    database_prepare,
    postgres_recreate,
    production_env,
)

GRANIAN_POSTGRES_URL = os.environ.get(
    "TOWNHALL_BENCH_STACK_POSTGRES_URL",
    "postgres://postgres@127.0.0.1:5432/townhall_bench_stack",
)


def _with_repo_on_path(env: dict[str, str]) -> dict[str, str]:
    """`bench.*` (the seeding, bench.settings) is imported from the repository root."""
    path = [str(REPO), *(p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p)]
    return {**env, "PYTHONPATH": os.pathsep.join(dict.fromkeys(path))}


def healthy(url: str) -> bool:
    parts = urlsplit(url)
    try:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
        connection.request("GET", "/healthz")
        status = connection.getresponse().status
        connection.close()
    except OSError:
        return False
    return status == 200


class Target(Protocol):
    label: str
    url: str
    settings: dict[str, Any]

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def env(self) -> dict[str, str]: ...
    def app_pids(self) -> list[int]: ...


class StackTarget:
    """deploy/stack.py's stack under supervisord, with `bench.settings` (the ceiling page)."""

    label = "stack"

    def __init__(self, *, app_processes: int, extra_env: dict[str, str], reuse: bool) -> None:
        from deploy import stack  # needs the repository root on sys.path, as bench_stack.py sets

        self.stack = stack
        self.app_processes = app_processes
        self.extra_env = extra_env
        self.reuse = reuse
        self.url: str = stack.STACK_URL
        self.started = False
        self.settings: dict[str, Any] = {
            "target": "stack",
            "url": self.url,
            "settings_module": "bench.settings",
            "app_processes": app_processes,
            "extra_env": extra_env,
            "reused_running_stack": reuse,
        }

    def start(self) -> None:
        if self.reuse:
            if not healthy(self.url):
                raise BenchError(f"--reuse-stack: nothing answers {self.url}/healthz")
            self.settings["extra_env_applied"] = "unknown (a stack already running)"
            return
        kwargs: dict[str, Any] = {
            "app_processes": self.app_processes,
            "settings_module": "bench.settings",
            "fresh": True,
        }
        if "extra_env" in inspect.signature(self.stack.stack_start).parameters:
            kwargs["extra_env"] = self.extra_env
            self.settings["extra_env_applied"] = True
        else:
            print(
                "  WARNING: stack_start() takes no extra_env: the API's per-key rate limit "
                f"may throttle the API rows ({self.extra_env} not applied)",
                flush=True,
            )
            self.settings["extra_env_applied"] = False
        self.started = True
        try:
            self.stack.stack_start(**kwargs)
        except self.stack.StackError as error:
            raise BenchError(f"the stack did not start: {error}") from error

    def stop(self) -> None:
        if self.started:
            self.stack.stack_stop()

    def env(self) -> dict[str, str]:
        return _with_repo_on_path(dict(self.stack.stack_env()))

    def app_pids(self) -> list[int]:
        return [
            pid
            for number in range(1, self.app_processes + 1)
            for pid in self.stack.program_pids(f"app-{number}")
        ]


class GranianTarget:
    """One granian server (N workers) on the machine's PostgreSQL, no nginx, no Redis: the
    runner benchmark's server with the stack benchmark's data."""

    label = "granian"

    def __init__(self, *, workers: int, extra_env: dict[str, str], reuse: bool) -> None:
        self.database = Database("postgres", GRANIAN_POSTGRES_URL)
        self.reuse = reuse
        # One encryption key for the seeded rows and every later --reuse-stack run.
        key_file = VAR_BENCH / "stack-granian-encryption.key"
        VAR_BENCH.mkdir(parents=True, exist_ok=True)
        if not reuse:
            key_file.unlink(missing_ok=True)
        self._env = {**production_env(self.database), **extra_env}
        if not key_file.exists():
            key_file.write_text(self._env["TOWNHALL_ENCRYPTION_KEYS"])
            key_file.chmod(0o600)
        self._env["TOWNHALL_ENCRYPTION_KEYS"] = key_file.read_text().strip()
        self.server = Server(
            self._env, workers=workers, blocking_threads=1, log=VAR_BENCH / "granian-stack.log"
        )
        self.url = f"http://127.0.0.1:{self.server.port}"
        self.settings: dict[str, Any] = {
            "target": "granian",
            "database": self.database.url,
            "settings_module": "bench.settings",
            "workers": workers,
            "extra_env": extra_env,
            "extra_env_applied": True,
            "reused_database": reuse,
        }

    def start(self) -> None:
        if not self.reuse:
            problem = postgres_recreate(self.database)
            if problem is not None:
                raise BenchError(f"PostgreSQL is not reachable at {self.database.url}: {problem}")
            started = time.monotonic()
            database_prepare(self.database, self._env)
            print(f"  demo data loaded in {time.monotonic() - started:.0f} s", flush=True)
        collectstatic(self._env)
        self.server.start()

    def stop(self) -> None:
        self.server.stop()

    def env(self) -> dict[str, str]:
        return _with_repo_on_path(self._env)

    def app_pids(self) -> list[int]:
        return self.server.pids()
