"""Failures raise the documented classes, with what the server said, in
both flavours; bad arguments and configuration fail before any request."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from datetime import datetime, timedelta
from typing import Iterator

import pytest
from conftest import Driver, Server, make_client, unique

import latchkey

MISSING_APP = "app_0000000000000000000000"


async def test_not_found_carries_the_request_id(lk: Driver) -> None:
    with pytest.raises(latchkey.NotFoundError) as caught:
        await lk("applications.get", MISSING_APP)
    error = caught.value
    assert isinstance(error, latchkey.ApiError) and isinstance(error, LookupError)
    assert (error.status, error.type) == (404, "not_found")
    assert error.request_id is not None and error.request_id.startswith("req_")
    assert error.request_id in str(error)
    assert error.fields == () and error.retry_after is None


async def test_limit_exceeded(lk: Driver) -> None:
    app = await lk("applications.create", name=unique("full"))
    for n in range(2):
        await lk("access_keys.create", app.id, name=unique(f"k{n}"))
    with pytest.raises(latchkey.LimitExceededError) as caught:
        await lk("access_keys.create", app.id, name=unique("one-too-many"))
    assert (caught.value.status, caught.value.type) == (409, "limit_exceeded")
    assert caught.value.request_id
    await lk("applications.delete", app.id)


async def test_conflict_on_a_duplicate_name(lk: Driver) -> None:
    app = await lk("applications.create", name=unique("twice"))
    with pytest.raises(latchkey.ConflictError) as caught:
        await lk("applications.create", name=app.name)
    assert (caught.value.status, caught.value.type) == (409, "conflict")
    assert not isinstance(caught.value, latchkey.LimitExceededError)
    await lk("applications.delete", app.id)


async def test_validation_errors_name_each_field(lk: Driver) -> None:
    with pytest.raises(latchkey.ValidationError) as caught:
        await lk("applications.create", name="")
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.status, error.type) == (400, "validation_error")
    assert [field.name for field in error.fields] == ["name"]
    assert error.fields[0].message
    app = await lk("applications.create", name=unique("scoped"))
    with pytest.raises(latchkey.ValidationError) as caught:
        await lk("access_keys.create", app.id, name=unique("k"), scopes=["keys:view:own", "nope"])
    assert [field.name for field in caught.value.fields] == ["scopes[1]"]
    with pytest.raises(latchkey.ValidationError) as caught:
        await lk("applications.list", limit=0)
    assert [field.name for field in caught.value.fields] == ["limit"]
    await lk("applications.delete", app.id)


async def test_bulk_delete_reports_each_failing_id(lk: Driver) -> None:
    app = await lk("applications.create", name=unique("bulk"))
    key = await lk("access_keys.create", app.id, name=unique("k"))
    missing = "key_0000000000000000000000"
    with pytest.raises(latchkey.ConflictError) as caught:
        await lk("access_keys.bulk_delete", [key.id, missing])
    assert [field.name for field in caught.value.fields] == ["ids[1]"]
    # All or nothing: the first key is still there.
    assert (await lk("access_keys.get", app.id, key.id)).id == key.id
    await lk("applications.delete", app.id)


async def test_unauthorized(lk: Driver, server: Server) -> None:
    app = await lk("applications.create", name=unique("gone"))
    created = await lk("access_keys.create", app.id, name=unique("k"))
    await lk("access_keys.revoke", app.id, created.id)
    revoked = Driver(make_client(lk.flavour, server.url, access_key=created.key))
    with pytest.raises(latchkey.UnauthorizedError) as caught:
        await revoked("me")
    assert (caught.value.status, caught.value.type) == (401, "unauthorized")
    assert caught.value.request_id
    # Without a credential only the public endpoints answer.
    anonymous = Driver(make_client(lk.flavour, server.url))
    assert (await anonymous("health")).status == "ok"
    with pytest.raises(latchkey.UnauthorizedError):
        await anonymous("applications.list")
    await lk("applications.delete", app.id)


async def test_forbidden(lk: Driver, server: Server) -> None:
    app = await lk("applications.create", name=unique("narrow"))
    created = await lk("access_keys.create", app.id, name=unique("k"))
    narrow = Driver(make_client(lk.flavour, server.url, access_key=created.key))
    with pytest.raises(latchkey.ForbiddenError) as caught:
        await narrow("users.create", email=unique("u") + "@example.com")
    assert caught.value.status == 403
    await lk("applications.delete", app.id)


async def test_arguments_are_checked_before_any_request(lk: Driver) -> None:
    with pytest.raises(latchkey.InvalidArgumentError, match="application_id"):
        await lk("applications.get", "not-an-id")
    with pytest.raises(latchkey.InvalidArgumentError, match="application_id"):
        await lk("applications.get", "key_0000000000000000000000")
    with pytest.raises(latchkey.InvalidArgumentError, match=r"ids\[1\]"):
        await lk("access_keys.bulk_delete", ["key_0000000000000000000000", "x"])
    with pytest.raises(latchkey.InvalidArgumentError, match="status"):
        await lk("applications.list", status="archived")
    with pytest.raises(latchkey.InvalidArgumentError, match="order"):
        await lk("applications.list", order="sideways")
    with pytest.raises(latchkey.InvalidArgumentError, match="timezone-aware"):
        await lk(
            "access_keys.create",
            MISSING_APP,
            name="k",
            expiration=datetime.now() + timedelta(days=1),
        )
    with pytest.raises(latchkey.InvalidArgumentError, match="public_key"):
        await lk("jwt_keys.create", MISSING_APP, name="k", public_key=42)
    with pytest.raises(latchkey.InvalidArgumentError, match="public_key"):
        await lk("jwt_keys.create", MISSING_APP, name="k", public_key={"kty": object()})
    with pytest.raises(latchkey.InvalidArgumentError, match="public_key"):
        await lk("jwt_keys.create", MISSING_APP, name="k", public_key={"n": 2**70})
    with pytest.raises(latchkey.InvalidArgumentError, match="algorithm"):
        await lk("jwt_keys.create", MISSING_APP, name="k", public_key="pem", algorithm="HS256")
    with pytest.raises(latchkey.InvalidArgumentError, match="plan"):
        await lk("accounts.create", name="t", plan="platinum")
    assert issubclass(latchkey.InvalidArgumentError, ValueError)


@pytest.mark.parametrize("flavour", ["blocking", "async"])
async def test_configuration_errors(
    flavour: str, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LATCHKEY_URL", raising=False)
    monkeypatch.delenv("LATCHKEY_ACCESS_KEY", raising=False)
    with pytest.raises(latchkey.ConfigurationError, match="LATCHKEY_URL"):
        make_client(flavour, None)  # type: ignore[arg-type]
    with pytest.raises(latchkey.ConfigurationError, match="URL"):
        make_client(flavour, "ftp://example.com")
    with pytest.raises(latchkey.ConfigurationError, match="timeout"):
        make_client(flavour, server.url, timeout=0)
    # A mistyped key is refused offline, and never echoed.
    typo = server.admin_key[:-1] + ("A" if server.admin_key[-1] != "A" else "B")
    with pytest.raises(latchkey.InvalidAccessKeyError) as caught:
        make_client(flavour, server.url, access_key=typo)
    assert typo not in str(caught.value) and typo[12:] not in repr(caught.value)
    assert caught.value.category == "bad_checksum"
    _, signer = _a_signer()
    with pytest.raises(latchkey.ConfigurationError, match="not both"):
        make_client(flavour, server.url, access_key=server.admin_key, signer=signer)
    with pytest.raises(latchkey.ConfigurationError, match="lifetime"):
        make_client(
            flavour,
            server.url,
            signer=latchkey.JwtSigner(signer.application_id, signer.key_id, _a_signer()[0], lifetime=7200),
        )


def _a_signer() -> tuple[str, latchkey.JwtSigner]:
    from test_client_resources import ed25519_pem_pair

    private_pem, _ = ed25519_pem_pair()
    return private_pem, latchkey.JwtSigner(
        "app_0000000000000000000000", "jwk_0000000000000000000000", private_pem
    )


def test_signer_errors() -> None:
    with pytest.raises(latchkey.InvalidKeyError):
        latchkey.JwtSigner(MISSING_APP, "jwk_0000000000000000000000", "not a pem")
    with pytest.raises(latchkey.InvalidKeyError):
        latchkey.JwtSigner(MISSING_APP, "jwk_0000000000000000000000", 42)  # type: ignore[arg-type]
    with pytest.raises(latchkey.InvalidArgumentError, match="key_id"):
        latchkey.JwtSigner(MISSING_APP, MISSING_APP, "pem")
    private_pem, signer = _a_signer()
    assert "PRIVATE" not in repr(signer) and private_pem[40:80] not in repr(signer)
    assert repr(signer).startswith("JwtSigner(application_id='app_")


@pytest.mark.parametrize("flavour", ["blocking", "async"])
async def test_environment_fallback(
    flavour: str, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LATCHKEY_URL", server.url)
    monkeypatch.setenv("LATCHKEY_ACCESS_KEY", server.admin_key)
    client = make_client(flavour, None)  # type: ignore[arg-type]
    assert client.base_url == server.url
    me = await Driver(client)("me")
    assert me.credential.kind == "access_key"
    # An explicit argument wins over the environment.
    monkeypatch.setenv("LATCHKEY_URL", "http://127.0.0.1:9")
    assert make_client(flavour, server.url).base_url == server.url


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("flavour", ["blocking", "async"])
async def test_transport_error(flavour: str) -> None:
    client = make_client(flavour, f"http://127.0.0.1:{_closed_port()}", max_retries=0)
    with pytest.raises(latchkey.TransportError) as caught:
        await Driver(client)("health")
    assert isinstance(caught.value, ConnectionError)
    assert not isinstance(caught.value, latchkey.RequestTimeoutError)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A peer that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_timeout_and_the_gil_is_released(silent_server: str) -> None:
    client = latchkey.Client(silent_server, timeout=1.0, max_retries=0)
    counted = 0
    done = threading.Event()
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            client.health()
        except BaseException as error:  # noqa: BLE001 — handed to the test
            outcome.append(error)
        done.set()

    started = time.monotonic()
    threading.Thread(target=call).start()
    # Pure Python work in this thread progresses only if the waiting call
    # released the GIL.
    while not done.is_set():
        counted += 1
    elapsed = time.monotonic() - started
    assert isinstance(outcome[0], latchkey.RequestTimeoutError)
    assert isinstance(outcome[0], TimeoutError)
    assert 0.9 <= elapsed < 5
    # Held for the whole wait, the GIL would leave this loop the few
    # milliseconds before the call starts: tens of thousands of turns at most.
    assert counted > 200_000, counted


async def test_async_timeout(silent_server: str) -> None:
    client = latchkey.AsyncClient(silent_server, timeout=0.5, max_retries=0)
    with pytest.raises(latchkey.RequestTimeoutError):
        await client.health()


@pytest.mark.parametrize("flavour", ["blocking", "async"])
async def test_a_closed_client_refuses_calls(flavour: str, server: Server) -> None:
    client = make_client(flavour, server.url, access_key=server.admin_key)
    assert not client.closed
    client.close()
    client.close()
    assert client.closed
    with pytest.raises(latchkey.ClientClosedError):
        await Driver(client)("me")


async def test_many_concurrent_async_requests(server: Server) -> None:
    async with latchkey.AsyncClient(server.url, access_key=server.admin_key) as client:
        results = await asyncio.gather(*(client.me() for _ in range(50)))
    assert len({me.credential.id for me in results}) == 1
    assert client.closed
