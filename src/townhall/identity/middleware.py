"""Staff sessions end after a period of inactivity as well as after their maximum age."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

_LAST_SEEN = "townhall_last_seen"
# Writing the session on every request would cost a database write per page;
# a minute's slack is fine.
_TOUCH_EVERY_SECONDS = 60


class StaffSessionIdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN)
            if (
                last_seen is not None
                and now - int(last_seen) > settings.TOWNHALL_STAFF_IDLE_SECONDS
            ):
                logout(request)
                request.session["townhall_signed_out_idle"] = True
            elif last_seen is None or now - int(last_seen) >= _TOUCH_EVERY_SECONDS:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)
