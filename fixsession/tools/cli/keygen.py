"""The ``keygen`` and ``demo`` commands.

Owns writing a fresh Ed25519 key pair for ``serve``/``fuzz`` (the key is never printed)
and running the narrated demo.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixsession.tools.cli.common import (
    UsageError,
)

if TYPE_CHECKING:
    pass


def _keygen(args: argparse.Namespace, out: TextIO) -> int:
    """A fresh Ed25519 key: DIR/private.pem (readable by you only) and DIR/keys.json."""
    from cryptography.hazmat.primitives import serialization

    if not args.api_key or not args.api_key.isprintable() or args.api_key != args.api_key.strip():
        raise UsageError(f"--api-key must be a non-empty printable name, not {args.api_key!r}")
    folder = Path(args.folder)
    private_path, keys_path = folder / "private.pem", folder / "keys.json"
    if private_path.exists() and not args.force:
        raise UsageError(f"{private_path} exists; --force replaces it")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )  # fmt: skip
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        private_path.unlink(missing_ok=True)
        descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        keys_path.write_text(json.dumps({args.api_key: public.decode()}, indent=2) + "\n")
    except OSError as error:
        raise UsageError(f"cannot write in {folder}: {error.strerror or error}") from None
    print(f"wrote {private_path} (the private key: keep it to yourself)", file=out)
    print(f"wrote {keys_path} (API key {args.api_key!r} -> its public key, for serve)", file=out)
    return 0


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    from fixsession.tools import demo

    return asyncio.run(demo.run(out))


def add_parser(commands: Any) -> None:
    """The ``keygen and demo`` command's arguments."""
    keygen = commands.add_parser(
        "keygen",
        help="make an Ed25519 API key for serve, fuzz and replay --live",
        description=(
            "Write a fresh Ed25519 key pair: DIR/private.pem (PKCS#8, mode 0600, for the "
            "client's --private-key) and DIR/keys.json (the API key mapped to its public key, "
            "for serve --keys). The key itself is never printed."
        ),
    )
    keygen.add_argument("folder", metavar="DIR", help="where to write the two files")
    keygen.add_argument("--api-key", default="test-api-key", help="the API key's name")
    keygen.add_argument("--force", action="store_true", help="replace an existing key")
    keygen.set_defaults(run=_keygen)

    demo = commands.add_parser(
        "demo",
        help="narrate a short real session with the local acceptor (no network needed)",
        description=(
            "Start the acceptor on loopback with a fresh TLS certificate and Ed25519 key, "
            "connect a client, and narrate: logon, an order, a cancel of an unknown order, a "
            "request the session type does not allow, a garbled frame, a market-data "
            "subscription and a duplicate, a limit query, maintenance News and the failover, "
            "logout. Every reject is printed as its typed error, code and text."
        ),
    )
    demo.set_defaults(run=_demo)
