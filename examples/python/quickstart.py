"""Quickstart: create an application, give it an access key, use the key,
rotate it (create a new one, revoke the old one), and revoke everything.

    export LATCHKEY_URL=http://127.0.0.1:8080
    export LATCHKEY_ACCESS_KEY=ak_...   # an admin key
    python examples/python/quickstart.py
"""

from __future__ import annotations

import time

import latchkey


def key_is_refused(client: latchkey.Client) -> bool:
    """Whether the server refuses the client's credential."""
    try:
        client.me()
    except latchkey.UnauthorizedError:
        return True
    return False


def main() -> None:
    # LATCHKEY_URL and LATCHKEY_ACCESS_KEY configure the client.
    with latchkey.Client() as admin:
        # 1. An application: the holder of credentials.
        app = admin.applications.create(
            name=f"quickstart-{time.time_ns()}",
            description="made by examples/python/quickstart.py",
        )
        print(f"created application {app.name} ({app.id})")

        # 2. Its first access key. The full key is in the answer this once only.
        first = admin.access_keys.create(app.id, name=f"{app.name}-primary")
        print(f"created access key {first.id} ({first.key_prefix})")

        # 3. Use it: the key is parsed offline, then authenticates as the app.
        with latchkey.Client(admin.base_url, access_key=first.key) as as_app:
            me = as_app.me()
            assert me.application.id == app.id
            print(f"the key authenticates as {me.application.name}")

        # 4. Rotate: a second key, switch to it, then revoke the first one.
        second = admin.access_keys.create(app.id, name=f"{app.name}-rotated")
        as_app = latchkey.Client(admin.base_url, access_key=second.key)
        as_app.me()
        admin.access_keys.revoke(app.id, first.id)
        with latchkey.Client(admin.base_url, access_key=first.key) as old:
            old_refused = key_is_refused(old)
        print(f"rotated to {second.id}; the old key is refused: {old_refused}")

        # 5. Revoke: the application's revocation stops every key it holds.
        admin.applications.revoke(app.id)
        new_refused = key_is_refused(as_app)
        as_app.close()
        print(f"revoked the application; its key is refused: {new_refused}")

        if not (old_refused and new_refused):
            raise SystemExit("a revoked key still authenticates")


if __name__ == "__main__":
    main()
