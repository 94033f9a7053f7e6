"""The package imports and exposes its version and exception tree."""

import latchkey


def test_version_is_the_crate_version() -> None:
    assert latchkey.__version__.count(".") == 2


def test_token_errors_keep_pyjwts_tree() -> None:
    assert issubclass(latchkey.InvalidSignatureError, latchkey.DecodeError)
    assert issubclass(latchkey.DecodeError, latchkey.InvalidTokenError)
    assert issubclass(latchkey.InvalidTokenError, latchkey.PyJWTError)
    assert issubclass(latchkey.PyJWTError, latchkey.LatchkeyError)
    assert issubclass(latchkey.NotFoundError, latchkey.ApiError)


def test_api_errors_carry_the_error_shape() -> None:
    error = latchkey.ValidationError(
        "bad input", 400, "validation_error", "req_1", [("name", "must not be empty")]
    )
    assert error.status == 400
    assert error.fields[0].name == "name"
    assert str(error) == (
        "validation_error (400): bad input [name: must not be empty] (request id req_1)"
    )
