"""RFC 9457 problem details: the one shape every error of `/api/v1/` takes.

`problem()` builds a response; `install(api)` replaces django-ninja's default exception handlers
so that validation errors, `HttpError`s, 404s, authentication and throttling failures and
unexpected exceptions all answer `application/problem+json`. Field errors point at the question id
or parameter name (the last element of pydantic's `loc`), never at the value sent, so no personal
data is echoed back or logged. `document(schema)` says so in the OpenAPI document. A database
that cannot be reached is left to Django's 500 handler, which answers 503 problem+json with
`Retry-After` for the whole site (`townhall.config.errors`).
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

if TYPE_CHECKING:
    from ninja import NinjaAPI

PROBLEM_JSON = "application/problem+json"

logger = logging.getLogger(__name__)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(
    *,
    request: HttpRequest,
    status: int,
    title: str,
    detail: str = "",
    type_: str = "about:blank",
    errors: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """An RFC 9457 response: `type`, `title`, `status`, `detail`, `instance` (the request path) and,
    for invalid input, `errors` as `[{"field": ..., "message": ...}]`."""
    body: dict[str, Any] = {
        "type": type_,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_JSON
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def field_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Ninja/pydantic error dicts → `{"field", "message"}`: the field is the last part of `loc`."""
    out: list[dict[str, str]] = []
    for error in errors:
        loc = error.get("loc") or ()
        field = str(loc[-1]) if loc else ""
        out.append({"field": field, "message": str(error.get("msg", "Invalid value"))})
    return out


def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problem(
        request=request,
        status=422,
        title="Invalid request",
        detail="One or more fields are not valid.",
        errors=field_errors(exc.errors),
    )


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(
        request=request, status=exc.status_code, title=_reason(exc.status_code), detail=str(exc)
    )


def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        request=request,
        status=401,
        title="Unauthorized",
        detail="Send a valid API key as `Authorization: Bearer <key>`.",
        headers={"WWW-Authenticate": "Bearer"},
    )


def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    wait = max(1, int(exc.wait)) if exc.wait is not None else 60
    return problem(
        request=request,
        status=429,
        title="Too Many Requests",
        detail=f"Try again in {wait} seconds.",
        headers={"Retry-After": str(wait)},
    )


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The exception's text may name what was looked up; it never reaches the client.
    return problem(request=request, status=404, title="Not found")


def _permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request=request, status=403, title="Forbidden")


def _database_unreachable(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    # The database is down or restarting: let it reach Django's 500 handler, which answers 503
    # problem+json with Retry-After for every address alike (townhall.config.errors).
    raise exc


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The method, path, exception type and stack only: not the query string, the body or the
    # exception's message, any of which may hold a resident's answers.
    logger.error(
        "Unhandled API error on %s %s: %s\n%s",
        request.method,
        request.path,
        type(exc).__name__,
        "".join(traceback.format_tb(exc.__traceback__)),
    )
    return problem(request=request, status=500, title="Internal Server Error")


_HANDLERS: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
    (ValidationError, _validation_error),
    (HttpError, _http_error),
    (AuthenticationError, _authentication_error),
    (Throttled, _throttled),
    (Http404, _not_found),
    (PermissionDenied, _permission_denied),
    (OperationalError, _database_unreachable),
    (InterfaceError, _database_unreachable),
    (Exception, _unexpected),
]


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers: every error this API produces is problem+json (ninja
    picks the handler of the nearest class in the exception's MRO)."""
    for exc_class, handler in _HANDLERS:
        api.add_exception_handler(exc_class, handler)


def document(schema: dict[str, Any]) -> None:
    """Make the OpenAPI document say what is served: error responses (4xx, 5xx) are problem+json,
    and every operation with a body may answer 400 (ninja's answer to a body it cannot parse)."""
    problem_ref = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            for status, response in responses.items():
                content = response.get("content", {})
                if str(status)[0] in "45" and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
            # Ninja keys responses by int status (JSON makes them strings).
            if "requestBody" in operation and not {400, "400"} & set(responses):
                responses[400] = {
                    "description": "Bad Request: the body cannot be read.",
                    "content": {PROBLEM_JSON: problem_ref},
                }
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "Problem" not in components:
        from townhall.api.schemas import Problem

        generated = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(generated.pop("$defs", {}))
        components["Problem"] = generated
