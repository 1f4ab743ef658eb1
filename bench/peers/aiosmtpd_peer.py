#!/usr/bin/python3
"""aiosmtpd peer for bench/run.sh: the stock Maildir handler (aiosmtpd.handlers.Mailbox, Python's
mailbox.Maildir: one file per message, written to tmp/ and renamed, not fsynced), idle timeout 1 h.

usage: aiosmtpd_peer.py PORT MAILDIR
"""
import asyncio
import logging
import sys

from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP


def main():
    port, maildir = int(sys.argv[1]), sys.argv[2]
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = Mailbox(maildir)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, hostname="aiosmtpd.localhost", timeout=3600, data_size_limit=0),
        host="127.0.0.1", port=port, backlog=1024))
    print("aiosmtpd: ready", flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
