"""What receives the stack's deliveries during `make faults`: a real HTTP server for webhooks,
and the Maildir the stack's real SMTP server (aiosmtpd) writes every email into."""

from __future__ import annotations

import mailbox
import re
import threading
import time
from collections import Counter
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class WebhookReceiver:
    """A subscriber's endpoint that takes `delay` seconds to answer each delivery, so that a
    worker killed at the right moment is killed in the middle of one. It answers 204 and counts
    each `webhook-id` it receives (a redelivery counts again)."""

    def __init__(self, *, delay: float) -> None:
        self.delay = delay
        self._lock = threading.Lock()
        self._received: Counter[str] = Counter()
        self.in_flight = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                with receiver._lock:
                    receiver.in_flight += 1
                try:
                    self.rfile.read(int(self.headers.get("Content-Length") or 0))
                    time.sleep(receiver.delay)
                    self.send_response(204)
                    self.end_headers()
                    with receiver._lock:
                        receiver._received[self.headers.get("webhook-id", "")] += 1
                finally:
                    with receiver._lock:
                        receiver.in_flight -= 1

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/townhall-hooks"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def received_ids(self) -> Counter[str]:
        with self._lock:
            return Counter(self._received)


class Mailbox:
    """The emails the stack's SMTP server has accepted so far."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _messages(self) -> list[Message]:
        return list(mailbox.Maildir(str(self.path), create=False))

    @staticmethod
    def _text(message: Message) -> str:
        parts = message.walk() if message.is_multipart() else [message]
        chunks = []
        for part in parts:
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                chunks.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
        return "\n".join(chunks)

    def references_count(self, references: list[str]) -> Counter[str]:
        """How many messages name each reference."""
        wanted = set(references)
        counts: Counter[str] = Counter()
        pattern = re.compile(r"\b[A-Z]{2,4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")
        for message in self._messages():
            for reference in set(pattern.findall(self._text(message))) & wanted:
                counts[reference] += 1
        return counts

    def recipients_count(self, addresses: set[str]) -> Counter[str]:
        """How many messages went to each of `addresses` (0 for none)."""
        counts: Counter[str] = Counter({address: 0 for address in addresses})
        for message in self._messages():
            to = str(message.get("To", ""))
            for address in addresses:
                if address in to:
                    counts[address] += 1
        return counts
