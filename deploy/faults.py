"""`make faults`: break the stack the way production breaks, under load, and count what survives.

It starts the stack (deploy/stack.py) afresh, then runs residents (deploy/residents.py) through
nginx while it does three things to the stack, one after the other:

1. kill -9 one app process (granian and its worker): nginx must send traffic to the others, and
   every submission a resident was shown a reference for must be stored exactly once;
2. kill -9 the background worker while it is delivering emails and webhooks (to a webhook
   receiver here that answers slowly, so the kill lands mid-delivery): after supervisord starts it
   again, every email and webhook must arrive at least once;
3. stop PostgreSQL (a fast shutdown) for a while and start it again: residents must see the
   "temporarily unavailable" page (503) meanwhile, no submission may be half-stored, and the app
   processes must recover without being restarted.

For each it prints what was sent, what was acknowledged and what was stored, and it exits 1 when
anything was lost, duplicated, undelivered or left half-stored.

    .venv/bin/python deploy/faults.py [--residents 8] [--keep-stack]
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from deploy import stack  # noqa: E402
from deploy.receivers import Mailbox, WebhookReceiver  # noqa: E402
from deploy.residents import (  # noqa: E402 - the residents' service scopes every query
    ORGANISATION,
    SERVICE,
    Journey,
    Log,
    email_for,
    residents_run,
)

# The shortest leases Townhall accepts, so a delivery claimed by a killed worker is retried
# within the run, and a
# housekeeping sweep every few seconds (production: 10 and 2 minutes, every 15 minutes).
FAULT_ENV = {
    "TOWNHALL_OUTBOX_LEASE_SECONDS": "60",
    "TOWNHALL_WEBHOOK_LEASE_SECONDS": "30",
}
HOUSEKEEPING_SECONDS = 3


@dataclass
class Outcome:
    name: str
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.lines.append(line)
        print(f"  {line}", flush=True)

    def require(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)
            print(f"  PROBLEM: {problem}", flush=True)


# --- Reading what was stored ------------------------------------------------------------------


def django_setup() -> None:
    os.environ.update(stack.stack_env(settings_module="townhall.config.settings"))
    import django

    django.setup()


def stored_by_token(tokens: set[str]) -> dict[str, list[str]]:
    """The references stored for each journey's token (from the encrypted answers' email)."""
    from django.db import close_old_connections

    from townhall.submissions.models import Submission

    close_old_connections()
    found: dict[str, list[str]] = {}
    rows = Submission.objects.filter(organisation__slug=ORGANISATION, service__slug=SERVICE).only(
        "reference", "answers"
    )
    for submission in rows.iterator(chunk_size=500):
        email = str((submission.answers or {}).get("email", ""))
        token = email.removeprefix("resident+").removesuffix("@example.com")
        if token in tokens:
            found.setdefault(token, []).append(submission.reference)
    return found


def half_stored(references: list[str]) -> list[str]:
    """Stored submissions missing what the same transaction writes with them: the history
    event, and the emails to the resident and to the team (matched by the reference in their
    encrypted values)."""
    from django.db import close_old_connections

    from townhall.notifications.models import OutboxEmail
    from townhall.submissions.models import Submission, SubmissionEvent

    close_old_connections()
    submissions = list(
        Submission.objects.filter(organisation__slug=ORGANISATION, reference__in=references)
    )
    if not submissions:
        return []
    earliest = min(s.submitted_at for s in submissions)
    templates_by_reference: dict[str, set[str]] = {}
    emails = OutboxEmail.objects.filter(organisation__slug=ORGANISATION, created_at__gte=earliest)
    for email in emails.iterator(chunk_size=500):
        reference = str((email.context or {}).get("reference", ""))
        templates_by_reference.setdefault(reference, set()).add(email.template)
    missing = []
    for submission in submissions:
        has_event = SubmissionEvent.objects.filter(submission_id=submission.pk).exists()
        templates = templates_by_reference.get(submission.reference, set())
        if not has_event or templates != {"submission_received", "submission_new_for_team"}:
            missing.append(submission.reference)
    return missing


def account(outcome: Outcome, journeys: list[Journey]) -> list[str]:
    """Sent, acknowledged and stored, checked journey by journey; the stored references."""
    tokens = {j.token for j in journeys}
    stored = stored_by_token(tokens)
    sent = [j for j in journeys if j.sent]
    acknowledged = [j for j in journeys if j.reference]
    lost = [j for j in acknowledged if j.reference not in stored.get(j.token, [])]
    duplicated = {t: refs for t, refs in stored.items() if len(refs) > 1}
    unacknowledged = [j for j in journeys if j.token in stored and not j.reference]
    retried = [j for j in acknowledged if j.send_attempts > 1]
    outcome.say(
        f"journeys started {len(journeys)}, sent {len(sent)}, acknowledged {len(acknowledged)}, "
        f"stored {sum(len(r) for r in stored.values())}"
    )
    outcome.say(
        f"lost {len(lost)}, duplicated {len(duplicated)}, stored but not acknowledged "
        f"{len(unacknowledged)}, acknowledged after pressing Send again {len(retried)}"
    )
    gave_up = [j for j in journeys if j.gave_up]
    if gave_up:
        outcome.say(f"residents who gave up: {len(gave_up)} (first: {gave_up[0].gave_up})")
    outcome.require(bool(acknowledged), "no submission was acknowledged")
    outcome.require(not lost, f"{len(lost)} acknowledged submissions were not stored")
    outcome.require(not duplicated, f"{len(duplicated)} journeys were stored more than once")
    outcome.require(not gave_up, f"{len(gave_up)} residents gave up")
    return [ref for refs in stored.values() for ref in refs]


# --- Running load around a fault --------------------------------------------------------------


def under_load(
    *, residents: int, before: float, after: float, fault: Callable[[], None]
) -> tuple[Log, float, float]:
    """Residents for `before` seconds, then `fault()`, then `after` seconds more; waits for every
    journey in progress to finish. Returns the log and when the fault started and ended."""
    log = Log()
    stop = threading.Event()
    threads = residents_run(
        host=stack.HOST, port=stack.NGINX_PORT, count=residents, log=log, stop=stop
    )
    time.sleep(before)
    fault_at = time.time()
    fault()
    fault_done = time.time()
    time.sleep(after)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    return log, fault_at, fault_done


def app_answers(port: int) -> bool:
    """Whether the app process on `port` serves its health page itself."""
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://{stack.HOST}:{port}/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def wait_for(what: str, check: Callable[[], bool], timeout: float) -> float:
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.2)
    return time.monotonic() - started


# --- The three faults -------------------------------------------------------------------------


def fault_app_kill(residents: int) -> Outcome:
    outcome = Outcome("kill -9 one app process")
    print(f"\n== {outcome.name}", flush=True)
    killed: dict[str, Any] = {}

    def kill() -> None:
        killed["pids"] = stack.program_signal("app-2", signal.SIGKILL)
        # The moment of the kill itself (finding the pids first takes a while).
        killed["at"] = time.time()
        # Keep the load on until supervisord's new app-2 answers by itself, then a while more,
        # so the log shows traffic leaving it and coming back.
        wait_for(
            "a new app-2 answering",
            lambda: (
                stack.program_pids("app-2")[:1] not in ([], killed["pids"][:1])
                and app_answers(stack.APP_PORT_BASE + 1)
            ),
            90,
        )

    log, _, _ = under_load(residents=residents, before=12, after=6, fault=kill)
    fault_at = killed["at"]
    victim = f"{stack.HOST}:{stack.APP_PORT_BASE + 1}"
    # Back: the first page the new app-2 (started by supervisord) served.
    back_at = log.first_served_by(victim, since=fault_at)
    outcome.say(f"killed app-2 (pids {killed['pids']}) with SIGKILL")
    before = log.upstreams(since=fault_at - 5, until=fault_at)
    outcome.say(f"pages served in the 5 s before, per process: {dict(sorted(before.items()))}")
    outcome.require(back_at is not None, "app-2 never served again after its restart")
    if back_at is not None:
        gap = log.upstreams(since=fault_at, until=back_at)
        outcome.say(
            f"until a new app-2 served its first page {back_at - fault_at:.1f} s later: "
            f"{dict(sorted(gap.items()))}"
        )
        outcome.require(sum(gap.values()) > 0, "no page was served while app-2 was down")
        after = log.upstreams(since=back_at)
        outcome.say(f"after it was back: {dict(sorted(after.items()))}")
    outcome.say(
        f"requests nginx moved from app-2 to another process: {log.moved_from(victim, fault_at)}"
    )
    statuses = log.statuses(since=fault_at)
    outcome.say(f"statuses residents saw from the kill on: {dict(sorted(statuses.items()))}")
    account(outcome, log.journeys)
    return outcome


def fault_worker_kill(residents: int, receiver: WebhookReceiver, mailbox: Mailbox) -> Outcome:
    outcome = Outcome("kill -9 the worker while it delivers emails and webhooks")
    print(f"\n== {outcome.name}", flush=True)
    from django.db import close_old_connections

    from townhall.notifications.models import OutboxEmail, WebhookDelivery

    # The residents' organisation's emails and webhook deliveries created from `since` on.
    def emails(since: datetime) -> Any:
        close_old_connections()
        return OutboxEmail.objects.filter(organisation__slug=ORGANISATION, created_at__gte=since)

    def deliveries(since: datetime) -> Any:
        return WebhookDelivery.objects.filter(
            organisation__slug=ORGANISATION, created_at__gte=since
        )

    def pending(since: datetime) -> int:
        return int(
            emails(since).exclude(state="sent").count()
            + deliveries(since).exclude(state="delivered").count()
        )

    # Start from a worker with nothing to do: the journeys of the fault before queued emails and
    # webhooks too, and the one worker delivers webhooks one at a time (the receiver takes 0.3 s
    # each), so what is measured here would otherwise wait behind that backlog.
    ever = datetime.fromtimestamp(0, tz=UTC)
    before = pending(ever)
    try:
        drained = wait_for(
            "the earlier emails and webhooks delivered", lambda: not pending(ever), 600
        )
    except TimeoutError as error:
        outcome.require(False, str(error))
        return outcome
    outcome.say(f"first waited {drained:.0f} s for the {before} emails and webhooks already queued")

    started = time.time()
    killed: dict[str, Any] = {}
    since = datetime.fromtimestamp(started, tz=UTC)

    def kill() -> None:
        # Wait until the worker is inside a webhook delivery (the receiver is holding a request).
        wait_for("the worker delivering a webhook", lambda: receiver.in_flight > 0, 60)
        killed["in_flight"] = receiver.in_flight
        killed["pids"] = stack.program_signal("worker", signal.SIGKILL)
        killed["pending"] = pending(since)

    log, _, _ = under_load(residents=residents, before=4, after=4, fault=kill)
    outcome.say(
        f"killed the worker (pids {killed['pids']}) with SIGKILL while it had "
        f"{killed['in_flight']} webhook delivery in flight and {killed['pending']} emails "
        "and webhooks were waiting; supervisord restarted it"
    )
    references = account(outcome, log.journeys)

    def all_sent() -> bool:
        return pending(since) == 0

    try:
        waited = wait_for("every email and webhook delivered", all_sent, 180)
        outcome.say(f"everything delivered {waited:.1f} s after the load ended")
    except TimeoutError as error:
        outcome.require(False, str(error))
    expected_events = {str(e) for e in deliveries(since).values_list("event_id", flat=True)}
    received = receiver.received_ids()
    missing_hooks = expected_events - set(received)
    duplicate_hooks = sum(1 for n in received.values() if n > 1)
    outcome.say(
        f"webhooks: {len(expected_events)} events to deliver, "
        f"{len(expected_events & set(received))} received, "
        f"{duplicate_hooks} received more than once (at least once is the promise)"
    )
    per_reference = mailbox.references_count(references)
    tokens = {j.token for j in log.journeys if j.reference}
    confirmations = mailbox.recipients_count({email_for(t) for t in tokens})
    outbox_rows = emails(since).count()
    # Each submission sends two emails, the resident's and the team's, both naming it.
    missing_mail = [r for r in references if per_reference.get(r, 0) < 2]
    outcome.say(
        f"emails: {outbox_rows} in the outbox, {sum(per_reference.values())} messages "
        f"received naming this run's references; residents' confirmations received "
        f"{sum(1 for n in confirmations.values() if n)} of {len(tokens)}"
    )
    outcome.require(not missing_hooks, f"{len(missing_hooks)} webhook events never arrived")
    outcome.require(not missing_mail, f"{len(missing_mail)} submissions lack one of their emails")
    outcome.require(all(confirmations.values()), "a resident's confirmation email never arrived")
    return outcome


def fault_postgres_restart(residents: int) -> Outcome:
    outcome = Outcome("stop and restart PostgreSQL")
    print(f"\n== {outcome.name}", flush=True)
    app_pids_before = {n: stack.program_pids(n)[:1] for n in ("app-1", "app-2", "app-3")}
    timing: dict[str, float] = {}

    def outage() -> None:
        stack.program_stop("postgres")
        timing["down"] = time.time()
        time.sleep(8)
        stack.program_start("postgres")
        wait_for("PostgreSQL accepting connections", lambda: stack._port_open(stack.PG_PORT), 60)
        timing["up"] = time.time()

    log, _, _ = under_load(residents=residents, before=5, after=10, fault=outage)
    app_pids_after = {n: stack.program_pids(n)[:1] for n in ("app-1", "app-2", "app-3")}
    during = log.statuses(since=timing["down"], until=timing["up"])
    after = log.statuses(since=timing["up"] + 1)
    outcome.say(f"PostgreSQL was down for {timing['up'] - timing['down']:.1f} s")
    outcome.say(
        f"statuses while it was down: {dict(sorted(during.items()))}; "
        f"'service unavailable' pages seen: {log.unavailable_pages()}"
    )
    outcome.say(f"statuses after it came back: {dict(sorted(after.items()))}")
    outcome.require(during.get(503, 0) > 0, "no 503 was served while PostgreSQL was down")
    outcome.require(log.unavailable_pages() > 0, "the 503 was not the 'unavailable' page")
    outcome.require(during.get(500, 0) == 0 and after.get(500, 0) == 0, "a 500 was served")
    recovered = [j for j in log.journeys if j.reference and j.started_at > timing["up"]]
    outcome.say(f"journeys started and finished after the restart: {len(recovered)}")
    outcome.require(bool(recovered), "no journey completed after PostgreSQL came back")
    outcome.require(app_pids_before == app_pids_after, "an app process was restarted")
    outcome.say(
        f"app processes kept their pids: {app_pids_before == app_pids_after} ({app_pids_after})"
    )
    references = account(outcome, log.journeys)
    incomplete = half_stored(references)
    outcome.say(f"half-stored submissions (no history event or no email row): {len(incomplete)}")
    outcome.require(not incomplete, f"half-stored: {incomplete[:5]}")
    return outcome


def prepare(receiver: WebhookReceiver) -> None:
    """Subscribe the receiver to the demo council's submissions, and give the pothole service a
    team address so every submission sends two emails (the demo leaves it empty)."""
    from townhall.notifications.webhooks import webhook_subscription_create
    from townhall.services.models import Service
    from townhall.tenancy.models import Organisation

    organisation = Organisation.objects.get(slug=ORGANISATION)
    # Set directly: this is the harness preparing its data, not a staff action to audit.
    Service.objects.filter(organisation=organisation, slug=SERVICE).update(
        team_email="potholes@demo.townhall.example"
    )
    webhook_subscription_create(
        organisation_id=organisation.pk,
        url=receiver.url,
        event_types=["submission.created"],
        service_id=None,
        actor=None,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=8)
    parser.add_argument("--keep-stack", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    print("faults: starting the stack afresh", flush=True)
    stack.stack_start(fresh=True, extra_env=FAULT_ENV, housekeeping_seconds=HOUSEKEEPING_SECONDS)
    django_setup()
    receiver = WebhookReceiver(delay=0.3)
    receiver.start()
    prepare(receiver)
    mailbox = Mailbox(stack.MAIL_DIR)
    outcomes: list[Outcome] = []
    try:
        outcomes.append(fault_app_kill(args.residents))
        outcomes.append(fault_worker_kill(args.residents, receiver, mailbox))
        outcomes.append(fault_postgres_restart(args.residents))
    finally:
        receiver.stop()
        if not args.keep_stack:
            stack.stack_stop()
    print(f"\n== summary ({time.monotonic() - started:.0f} s)")
    for outcome in outcomes:
        print(f"  {'ok  ' if not outcome.problems else 'FAIL'} {outcome.name}")
        for problem in outcome.problems:
            print(f"       {problem}")
    return 0 if outcomes and all(not o.problems for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
