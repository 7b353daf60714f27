#!/usr/bin/env python3
"""A real SMTP server for the notifier's tests (aiosmtpd, PyPI).

    smtp-sink.py FOLDER [--reject-first N]

Listens on 127.0.0.1 at a free port and prints "READY <port>" once it accepts connections.
Each message received is written to FOLDER as NNN.json: the envelope (from, to), the subject
and the body as a reader sees them (RFC 2047 words and base64 decoded by Python's email
package) and the raw message. With --reject-first N the first N messages are answered
"451 try again later" (a temporary failure: the client must retry). Runs until killed.
"""
import asyncio
import json
import os
import signal
import socket
import sys
import time
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


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
        }
        path = os.path.join(self.folder, "%03d.json" % self.count)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 OK"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    # A parent that blocks signals (a test runner's threads) passes its mask on: unblock them so
    # the test can stop this server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    folder = sys.argv[1]
    reject_first = int(sys.argv[sys.argv.index("--reject-first") + 1]) if "--reject-first" in sys.argv else 0
    os.makedirs(folder, exist_ok=True)
    port = free_port()
    controller = Controller(Sink(folder, reject_first), hostname="127.0.0.1", port=port)
    controller.start()
    print("READY %d" % port, flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
