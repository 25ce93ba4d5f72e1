"""Foundation: configuration only from the environment; production refuses unsafe settings;
SQLite runs in WAL mode (issue 2)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TOWNHALL_")}
    clean["TOWNHALL_VAR_DIR"] = os.environ.get("TOWNHALL_VAR_DIR", str(ROOT / "var"))
    return subprocess.run(
        [sys.executable, "-m", "townhall", "check"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


GOOD_FERNET_KEY = "ZmRrc2xqZmRza2xqZmxka3NqZmxrZHNqZmxrZHNqZmw="
GOOD_KEY = "k" * 64


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"TOWNHALL_ALLOWED_HOSTS": "example.gov.uk"}, "set TOWNHALL_SECRET_KEY"),
        (
            {"TOWNHALL_SECRET_KEY": GOOD_KEY, "TOWNHALL_ALLOWED_HOSTS": "x", "TOWNHALL_DEBUG": "1"},
            "set TOWNHALL_DEBUG=false",
        ),
        ({"TOWNHALL_SECRET_KEY": GOOD_KEY}, "set TOWNHALL_ALLOWED_HOSTS"),
        ({"TOWNHALL_SECRET_KEY": GOOD_KEY}, "set TOWNHALL_ENCRYPTION_KEYS"),
        (
            {"TOWNHALL_SECRET_KEY": GOOD_KEY, "TOWNHALL_ENCRYPTION_KEYS": "not-a-fernet-key"},
            "TOWNHALL_ENCRYPTION_KEYS must hold Fernet keys",
        ),
    ],
)
def test_production_refuses_unsafe_settings(env: dict[str, str], expected: str) -> None:
    result = _start({"TOWNHALL_ENV": "production", **env})
    assert result.returncode != 0
    assert "Townhall refuses to start in production" in result.stderr
    assert expected in result.stderr


def test_production_starts_when_configured() -> None:
    result = _start(
        {
            "TOWNHALL_ENV": "production",
            "TOWNHALL_SECRET_KEY": GOOD_KEY,
            "TOWNHALL_ALLOWED_HOSTS": "townhall.example.gov.uk",
            "TOWNHALL_ENCRYPTION_KEYS": GOOD_FERNET_KEY,
        }
    )
    assert result.returncode == 0, result.stderr


def test_every_setting_read_from_the_environment_is_documented() -> None:
    read = set()
    for path in (ROOT / "src" / "townhall").rglob("*.py"):
        read |= set(re.findall(r"env_\w+\(\s*\"([A-Z_]+)\"", path.read_text(encoding="utf-8")))
    read.add("DATABASE_URL")
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    operating = (ROOT / "docs" / "operating.md").read_text(encoding="utf-8")
    for name in sorted(read):
        assert re.search(rf"^#?\s*{name}=", example, re.M), f"{name} missing from .env.example"
        assert f"`{name}`" in operating, f"{name} missing from docs/operating.md"


def test_the_embedded_database_is_sqlite_in_wal_mode(tmp_path: Path) -> None:
    """A fresh `migrate` creates the database file in WAL mode: readers never block the writer."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TOWNHALL_ENV"}}
    result = subprocess.run(
        [sys.executable, "-m", "townhall", "migrate", "-v0"],
        env={**clean, "TOWNHALL_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    database = tmp_path / "townhall.sqlite3"
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "tenancy_organisation" in tables
