"""Building received emails for the inquiry tests: plain, automatic, broken."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid


def mail(
    sender: str = "Ms Anna Kask <anna.kask@example.ee>",
    subject: str = "Size of our delegation",
    body: str = "How many members may our delegation have?",
    message_id: str | None = None,
    **headers: str,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "ai.dialogue@example.org"
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="example.ee")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return bytes(message)


def bounce(original_id: str = "<lost@example.org>") -> bytes:
    return (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
        b"To: ai.dialogue@example.org\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\n"
        b"Message-ID: <bounce-" + original_id.strip("<>").encode() + b">\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example.net\r\n\r\nFinal-Recipient: rfc822; x@example.net\r\n"
        b"Action: failed\r\nStatus: 5.1.1\r\n--B--\r\n"
    )


def unknown_charset() -> bytes:
    return (
        b"From: =?x-unknown-9?B?SXZhbg==?= <ivan@example.ru>\r\n"
        b"To: ai.dialogue@example.org\r\n"
        b"Subject: =?x-unknown-9?Q?Vopros?=\r\n"
        b"Message-ID: <charset-1@example.ru>\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=x-unknown-9\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n"
        b"Question about the programme \xe9\xe8\r\n"
    )
