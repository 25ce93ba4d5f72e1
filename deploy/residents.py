"""Residents reporting potholes through the stack's load balancer: the load `make faults` runs.

Each resident is a thread that completes "Report a pothole" on the demo council, start to
confirmation, again and again, as a person with a browser would: it fetches each page, posts the
answer with the page's CSRF token, and keeps its cookies itself (they are `Secure`, as in
production, and a cookie jar would not send them over loopback HTTP).

When something fails (a refused or reset connection, a 502 or a 503) the resident waits half a
second and does the same again, like pressing refresh, for up to `patience` seconds. That
includes the final "Send" on check your answers: whether the first one was stored is exactly
what the fault run checks afterwards. Each journey gives a unique email address
(`resident+<token>@example.com`) so its submission and emails can be found again.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

ORGANISATION = "demo"
SERVICE = "report-a-pothole"
SERVICE_PATH = f"/{ORGANISATION}/{SERVICE}/"
# (page, answer) in journey order: the first scenario in patterns/report-a-pothole, without photos.
PAGES: list[tuple[str, dict[str, str]]] = [
    ("danger", {"danger": "no"}),
    ("road_type", {"road_type": "road"}),
    ("location", {"location": "Outside 14 High Street, Llandrindod Wells"}),
    ("size", {"size": "large"}),
    ("depth", {"depth": "4cm_to_10cm"}),
    ("description", {"description": "In the middle of the westbound lane."}),
    ("photos", {}),
    ("updates", {"updates": "yes"}),
    ("email", {}),  # the journey's own address, filled in per journey
]
CHECK_ANSWERS = "check-answers"
REFERENCE = re.compile(r"\b[A-Z]{2,4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
UNAVAILABLE_TEXT = "Sorry, the service is unavailable"


def email_for(token: str) -> str:
    return f"resident+{token}@example.com"


@dataclass
class Response:
    status: int  # 0: no response at all (refused, reset, timed out)
    location: str
    body: str
    upstream: str
    at: float  # when it arrived
    sent_at: float = 0.0  # when the request was sent


@dataclass
class Journey:
    token: str
    started_at: float
    sent: bool = False  # "Send" on check your answers was pressed at least once
    send_attempts: int = 0
    reference: str = ""  # what the confirmation page showed: acknowledged
    gave_up: str = ""  # why the resident stopped before a confirmation


@dataclass
class Log:
    """Everything the residents saw, shared by the threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    journeys: list[Journey] = field(default_factory=list)
    responses: list[tuple[float, int, str, bool]] = field(default_factory=list)
    sent: list[float] = field(default_factory=list)  # when each response's request was sent

    def record(self, response: Response) -> None:
        unavailable_page = response.status == 503 and UNAVAILABLE_TEXT in response.body
        with self.lock:
            self.responses.append(
                (response.at, response.status, response.upstream, unavailable_page)
            )
            self.sent.append(response.sent_at)

    def statuses(self, since: float = 0.0, until: float = float("inf")) -> Counter[int]:
        with self.lock:
            return Counter(s for at, s, _, _ in self.responses if since <= at < until)

    def upstreams(self, since: float = 0.0, until: float = float("inf")) -> Counter[str]:
        """Which app process served each successful response (nginx's last try when it had to
        try more than one)."""
        with self.lock:
            return Counter(
                (u.split(", ")[-1] if u else "-")
                for at, s, u, _ in self.responses
                if since <= at < until and 0 < s < 500
            )

    def first_served_by(self, upstream: str, since: float) -> float | None:
        """When `upstream` served a page (status below 500) to a request sent after `since`: a
        response already on its way when a process was killed does not count as it being back."""
        with self.lock:
            times = [
                at
                for (at, s, u, _), sent in zip(self.responses, self.sent, strict=True)
                if sent >= since and 0 < s < 500 and u.split(", ")[-1] == upstream
            ]
        return min(times) if times else None

    def moved_from(self, upstream: str, since: float) -> int:
        """Requests nginx first tried on `upstream` and then answered from another process."""
        with self.lock:
            return sum(
                1
                for at, s, u, _ in self.responses
                if at >= since and u.startswith(upstream + ", ") and 0 < s < 500
            )

    def unavailable_pages(self) -> int:
        with self.lock:
            return sum(1 for *_, page in self.responses if page)


