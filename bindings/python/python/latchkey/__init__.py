"""Latchkey: application access management.

``latchkey.Client`` / ``latchkey.AsyncClient`` speak to a Latchkey server;
``latchkey.jwt`` is an offline JWT toolkit with PyJWT's names;
``latchkey.access_key.parse`` checks an access key offline.
"""

from __future__ import annotations

from ._errors import *  # noqa: F401,F403 — the exception classes are public API
from ._errors import __all__ as _error_names
from ._latchkey import __version__
from . import access_key, jwt

__all__ = ["__version__", "access_key", "jwt", *_error_names]
