"""The report as a MIME email (inline CID charts, attachments) and sending it over SMTP."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

__all__ = ["SmtpConfig", "PlaintextAuthRefused", "build_message", "send_message", "alert_message", "refused_for_good"]


class PlaintextAuthRefused(smtplib.SMTPException):
    """A login was asked for over a connection without TLS: the password would travel in clear."""


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to send; ``password`` is never logged or put into a message."""

    host: str
    port: int = 25
    security: str = "none"  # none | starttls | ssl
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    # log in over a connection without TLS (security = "none") all the same: a relay on this machine
    allow_plaintext_auth: bool = False


def build_message(
    subject: str,
    sender: str,
    recipients: list[str],
    html: str,
    *,
    text: str | None = None,
    images: dict[str, bytes] | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> EmailMessage:
    """multipart/mixed( multipart/alternative( text/plain, multipart/related( text/html, inline
    PNGs by Content-ID ) ), files ), with ``Date`` and ``Message-ID``.

    ``html`` refers to each image as ``cid:<name>``; an image travels with ``Content-Disposition:
    inline`` and no file name, so clients show it in the page and do not list it beside the
    attachments. ``text`` is the plain part (clients that show no HTML, previews, screen
    readers); attachments are (file name, bytes, MIME type).
    """
    msg = _headers(subject, sender, recipients)
    msg.set_content(text or "This report is HTML: open it in a mail client that shows HTML, or the attached files.")
    msg.add_alternative(html, subtype="html")
    html_part = msg.get_payload()[1]  # type: ignore[index]  # the alternative just added
    for name, png in (images or {}).items():
        html_part.add_related(  # type: ignore[union-attr]
            png,
            maintype="image",
            subtype="png",
            cid=f"<{name}>",
            disposition="inline",
        )
    for filename, data, mime in attachments or []:
        maintype, subtype = mime.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def _headers(subject: str, sender: str, recipients: list[str]) -> EmailMessage:
    """A message with Subject, From, To, Date (now, local time) and a Message-ID in the
    sender's domain: mail without them is often filed as spam or sorted by arrival."""
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = subject, sender, ", ".join(recipients)
    msg["Date"] = formatdate(localtime=True)
    domain = sender.rpartition("@")[2] or "jitjic.local"
    msg["Message-ID"] = make_msgid(domain=domain.strip(">").strip() or "jitjic.local")
    return msg


def alert_message(
    sender: str, recipients: list[str], run_id: str | None, stage: str | None, error: str
) -> EmailMessage:
    """A short plain-text alert for operations when the nightly run fails."""
    msg = _headers(f"[jitjic] nightly run {run_id or '(not started)'} FAILED at {stage or 'start'}", sender, recipients)
    msg.set_content(
        f"The nightly jitjic run failed.\n\nrun id: {run_id}\nstage:  {stage}\nerror:  {error}\n\n"
        "Yesterday's published results are unchanged. Fix the cause and rerun with `jitjic run`."
    )
    return msg


def refused_for_good(exc: BaseException) -> bool:
    """True when the server refused with a permanent (5xx) reply — a bad password, a message too
    large, unknown recipients: sending again cannot help. Timeouts, refused connections and 4xx
    replies are worth a retry."""
    if isinstance(exc, PlaintextAuthRefused):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def send_message(msg: EmailMessage, config: SmtpConfig) -> None:
    """Deliver ``msg`` to every To address; raises OSError / smtplib.SMTPException on failure, and
    PlaintextAuthRefused, before connecting, for a login without TLS that is not allowed."""
    if config.user and config.security == "none" and not config.allow_plaintext_auth:
        raise PlaintextAuthRefused(
            f"not logging in to {config.host}:{config.port} as {config.user!r} without TLS: the password would "
            'cross the network in clear text; set email.security = "starttls" or "ssl" (or '
            "email.allow_plaintext_auth = true for a relay on this machine)"
        )
    server: smtplib.SMTP
    if config.security == "ssl":
        server = smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout, context=ssl.create_default_context()
        )
    else:
        server = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    with server:
        if config.security == "starttls":
            server.starttls(context=ssl.create_default_context())
        if config.user:
            server.login(config.user, config.password or "")
        server.send_message(msg)
