#!/usr/bin/env python3
"""A real SMTP server for the notifier's tests (aiosmtpd, PyPI).

    smtp-sink.py FOLDER [--reject-first N] [--tls starttls|implicit --cert PEM --key PEM]
                        [--auth USER:PASSWORD]

Listens on 127.0.0.1 at a free port and prints "READY <port>" once it accepts connections.
Each message received is written to FOLDER as NNN.json: the envelope (from, to), the subject
and the body as a reader sees them (RFC 2047 words and base64 decoded by Python's email
package) and the raw message. With --reject-first N the first N messages are answered
"451 try again later" (a temporary failure: the client must retry). With --tls the server
offers STARTTLS and refuses mail before it (starttls) or speaks TLS from the first byte
(implicit, SMTPS) with the given certificate; with --auth it offers AUTH PLAIN and LOGIN only
over TLS and refuses mail from a client that did not authenticate with USER and PASSWORD. Each
record says whether the message came over TLS and as whom. Runs until killed.
"""
import asyncio
import json
import os
import signal
import socket
import ssl
import sys
import time
import warnings
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Sink:
    def __init__(self, folder, reject_first):
        self.folder = folder
        self.reject_left = reject_first
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        if self.reject_left > 0:
            self.reject_left -= 1
            return "451 4.3.0 try again later"
        self.count += 1
        raw = envelope.original_content or envelope.content
        message = message_from_bytes(raw, policy=policy.default)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(message["subject"]),
            "to": str(message["to"]),
            "content_type": message.get_content_type(),
            "charset": message.get_content_charset(),
            "transfer_encoding": str(message["content-transfer-encoding"]),
            "body": message.get_content().replace("\r\n", "\n"),
            "raw": raw.decode("ascii", errors="replace"),
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "login": session.auth_data.decode() if session.authenticated else None,
        }
        path = os.path.join(self.folder, "%03d.json" % self.count)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 OK"


class Credentials:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == self.user and auth_data.password == self.password
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)


def option(name):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    warnings.simplefilter("ignore")
    # A parent that blocks signals (a test runner's threads) passes its mask on: unblock them so
    # the test can stop this server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    folder = sys.argv[1]
    reject_first = int(sys.argv[sys.argv.index("--reject-first") + 1]) if "--reject-first" in sys.argv else 0
    os.makedirs(folder, exist_ok=True)
    port = free_port()
    kwargs = {}
    tls = option("--tls")
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(option("--cert"), option("--key"))
        if tls == "implicit":
            kwargs["ssl_context"] = context
        else:
            kwargs["tls_context"] = context
            kwargs["require_starttls"] = True
    auth = option("--auth")
    if auth:
        user, password = auth.split(":", 1)
        kwargs["authenticator"] = Credentials(user, password)
        kwargs["auth_required"] = True
        # aiosmtpd counts only STARTTLS as TLS; an implicit-TLS connection is TLS from the start.
        kwargs["auth_require_tls"] = tls != "implicit"
    controller = Controller(Sink(folder, reject_first), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    print("READY %d" % port, flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
