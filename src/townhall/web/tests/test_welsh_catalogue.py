"""Foundation: the Welsh translation of the public pages ships, complete (issue 2, web foundation).

Every translatable string in the public pages' templates and code must have a Welsh translation,
so a Welsh page is never half-translated. Staff pages are English-only for now (ADR 0003).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from django.conf import settings

SRC = Path(settings.SRC_DIR)
PUBLIC_SOURCES = [
    ("web", [("**/jinja2/**.html", "jinja2"), ("views.py", "python")]),
    ("tenancy", [("**/jinja2/**.html", "jinja2"), ("*.py", "python")]),
    ("patterns", [("**/jinja2/**.html", "jinja2"), ("views.py", "python")]),
    ("runner", [("**/jinja2/**.html", "jinja2"), ("*.py", "python")]),
    # Residents checking the status of what they sent; the status and outcome names they see.
    (
        "casework",
        [
            ("**/jinja2/**/status_*.html", "jinja2"),
            ("**/jinja2/**/public_layout.html", "jinja2"),
            ("views_public.py", "python"),
            ("forms.py", "python"),
        ],
    ),
    ("submissions", [("constants.py", "python")]),
]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
}


def _public_msgids() -> set[str]:
    found: set[str] = set()
    for app, method_map in PUBLIC_SOURCES:
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            SRC / app,
            method_map=method_map,
            options_map={
                pattern: {"extensions": "jinja2.ext.i18n"}
                for pattern, method in method_map
                if method == "jinja2"
            },
            keywords=KEYWORDS,
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_public_string_has_a_welsh_translation() -> None:
    with (SRC / "locale" / "cy" / "LC_MESSAGES" / "django.po").open("rb") as po:
        catalogue = read_po(po, locale="cy")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    public = _public_msgids()
    assert len(public) > 20, "the extractor found the public pages' strings"
    missing = sorted(public - translated)
    assert not missing, "Welsh translation missing (run `make messages`, translate):\n" + "\n".join(
        missing
    )
