"""The committed OpenAPI document (`docs/openapi/v1.json`) and how to make it.

The document is committed so that a change to the API shows up in review as a change to this
file; `test_openapi.py` fails when what the API serves differs from it (run
`townhall api schema --write`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from ninja.responses import NinjaJSONEncoder


def openapi_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "openapi" / "v1.json"


def openapi_document() -> dict[str, Any]:
    """What /api/v1/openapi.json serves."""
    from townhall.api.api import api  # the API imports every router: only when asked

    return dict(api.get_openapi_schema())


def openapi_text(document: dict[str, Any] | None = None) -> str:
    """Pretty-printed, keys sorted, with a final newline: stable diffs."""
    return (
        json.dumps(
            document if document is not None else openapi_document(),
            cls=NinjaJSONEncoder,
            indent=2,
            sort_keys=True,
            ensure_ascii=False,
        )
        + "\n"
    )
