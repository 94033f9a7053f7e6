"""Results are immutable typed objects whose repr never shows a secret; the
package exports what it documents; the quickstart example runs."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from datetime import timezone
from pathlib import Path

import pytest
from conftest import Server, unique

import latchkey
from latchkey import _errors, _models

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "python"


def test_the_package_exports_every_public_name() -> None:
    expected = {
        "__version__",
        *_errors.__all__,
        *_models.__all__,
        *("Client", "AsyncClient", "JwtSigner", "UNSET", "Unset"),
    }
    assert expected <= set(latchkey.__all__)
    for name in latchkey.__all__:
        assert hasattr(latchkey, name), name


def test_results_are_frozen_comparable_and_keep_secrets_out_of_repr(
    client: latchkey.Client,
) -> None:
    app = client.applications.create(name=unique("models"))
    created = client.access_keys.create(app.id, name=unique("secret"))
    # The secret is reachable once, as `.key`, and never in repr or str.
    assert created.key.startswith("ak_")
    for text in (repr(created), str(created)):
        assert created.key not in text
        assert created.key[len(created.key_prefix) :] not in text
        assert created.key_prefix in text
    assert "key=" not in repr(created).replace("key_prefix=", "")
    with pytest.raises(dataclasses.FrozenInstanceError):
        created.name = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        app.status = "revoked"  # type: ignore[misc]
    # Equal when every field is; a created key is not its plain record.
    fetched = client.access_keys.get(app.id, created.id)
    assert fetched == client.access_keys.get(app.id, created.id)
    assert fetched != created
    assert fetched.created_at == created.created_at
    assert fetched.created_at.tzinfo is timezone.utc
    assert hash(app) == hash(client.applications.get(app.id))
    assert repr(app).startswith("Application(id='app_")
    client.applications.delete(app.id)


def test_a_created_account_keeps_its_key_out_of_repr(client: latchkey.Client) -> None:
    created = client.accounts.create(name=unique("tenant"))
    assert created.key.startswith("ak_")
    assert created.key not in repr(created)
    assert created.access_key.key_prefix in repr(created)


def test_lists_are_lazy_iterators(client: latchkey.Client) -> None:
    made = [client.applications.create(name=unique("lazy")) for _ in range(3)]
    listing = client.applications.list(limit=1)
    # Nothing is fetched until the first item is asked for.
    client.applications.delete(made[0].id)
    seen = [app.id for app in listing]
    assert made[0].id not in seen and [m.id for m in made[1:]] == [
        i for i in seen if i in {m.id for m in made}
    ]
    for app in made[1:]:
        client.applications.delete(app.id)


async def test_async_lists_are_async_iterators(server: Server) -> None:
    async with latchkey.AsyncClient(server.url, access_key=server.admin_key) as client:
        listing = client.applications.list(limit=1)
        assert hasattr(listing, "__anext__")
        first = await listing.__anext__()
        assert isinstance(first, latchkey.Application)
        names = [app.name async for app in listing]
        assert first.name not in names


def test_repr_of_clients_shows_no_credential(server: Server) -> None:
    with latchkey.Client(server.url, access_key=server.admin_key) as client:
        assert server.admin_key not in repr(client)
        assert repr(client) == f"<latchkey.Client base_url={server.url!r}>"


def test_quickstart_example_runs(server: Server) -> None:
    env = {**os.environ, "LATCHKEY_URL": server.url, "LATCHKEY_ACCESS_KEY": server.admin_key}
    run = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("created application quickstart-")
    assert "the old key is refused: True" in run.stdout
    assert "its key is refused: True" in run.stdout
    assert server.admin_key not in run.stdout


def test_literal_types_are_the_clients_one_list_of_values() -> None:
    # The allowed values live once, in the Rust client (`ApiEnum`): the
    # native module exports them, and each declared `Literal` must say the same.
    from typing import get_args

    from latchkey import _client, _latchkey, _models

    declared = {
        "KeyStatus": _client.KeyStatus,
        "EffectiveKeyStatus": _models.AccessKeyStatus,
        "ApplicationStatus": _models.ApplicationStatus,
        "UserStatus": _models.UserStatus,
        "Plan": _models.PlanName,
        "ExposedKeyAction": _models.ExposedKeyAction,
        "Order": _client.Order,
    }
    assert sorted(declared) == sorted(_latchkey.API_ENUMS)
    for name, literal in declared.items():
        assert list(get_args(literal)) == _latchkey.API_ENUMS[name], name
