from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("staff home")


def sign_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse("sign in")
