"""Check that `make run` can serve on HOST PORT; if not, say which PORT= to use instead.

Usage: python3 tools/free_port.py HOST PORT   (exit 0 when free, 1 with a hint when not)
Standard library only: `make run` calls it before the virtualenv exists.
"""

from __future__ import annotations

import errno
import socket
import sys

DEFAULT_HOST = "127.0.0.1"
SEARCH = 100  # how many ports above PORT to try for a suggestion


def bind_error(host: str, port: int) -> OSError | None:
    """Try to bind HOST:PORT as the development server will (SO_REUSEADDR); return any error."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        return error
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            return error
    return None


def suggestion(host: str, port: int) -> str:
    """Return the `make run ...` command line for the first free port above PORT."""
    free = next((p for p in range(port + 1, port + SEARCH) if not bind_error(host, p)), None)
    host_part = "" if host == DEFAULT_HOST else f"HOST={host} "
    return f"make run {host_part}PORT={free if free is not None else '<another port>'}"


def main(argv: list[str]) -> int:
    """Print why HOST:PORT cannot be served and what to run instead; 0 when it can."""
    if len(argv) != 2 or not argv[1].isdigit():
        print("usage: free_port.py HOST PORT", file=sys.stderr)
        return 2
    host, port = argv[0], int(argv[1])
    error = bind_error(host, port)
    if error is None:
        return 0
    if error.errno == errno.EADDRINUSE:
        print(f"Port {port} is in use; run `{suggestion(host, port)}`", file=sys.stderr)
    else:
        print(f"Cannot serve on {host}:{port} ({error}); choose HOST= and PORT=", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
