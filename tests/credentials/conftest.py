from pathlib import Path

import pytest

from tests.credentials.fixtures import EDDSA, VECTORS


@pytest.fixture
def eddsa_vectors() -> Path:
    if not EDDSA.is_dir():
        pytest.skip("../shared/vectors not present")
    return EDDSA


@pytest.fixture
def vectors() -> Path:
    if not VECTORS.is_dir():
        pytest.skip("../shared/vectors not present")
    return VECTORS
