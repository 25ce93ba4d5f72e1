"""Loaded by pytest with `-p` (see pyproject.toml) before Django's settings are imported.

Tests run with TOWNHALL_ENV=test: immediate tasks, fast password hashing, static files served
from the finders. It is set here rather than in a conftest because pytest-django reads the
settings before any conftest is imported.
"""

import os

os.environ.setdefault("TOWNHALL_ENV", "test")
