"""Users and password hashes for `inspection-qa serve` on a non-local address (IQA_AUTH_FILE).

The file holds one user a line, ``name:scrypt:N:r:p:salt_hex:hash_hex`` (hashlib.scrypt, a random
16-byte salt per user, 32-byte key); blank lines and lines starting with ``#`` are ignored. It
never holds a password. Add or change a user with::

    python -m app.auth add NAME [--file PATH]    # PATH defaults to $IQA_AUTH_FILE

which asks for the password twice (or reads one line from standard input when it is not a terminal).
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import os
import secrets
import sys
from pathlib import Path
from typing import Callable

N, R, P = 2 ** 14, 8, 1
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")


class AuthError(ValueError):
    """The auth file or a user name is unusable; the message names the file, line or name."""


def hash_password(password: str, salt: bytes | None = None, n: int = N, r: int = R, p: int = P) -> str:
    """The stored form ``scrypt:N:r:p:salt_hex:hash_hex`` of ``password``."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=64 * 1024 * 1024)
    return f"scrypt:{n}:{r}:{p}:{salt.hex()}:{key.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches the stored hash (compared in constant time)."""
    try:
        scheme, n, r, p, salt, key = stored.split(":")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(bytes.fromhex(key)), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, bytes.fromhex(key))


def load_users(path: Path) -> dict[str, str]:
    """name -> stored hash from the auth file.

    Raises:
        AuthError: the file cannot be read, a line is malformed (named by number), or it has no users.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise AuthError(f"IQA_AUTH_FILE {path}: {err.strerror or err}") from None
    users: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, stored = line.partition(":")
        if not name or stored.count(":") != 5 or not stored.startswith("scrypt:"):
            raise AuthError(f"IQA_AUTH_FILE {path}, line {number}: expected name:scrypt:N:r:p:salt:hash")
        users[name] = stored
    if not users:
        raise AuthError(f"IQA_AUTH_FILE {path}: no users; add one with `python -m app.auth add NAME`")
    return users


def checker(path: Path) -> Callable[[str, str], bool]:
    """A function (user, password) -> bool for Gradio's ``launch(auth=...)``; the file is read now."""
    users = load_users(path)

    def check(user: str, password: str) -> bool:
        stored = users.get(user)
        if stored is None:
            verify_password(password, hash_password("x", b"0" * 16))  # same work for unknown names
            return False
        return verify_password(password, stored)

    return check


def add_user(path: Path, name: str, password: str) -> None:
    """Add ``name`` to the auth file, or replace its hash; the file is created with owner-only permissions."""
    if not name or set(name) - _NAME_CHARS:
        raise AuthError(f"user name {name!r}: use letters, digits and . _ - @ only")
    if not password:
        raise AuthError("empty password")
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    entry = f"{name}:{hash_password(password)}"
    kept = [ln for ln in lines if ln.partition(":")[0] != name]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(kept + [entry]) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.auth", description="Manage the users of IQA_AUTH_FILE.")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="add a user or change their password")
    add.add_argument("name")
    add.add_argument("--file", default=os.environ.get("IQA_AUTH_FILE"), help="auth file (default $IQA_AUTH_FILE)")
    args = parser.parse_args(argv)
    if not args.file:
        print("python -m app.auth: give --file or set IQA_AUTH_FILE", file=sys.stderr)
        return 2
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {args.name}: ")
        if getpass.getpass("Again: ") != password:
            print("python -m app.auth: the passwords differ", file=sys.stderr)
            return 2
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        add_user(Path(args.file), args.name, password)
    except AuthError as err:
        print(f"python -m app.auth: {err}", file=sys.stderr)
        return 2
    print(f"{args.name} added to {args.file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
