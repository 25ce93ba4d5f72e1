"""Townhall's URL map plus `/bench/bare/`: 5 KB of fixed HTML through the normal middleware.

It does no database work and renders no template, so its rate is what granian, WSGI and Django's
middleware stack can do on this machine: the ceiling for any real page.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from townhall.config import urls as townhall_urls

BARE_PAGE_BYTES = 5 * 1024


def _bare_html() -> str:
    head = (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        "<title>Bench ceiling</title></head>\n<body>\n"
    )
    tail = "</body>\n</html>\n"
    line = "<p>The quick brown fox jumps over the lazy dog, again and again.</p>\n"
    body = ""
    while len(head) + len(body) + len(line) + len(tail) <= BARE_PAGE_BYTES:
        body += line
    padding = BARE_PAGE_BYTES - len(head) - len(body) - len(tail)
    return head + body + "<!--" + "x" * max(padding - 7, 0) + "-->" + tail


BARE_HTML = _bare_html()


@never_cache  # like every runner page
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BARE_HTML)


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *townhall_urls.urlpatterns]

handler400 = townhall_urls.handler400
handler403 = townhall_urls.handler403
handler404 = townhall_urls.handler404
handler500 = townhall_urls.handler500
