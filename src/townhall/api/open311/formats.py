"""Open311's two formats: every resource is written as JSON or XML from the same plain data.

A resource is a root element name (XML only) and either a list of items (a JSON array; in XML,
one child element per item) or one object. Nested lists take the singular of their name as the
XML element of each entry (`attributes` → `attribute`). Booleans are `true`/`false` in both;
None is JSON null and an empty XML element. Errors use the spec's format:
`[{"code": 400, "description": "…"}]` and `<errors><error><code>…`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

type Format = Literal["json", "xml"]

CONTENT_TYPES: dict[str, str] = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
# The XML element of one entry of each nested list.
SINGULAR: dict[str, str] = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def datetime_text(moment: dt.datetime | None) -> str | None:
    """ISO 8601 to the second with its UTC offset, as the spec's examples write it."""
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml_fill(element: ET.Element, value: Any, name: str) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _xml_fill(ET.SubElement(element, key), item, key)
    elif isinstance(value, list | tuple):
        child = SINGULAR.get(name, "item")
        for item in value:
            _xml_fill(ET.SubElement(element, child), item, child)
    else:
        element.text = _scalar(value)


def xml_document(root: str, item: str | None, body: Any) -> bytes:
    element = ET.Element(root)
    if item is not None:
        for entry in body:
            _xml_fill(ET.SubElement(element, item), entry, item)
    else:
        _xml_fill(element, body, root)
    payload: bytes = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    return payload


def respond(
    *, fmt: Format, root: str, item: str | None, body: Any, status: int = 200
) -> HttpResponse:
    """`body` as the resource `root` (a list of `item`s when `item` is given)."""
    if fmt == "json":
        content = json.dumps(body, ensure_ascii=False).encode()
    else:
        content = xml_document(root, item, body)
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def error(*, fmt: Format, status: int, description: str | Sequence[str]) -> HttpResponse:
    """The spec's error list; one entry per description."""
    descriptions = [description] if isinstance(description, str) else list(description)
    body = [{"code": status, "description": text} for text in descriptions]
    return respond(fmt=fmt, root="errors", item="error", body=body, status=status)


type _View = Callable[..., HttpResponse]


def methods_allowed(*allowed: str) -> Callable[[_View], _View]:
    """Django's `require_http_methods`, answering in the spec's error format (and `Allow`), so an
    Open311 client that sends the wrong method gets an error it can parse, not an HTML page."""

    def decorate(view: _View) -> _View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                fmt: Format = "xml" if kwargs.get("fmt") == "xml" else "json"
                response = error(
                    fmt=fmt, status=405, description=f"Use {' or '.join(allowed)} here."
                )
                response["Allow"] = ", ".join(allowed)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
