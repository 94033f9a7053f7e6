"""Offline access-key checks: ``parse`` verifies an ``ak_…`` key's format
and checksum without any network call, so a mistyped key is caught before
it is sent.

>>> from latchkey import access_key
>>> key = access_key.parse("ak_…")          # doctest: +SKIP
>>> key.key_id, key.key_prefix               # doctest: +SKIP

A malformed key raises :class:`latchkey.InvalidAccessKeyError`, whose
``category`` says which rule failed (``empty``, ``whitespace``,
``bad_prefix``, ``bad_character``, ``bad_length``, ``bad_checksum``).
Neither the error nor the parsed key's ``repr`` shows the secret.
"""

from __future__ import annotations

from ._errors import InvalidAccessKeyError
from ._latchkey import ParsedAccessKey
from ._latchkey import access_key_parse as parse

__all__ = ["InvalidAccessKeyError", "ParsedAccessKey", "parse"]
