"""The shared cross-language vectors (`tests/vectors/` at the repository
root), located from this file so the tests run from any directory."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parents[3] / "tests" / "vectors"


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    """The parsed JSON of `tests/vectors/<name>`."""
    with open(FOLDER / name, encoding="ascii") as file:
        return json.load(file)
