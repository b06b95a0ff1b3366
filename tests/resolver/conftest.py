"""The 0.7.0 linkset schema from ../shared (tests only; the app never reads it)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import SHARED

UNTP_070 = SHARED / "vectors" / "untp-0.7.0"


@pytest.fixture(scope="session")
def linkset_schema() -> dict[str, Any]:
    path = UNTP_070 / "schema" / "linkset.json"
    if not path.is_file():
        pytest.skip("../shared/vectors/untp-0.7.0 not present")
    return json.loads(path.read_text(encoding="utf-8"))
