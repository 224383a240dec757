"""Password hashes (argon2id, from argon2-cffi) and the rules a new password must meet."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from journey.errors import AccountError

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "check_password",
    "hash_password",
    "verify_password",
    "needs_rehash",
]

#: NCSC guidance: length over composition rules; 12 characters keeps three random words in reach.
MIN_PASSWORD_LENGTH = 12
_MAX_PASSWORD_LENGTH = 1024  # hashing megabytes of input would be a denial of service


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    # argon2-cffi's defaults follow RFC 9106's second recommendation (64 MiB, 3 passes).
    return PasswordHasher()


def check_password(password: str, *, name: str | None = None) -> str:
    """Return ``password`` when it is acceptable for a new account.

    Raises
    ------
    AccountError
        Shorter than :data:`MIN_PASSWORD_LENGTH`, very long, or the user's own name.

    Examples
    --------
    >>> check_password("correct horse battery")
    'correct horse battery'
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    if len(password) > _MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at most {_MAX_PASSWORD_LENGTH} characters long")
    if name is not None and password.strip().lower() == name.strip().lower():
        raise AccountError("the password must not be the user name")
    return password


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (with its own random salt and the hasher's settings)."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (False for a malformed hash)."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker settings than the hasher's current ones."""
    return _hasher().check_needs_rehash(password_hash)
