"""Personal data at rest: Fernet (AES-128-CBC + HMAC-SHA256) through `cryptography`'s MultiFernet.

Keys come from `settings.ENCRYPTION_KEYS` (the `TOWNHALL_ENCRYPTION_KEYS` environment variable),
newest first: the first key encrypts, every key decrypts, so a key rotates by putting a new one in
front, re-encrypting with `token_rotate`, then dropping the old one. A database dump alone — without
the environment — reveals none of what these fields hold.

The fields store the Fernet token as text. They cannot be searched or indexed by content; that is
the point. Store anything that must be filtered on (a status, a date) in an ordinary column.

Bearer secrets handed out once (invitation and save-and-return tokens, API keys, journey keys) are
stored only as `secret_hash`, so that a database dump opens nothing.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class DecryptionFailed(Exception):
    """A stored value that none of the configured keys decrypts: a key was dropped too soon, or
    the value was written by another installation."""


def secret_hash(secret: str) -> str:
    """The stored form of a random bearer secret: its SHA-256. Townhall's secrets are 256 random
    bits, so no salt or slow hash is needed; the lookup is by this exact value."""
    return hashlib.sha256(secret.encode()).hexdigest()


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "TOWNHALL_ENCRYPTION_KEYS is empty: set at least one Fernet key."
        )
    try:
        return MultiFernet([Fernet(key.encode("ascii")) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "TOWNHALL_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes), "
            f"comma-separated: {error}"
        ) from error


def _fernet() -> MultiFernet:
    # Keyed by the tuple so tests that override settings.ENCRYPTION_KEYS get their own instance.
    return _fernet_for(tuple(settings.ENCRYPTION_KEYS))


def encrypt_bytes(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(token)
    except InvalidToken as error:
        raise DecryptionFailed(
            "A stored value could not be decrypted with any key in TOWNHALL_ENCRYPTION_KEYS."
        ) from error


def encrypt_text(text: str) -> str:
    return encrypt_bytes(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    return decrypt_bytes(token.encode("ascii")).decode("utf-8")


def token_rotate(token: str) -> str:
    """The same value encrypted under the newest key (for `townhall encryption rotate`)."""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise DecryptionFailed(
            "A stored value could not be decrypted with any key in TOWNHALL_ENCRYPTION_KEYS."
        ) from error


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A string stored encrypted. None stays NULL; every other value, "" included, is encrypted,
    so the column does not even show which rows are empty."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt_text(str(value))

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return decrypt_text(value)


if TYPE_CHECKING:
    # To the type checker the field holds any JSON value, not a str (a TextField's default);
    # Django fields cannot be subscripted at runtime.
    _JSONInText = models.TextField[Any, Any]
else:
    _JSONInText = models.TextField


class EncryptedJSONField(_JSONInText):
    """A JSON value stored encrypted (as the Fernet token of its compact JSON text)."""

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return encrypt_text(text)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return json.loads(decrypt_text(value))

    def to_python(self, value: Any) -> Any:
        # Values in Python are already decoded; forms and fixtures hand over JSON text.
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)
