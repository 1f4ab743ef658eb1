#!/usr/bin/python3
"""pyftpdlib peer for bench/run.sh: one user, fixed passive range, no connection cap, logging at WARNING.

usage: pyftpdlib_peer.py PORT ROOT USER PASSWORD PASV_LO PASV_HI
"""
import logging
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer


def main():
    port, root, user, password, lo, hi = sys.argv[1:7]
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("pyftpdlib").setLevel(logging.WARNING)
    auth = DummyAuthorizer()
    auth.add_user(user, password, root, perm="elradfmwMT")
    handler = FTPHandler
    handler.authorizer = auth
    handler.passive_ports = range(int(lo), int(hi) + 1)
    handler.masquerade_address = None
    handler.timeout = 3600
    handler.banner = "pyftpdlib ready"
    server = FTPServer(("127.0.0.1", int(port)), handler)
    server.max_cons = 0          # default 512 would refuse the capacity workload
    server.max_cons_per_ip = 0
    print("pyftpdlib: ready", flush=True)
    server.serve_forever(handle_exit=True)


if __name__ == "__main__":
    main()
