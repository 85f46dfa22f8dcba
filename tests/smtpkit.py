"""A real SMTP server in-process (aiosmtpd) on an ephemeral port: tests read what was sent."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Inbox:
    """Messages an SMTP server accepted, parsed."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        """Wait until `count` messages arrived; return them all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} message(s), got {len(self.messages)}")

    def to(self, address: str) -> list[EmailMessage]:
        """Messages addressed to `address`."""
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML bodies of a message."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return (text.get_content() if text else "", html.get_content() if html else "")


def link(message: EmailMessage, path_part: str) -> str:
    """The first URL in the plain-text body containing `path_part`."""
    text, _ = parts(message)
    found = re.findall(r"https?://\S+", text)
    return next(url for url in found if path_part in url)


class SMTPServer:
    """Start and stop an aiosmtpd server on a fixed port (so it can be down, then up)."""

    def __init__(self, port: int, inbox: Inbox) -> None:
        self.port = port
        self.inbox = inbox
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_port() -> int:
    """A free port for the test's SMTP server (import with `inbox` into a test module)."""
    return free_port()


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    """A real SMTP server on `smtp_port` for the test; yields what it received."""
    box = Inbox()
    server = SMTPServer(smtp_port, box)
    server.start()
    yield box
    server.stop()


def smtp_app_config(port: int, base_url: str) -> dict[str, object]:
    """App config sending mail over SMTP to the test server, with absolute links to base_url."""
    return {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "PUBLIC_BASE_URL": base_url,
    }
