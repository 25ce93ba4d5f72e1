"""Copy GOV.UK Frontend's compiled assets from node_modules into our static files.

Run by `make assets` after `npm ci`. Two deliberate changes to the compiled CSS:
- `@font-face` rules are removed and the font files are not copied: the GDS Transport typeface is
  licensed for GOV.UK services only, and councils' services are not on GOV.UK. The font stack
  falls back to Arial, which is what the Design System says non-GOV.UK services should use.
- absolute `/assets/...` URLs become relative, so the files work under STATIC_URL.

It also copies Swagger UI (swagger-ui-dist) for the API's reference page at /api/v1/docs, served
from our own static files (never a CDN) with its licence; source-map comments are removed, since
the maps are not copied (the manifest storage would otherwise fail on the missing files).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
TARGET = Path(__file__).resolve().parent / "static" / "govuk"
SWAGGER_SOURCE = ROOT / "node_modules" / "swagger-ui-dist"
SWAGGER_TARGET = Path(__file__).resolve().parent / "static" / "swagger-ui"

_FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
_SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")
# Both comment styles (`/*# … */` in CSS, `//# …` at the end of a JS line).
_SOURCE_MAP_ANY = re.compile(r"/\*# sourceMappingURL=[^*]*\*/|//# sourceMappingURL=\S*")


def css_for_townhall(css: str) -> str:
    css = _FONT_FACE.sub("", css)
    css = _SOURCE_MAP.sub("", css)
    return css.replace("url(/assets/", "url(")


def main() -> int:
    if not SOURCE.is_dir():
        print(f"{SOURCE} is missing: run `npm ci` first.", file=sys.stderr)  # noqa: T201
        return 1
    if TARGET.exists():
        shutil.rmtree(TARGET)
    (TARGET / "images").mkdir(parents=True)
    css = (SOURCE / "govuk-frontend.min.css").read_text(encoding="utf-8")
    (TARGET / "govuk-frontend.min.css").write_text(css_for_townhall(css), encoding="utf-8")
    js = (SOURCE / "govuk-frontend.min.js").read_text(encoding="utf-8")
    (TARGET / "govuk-frontend.min.js").write_text(_SOURCE_MAP.sub("", js), encoding="utf-8")
    shutil.copy2(SOURCE / "assets" / "images" / "govuk-crest.svg", TARGET / "images")
    return swagger_ui_copy()


def swagger_ui_copy() -> int:
    """The API reference page's assets (api/docs.py): CSS, the bundle and their licences."""
    if not SWAGGER_SOURCE.is_dir():
        print(f"{SWAGGER_SOURCE} is missing: run `npm ci` first.", file=sys.stderr)  # noqa: T201
        return 1
    if SWAGGER_TARGET.exists():
        shutil.rmtree(SWAGGER_TARGET)
    SWAGGER_TARGET.mkdir(parents=True)
    for name in ("swagger-ui.css", "swagger-ui-bundle.js"):
        text = (SWAGGER_SOURCE / name).read_text(encoding="utf-8")
        (SWAGGER_TARGET / name).write_text(_SOURCE_MAP_ANY.sub("", text), encoding="utf-8")
    for name in ("LICENSE", "NOTICE", "swagger-ui-bundle.js.LICENSE.txt"):
        if (SWAGGER_SOURCE / name).exists():
            shutil.copy2(SWAGGER_SOURCE / name, SWAGGER_TARGET / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
