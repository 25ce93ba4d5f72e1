"""Copy GOV.UK Frontend's compiled assets from node_modules into our static files.

Run by `make assets` after `npm ci`. Two deliberate changes to the compiled CSS:
- `@font-face` rules are removed and the font files are not copied: the GDS Transport typeface is
  licensed for GOV.UK services only, and councils' services are not on GOV.UK. The font stack
  falls back to Arial, which is what the Design System says non-GOV.UK services should use.
- absolute `/assets/...` URLs become relative, so the files work under STATIC_URL.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
TARGET = Path(__file__).resolve().parent / "static" / "govuk"

_FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
_SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")


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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
