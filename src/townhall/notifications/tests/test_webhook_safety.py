"""Issue 6, point 5: webhooks are safe to point anywhere an admin types. Server-side request
forgery is refused (http, private, loopback and link-local addresses, names that resolve to them)
unless `TOWNHALL_WEBHOOKS_ALLOW_PRIVATE`; HTTPS connects to the address that was checked and
verifies the certificate for the host name; lost tries are recovered or given up on; finished
deliveries are deleted after `RETENTION_DAYS`."""

from __future__ import annotations

import socket
import ssl
from datetime import timedelta

import pytest
from django.utils import timezone

from townhall.notifications import webhook_sending
from townhall.notifications.constants import RETENTION_DAYS, WebhookState
from townhall.notifications.models import WebhookAttempt, WebhookDelivery
from townhall.notifications.tests.webhook_receiver import CREATED, fanout, serving, subscribe
from townhall.notifications.webhook_sending import (
    UnsafeURL,
    claim_lease,
    resolve_webhook_host,
    validate_webhook_url,
    webhook_delivery_claim,
    webhook_send_due,
)
from townhall.notifications.webhooks import InvalidWebhook, webhook_delivery_housekeep

pytestmark = pytest.mark.django_db


# --- Server-side request forgery ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.org/",
        "https://127.0.0.1/",
        "https://10.1.2.3/hook",
        "https://192.168.0.1/",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/",
        "https://localhost/",
        "https://user:pass@hooks.example.org/",
        "ftp://hooks.example.org/",
    ],
)
def test_unsafe_urls_are_refused_when_private_addresses_are_not_allowed(settings, url):
    settings.TOWNHALL_WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(UnsafeURL):
        validate_webhook_url(url)


def test_a_name_that_resolves_to_a_private_address_is_refused(settings, monkeypatch):
    settings.TOWNHALL_WEBHOOKS_ALLOW_PRIVATE = False
    validate_webhook_url("https://hooks.example.org/")  # the name alone is fine

    def private_answer(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]

    monkeypatch.setattr(socket, "getaddrinfo", private_answer)
    with pytest.raises(UnsafeURL):
        resolve_webhook_host("https://hooks.example.org/")


def test_a_private_address_is_neither_subscribed_nor_called_when_not_allowed(
    settings, organisation, receiver
):
    subscription, _ = subscribe(organisation, receiver)  # allowed outside production
    settings.TOWNHALL_WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(InvalidWebhook):
        subscribe(organisation, receiver)
    fanout(organisation)
    webhook_send_due()
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert receiver.requests == []
    assert delivery.last_error.startswith("Refused")
    assert delivery.log.get().status_code is None


# --- HTTPS: the connection goes to the checked address and verifies the certificate -------------


def _certificate(tmp_path, name: str) -> tuple[str, str]:
    """A self-signed certificate for `name` (it is its own CA): (cert path, key path)."""
    from cryptography import x509  # a dependency of the encryption at rest
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = timezone.now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


def test_https_goes_to_the_checked_address_and_verifies_the_host_name(
    organisation, receiver, tmp_path, monkeypatch
):
    cert, key = _certificate(tmp_path, "hooks.test")
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    real_getaddrinfo = socket.getaddrinfo

    def fake_dns(host, *args, **kwargs):
        # Both names point at the loopback server; only one is on its certificate.
        if host in {"hooks.test", "wrong.test"}:
            host = "127.0.0.1"
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_dns)
    monkeypatch.setattr(
        webhook_sending, "tls_context", lambda: ssl.create_default_context(cafile=cert)
    )
    with serving(receiver, tls=tls) as port:
        for name in ("hooks.test", "wrong.test"):
            subscribe(organisation, receiver, url=f"https://{name}:{port}/in", events=[CREATED])
        fanout(organisation)
        webhook_send_due()
    states = dict(WebhookDelivery.objects.values_list("subscription__url", "state"))
    assert states[f"https://hooks.test:{port}/in"] == WebhookState.DELIVERED
    assert states[f"https://wrong.test:{port}/in"] == WebhookState.PENDING
    wrong = WebhookDelivery.objects.get(subscription__url=f"https://wrong.test:{port}/in")
    assert "CERTIFICATE_VERIFY_FAILED" in wrong.last_error
    [request] = receiver.requests
    assert request.headers["host"] == f"hooks.test:{port}"
    assert request.verified_with


# --- Lost tries and housekeeping -----------------------------------------------------------------


def test_a_delivery_whose_tries_keep_dying_is_given_up_after_the_window(organisation, receiver):
    subscription, _ = subscribe(organisation, receiver)
    fanout(organisation)
    start = timezone.now()
    # A try that never finished, a day and more ago: the lease has passed, the window too.
    WebhookDelivery.objects.filter(subscription=subscription).update(
        attempts=5, first_attempt_at=start - timedelta(hours=25), next_attempt_at=start
    )
    assert webhook_send_due(now=start) == 0
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.state == WebhookState.FAILED
    assert receiver.requests == []


def test_a_lost_task_is_recovered_by_the_sweep_once_the_lease_passes(organisation, receiver):
    subscription, _ = subscribe(organisation, receiver)
    fanout(organisation)
    start = timezone.now()
    # A worker claimed the delivery and died before sending.
    assert webhook_delivery_claim(delivery_id=_only(subscription).pk, now=start)
    assert webhook_send_due(now=start + timedelta(seconds=30)) == 0
    assert webhook_send_due(now=start + claim_lease()) == 1
    assert _only(subscription).attempts == 2


def test_old_finished_deliveries_are_deleted_with_their_log(organisation, receiver):
    subscription, _ = subscribe(organisation, receiver)
    fanout(organisation)
    fanout(organisation)
    webhook_send_due()
    old, recent = WebhookDelivery.objects.filter(subscription=subscription)
    WebhookDelivery.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - timedelta(days=RETENTION_DAYS + 1)
    )
    assert webhook_delivery_housekeep() == 1
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [recent.pk]
    assert WebhookAttempt.objects.filter(delivery_id=old.pk).count() == 0


def _only(subscription):
    return WebhookDelivery.objects.get(subscription=subscription)
