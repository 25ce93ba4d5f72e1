"""What the runner benchmark and its profile share: paths, the production-like environment, the
databases, the data a live service needs, and the page and answer under test.

Both set the environment exactly as a production deploy would (TOWNHALL_ENV=production, a real
secret key, DEBUG off, an allowed host, persistent connections left at their default) and change
nothing in Townhall's settings: `bench.settings` only adds the bare ceiling page to the URL map.
"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = REPO / ".venv" / "bin"
VAR_BENCH = REPO / "var" / "bench"
HOST = "127.0.0.1"

# The question page under test: the first question of the demo council's "Report a pothole"
# (a yes/no question), reached through its start page; "no" is a valid answer that moves on.
SERVICE_SLUG = "report-a-pothole"
SERVICE_PATH = f"/demo/{SERVICE_SLUG}/"
ANSWER_FIELD = "danger"
ANSWER_BODY = "danger=no"

POSTGRES_URL = os.environ.get(
    "TOWNHALL_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/townhall_bench"
)

# The data `make setup-data` loads: the register, the pattern library, the demo council and a live
# demo service for every library pattern.
SETUP_COMMANDS: list[list[str]] = [
    ["migrate", "--noinput", "-v0"],
    ["organisations", "import"],
    ["patterns", "publish"],
    ["demo"],
    ["services", "demo"],
]


@dataclass(frozen=True)
class Database:
    name: str  # "sqlite" or "postgres"
    url: str

    @property
    def label(self) -> str:
        return {"sqlite": "SQLite", "postgres": "PostgreSQL"}.get(self.name, self.name)


def sqlite_database(stem: str) -> Database:
    return Database("sqlite", f"sqlite:///{VAR_BENCH / f'{stem}.sqlite3'}")


def postgres_database() -> Database:
    return Database("postgres", POSTGRES_URL)


def production_env(database: Database, *, settings: str = "bench.settings") -> dict[str, str]:
    """The process environment of a production deploy on this machine, serving plain HTTP on
    loopback. Cookies stay `Secure` as in production: the harness sends them itself."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TOWNHALL_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(
        {
            "TOWNHALL_ENV": "production",
            "TOWNHALL_SECRET_KEY": secrets.token_urlsafe(64),
            "TOWNHALL_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "TOWNHALL_DEBUG": "false",
            "TOWNHALL_ALLOWED_HOSTS": HOST,
            "TOWNHALL_VAR_DIR": str(VAR_BENCH),
            "DATABASE_URL": database.url,
            "DJANGO_SETTINGS_MODULE": settings,
            # `bench.settings` and `bench.urls` are imported from the repository root.
            "PYTHONPATH": os.pathsep.join(
                p for p in [str(REPO), os.environ.get("PYTHONPATH", "")] if p
            ),
        }
    )
    return env


def _postgres_admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/postgres")), name


def postgres_recreate(database: Database) -> str | None:
    """Drop and create the bench database; None when done, else why PostgreSQL is unusable."""
    import psycopg
    from psycopg import sql

    admin_url, name = _postgres_admin_url(database.url)
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
    return None


def sqlite_remove(database: Database) -> None:
    path = Path(database.url.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def townhall(args: list[str], env: dict[str, str]) -> None:
    """Run a `townhall` command with Townhall's own settings module; stop the bench if it fails."""
    command_env = {**env, "DJANGO_SETTINGS_MODULE": "townhall.config.settings"}
    result = subprocess.run(
        [str(VENV_BIN / "townhall"), *args],
        env=command_env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"`townhall {' '.join(args)}` failed (exit {result.returncode})")


def database_prepare(database: Database, env: dict[str, str]) -> float:
    """A fresh database with a live service to measure; how many seconds it took."""
    started = time.monotonic()
    if database.name == "sqlite":
        sqlite_remove(database)
    for args in SETUP_COMMANDS:
        townhall(args, env)
    return time.monotonic() - started


def collectstatic(env: dict[str, str]) -> None:
    """Hashed static files under var/bench/static, as a deploy runs it (the manifest is on)."""
    townhall(["collectstatic", "--noinput", "-v0"], env)


def git_describe() -> dict[str, object]:
    def git(*args: str) -> str:
        result = subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=False
        )
        return result.stdout

    changed = [line for line in git("status", "--porcelain").splitlines() if line.strip()]
    return {"commit": git("rev-parse", "HEAD").strip(), "uncommitted_changes": changed}
