"""`latchkey.access_key.parse` against every case of access_keys.json, and
the secret never showing."""

from __future__ import annotations

from typing import Any

import pytest

import latchkey
from latchkey import access_key

from _vectors import load

KEYS = load("access_keys.json")


@pytest.mark.parametrize("case", KEYS["valid"], ids=lambda case: case["name"])
def test_valid_key(case: dict[str, Any]) -> None:
    parsed = access_key.parse(case["key"])
    got = {name: getattr(parsed, name) for name in case["parsed"]}
    assert got == case["parsed"]
    assert case["parsed"]["secret"] not in repr(parsed)
    assert parsed.key_id in repr(parsed)


@pytest.mark.parametrize("case", KEYS["invalid"], ids=lambda case: case["name"])
def test_invalid_key(case: dict[str, Any]) -> None:
    with pytest.raises(latchkey.InvalidAccessKeyError) as caught:
        access_key.parse(case["key"])
    assert caught.value.category == case["category"]
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, latchkey.LatchkeyError)
    if len(case["key"]) > 8:
        assert case["key"] not in str(caught.value)


def test_the_error_never_shows_a_mistyped_secret() -> None:
    key = KEYS["valid"][0]["key"]
    mistyped = key[:-1] + ("A" if key[-1] != "A" else "B")
    with pytest.raises(latchkey.InvalidAccessKeyError) as caught:
        access_key.parse(mistyped)
    assert caught.value.category == "bad_checksum"
    secret = KEYS["valid"][0]["parsed"]["secret"]
    assert secret not in str(caught.value) and secret not in repr(caught.value)


def test_a_non_string_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        access_key.parse(b"ak_")  # type: ignore[arg-type]


def test_the_module_is_reachable_from_the_package() -> None:
    assert latchkey.access_key.parse is access_key.parse
    assert access_key.InvalidAccessKeyError is latchkey.InvalidAccessKeyError
