"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives, for the email tests."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.messages = []
        self.greetings = 0  # EHLOs: one per connection that sends

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.greetings += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        msg = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """Context manager: ``with SmtpServer() as server: server.port, server.inbox.messages``;
    ``data_size_limit`` (bytes) makes it refuse larger messages with 552, as real servers do."""

    def __init__(self, data_size_limit: int | None = None):
        self.inbox, self.port = Inbox(), free_port()
        limit = {} if data_size_limit is None else {"data_size_limit": data_size_limit}
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **limit)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
