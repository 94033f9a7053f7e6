"""Fixtures: the real ``latchkey`` server binary (``LATCHKEY_SERVER_BIN``) on
an ephemeral loopback port with a temporary data file, one per test module,
and clients of both flavours driven through one interface."""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
import types
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, List, Union

import pytest

import latchkey


@dataclass(frozen=True)
class Server:
    """A running server: where it listens and the admin key it printed."""

    url: str
    admin_key: str
    data_dir: Path


def _server_binary() -> str:
    binary = os.environ.get("LATCHKEY_SERVER_BIN")
    if not binary:
        pytest.fail(
            "LATCHKEY_SERVER_BIN is not set: run the tests with `cargo xtask test python`"
        )
    return binary


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A fresh server per test module, on the `commercial` plan (25
    applications) so that a module's tests fit in one account."""
    data_dir = tmp_path_factory.mktemp("latchkey")
    stderr = open(data_dir / "server.log", "wb")
    process = subprocess.Popen(
        [
            _server_binary(),
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--data",
            str(data_dir / "latchkey.redb"),
            "--plan",
            "commercial",
        ],
        stdout=subprocess.PIPE,
        stderr=stderr,
        env={**os.environ, "RUST_LOG": "warn"},
    )
    assert process.stdout is not None
    admin_key = url = ""
    # The bootstrap banner prints the admin key once, then where it listens.
    for raw in process.stdout:
        line = raw.decode()
        for word in line.split():
            if word.startswith("ak_"):
                admin_key = word
        if line.startswith("latchkey listening on "):
            url = line.removeprefix("latchkey listening on ").strip()
            break
    if not url or not admin_key:
        process.kill()
        process.wait()
        stderr.close()
        pytest.fail(
            "the server did not print its key and address: "
            + (data_dir / "server.log").read_text(errors="replace")
        )
    # Keep reading stdout so that the server never blocks on a full pipe.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    try:
        yield Server(url=url, admin_key=admin_key, data_dir=data_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        stderr.close()


@pytest.fixture(autouse=True)
def no_configuration_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests configure clients explicitly; a developer's own LATCHKEY_URL or
    LATCHKEY_ACCESS_KEY must not leak into them."""
    monkeypatch.delenv("LATCHKEY_URL", raising=False)
    monkeypatch.delenv("LATCHKEY_ACCESS_KEY", raising=False)


@pytest.fixture
def client(server: Server) -> Iterator[latchkey.Client]:
    """A blocking client with the admin key."""
    with latchkey.Client(server.url, access_key=server.admin_key) as admin:
        yield admin


def unique(prefix: str) -> str:
    """A name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


class Driver:
    """Calls a client's methods by path (``"applications.create"``) the same
    way for both flavours, so one test covers both:

    * ``Client``: the call runs in a worker thread (``asyncio.to_thread``),
      which also shows that it releases the GIL: the event loop keeps
      running meanwhile; iterators are read to the end there;
    * ``AsyncClient``: the call is awaited; async iterators are read with
      ``async for``.
    """

    def __init__(self, client: Union[latchkey.Client, latchkey.AsyncClient]) -> None:
        self.client = client
        self.flavour = "async" if isinstance(client, latchkey.AsyncClient) else "blocking"

    def _method(self, path: str) -> Callable[..., Any]:
        target: Any = self.client
        for part in path.split("."):
            target = getattr(target, part)
        return target  # type: ignore[no-any-return]

    async def __call__(self, path: str, *args: Any, **kwargs: Any) -> Any:
        method = self._method(path)
        if self.flavour == "async":
            result = method(*args, **kwargs)
            if isinstance(result, types.AsyncGeneratorType):
                return [item async for item in result]
            return await result

        def call() -> Any:
            result = method(*args, **kwargs)
            if isinstance(result, types.GeneratorType):
                return list(result)
            return result

        return await asyncio.to_thread(call)


@pytest.fixture(params=["blocking", "async"])
def lk(server: Server, request: pytest.FixtureRequest) -> Iterator[Driver]:
    """The admin client of each flavour, behind a :class:`Driver`."""
    client: Union[latchkey.Client, latchkey.AsyncClient]
    if request.param == "async":
        client = latchkey.AsyncClient(server.url, access_key=server.admin_key)
    else:
        client = latchkey.Client(server.url, access_key=server.admin_key)
    try:
        yield Driver(client)
    finally:
        client.close()


def make_client(
    flavour: str, url: str, **kwargs: Any
) -> Union[latchkey.Client, latchkey.AsyncClient]:
    """A client of `flavour` (``"blocking"`` or ``"async"``)."""
    if flavour == "async":
        return latchkey.AsyncClient(url, **kwargs)
    return latchkey.Client(url, **kwargs)


def ids(items: List[Any]) -> List[str]:
    return [item.id for item in items]