class GaveUp(Exception):
    pass


class Resident(threading.Thread):
    def __init__(
        self, *, host: str, port: int, log: Log, stop: threading.Event, patience: float
    ) -> None:
        super().__init__(daemon=True)
        self.host, self.port, self.log, self.stop, self.patience = host, port, log, stop, patience
        self.connection: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    # -- HTTP -------------------------------------------------------------------------------
    def _once(self, method: str, path: str, form: dict[str, str] | None) -> Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        sent_at = time.time()
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            self.connection.request(method, path, body=body, headers=headers)
            raw = self.connection.getresponse()
            text = raw.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            return Response(0, "", "", "", time.time(), sent_at)
        for header in raw.headers.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return Response(
            raw.status,
            raw.getheader("Location") or "",
            text,
            raw.getheader("X-Townhall-Upstream") or "",
            time.time(),
            sent_at,
        )

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, on_attempt: object = None
    ) -> Response:
        """The response, retried like a resident pressing refresh while the service fails."""
        deadline = time.monotonic() + self.patience
        while True:
            if callable(on_attempt):
                on_attempt()
            response = self._once(method, path, form)
            self.log.record(response)
            if response.status not in (0, 502, 503, 504):
                return response
            if time.monotonic() > deadline:
                raise GaveUp(
                    f"{method} {path}: still {response.status or 'no answer'} "
                    f"after {self.patience:.0f} s"
                )
            time.sleep(0.5)

    def token_from(self, path: str) -> str:
        response = self.request("GET", path)
        match = _CSRF.search(response.body)
        if response.status != 200 or match is None:
            raise GaveUp(f"GET {path} answered {response.status} without a form")
        return match.group(1)

    # -- A journey ------------------------------------------------------------------------
    def journey(self, journey: Journey) -> None:
        self.cookies = {}
        start = SERVICE_PATH
        response = self.request("POST", start, {"csrfmiddlewaretoken": self.token_from(start)})
        if response.status != 302:
            raise GaveUp(f"POST {start} answered {response.status}")
        for page, answer in PAGES:
            path = f"{SERVICE_PATH}{page}/"
            form = (
                dict(answer)
                if answer
                else ({"email": email_for(journey.token)} if page == "email" else {})
            )
            form["csrfmiddlewaretoken"] = self.token_from(path)
            response = self.request("POST", path, form)
            if response.status != 302 or urlsplit(response.location).path == path:
                raise GaveUp(f"POST {path} answered {response.status}, not the next page")
        path = f"{SERVICE_PATH}{CHECK_ANSWERS}/"
        form = {"csrfmiddlewaretoken": self.token_from(path)}

        def pressed() -> None:
            journey.sent = True
            journey.send_attempts += 1

        response = self.request("POST", path, form, on_attempt=pressed)
        if response.status != 302:
            raise GaveUp(f"POST {path} answered {response.status}")
        confirmation = self.request("GET", urlsplit(response.location).path)
        match = REFERENCE.search(confirmation.body) if confirmation.status == 200 else None
        if match is None:
            raise GaveUp(f"the confirmation page answered {confirmation.status} with no reference")
        journey.reference = match.group(0)

    def run(self) -> None:
        while not self.stop.is_set():
            journey = Journey(token=uuid.uuid4().hex[:12], started_at=time.time())
            with self.log.lock:
                self.log.journeys.append(journey)
            try:
                self.journey(journey)
            except GaveUp as error:
                journey.gave_up = str(error)
        if self.connection is not None:
            self.connection.close()


def residents_run(
    *, host: str, port: int, count: int, log: Log, stop: threading.Event, patience: float = 60.0
) -> list[Resident]:
    residents = [
        Resident(host=host, port=port, log=log, stop=stop, patience=patience) for _ in range(count)
    ]
    for resident in residents:
        resident.start()
    return residents
