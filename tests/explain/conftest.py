import pytest

from xieshang.generator import generate


@pytest.fixture(scope="module")
def pool():
    df = generate(1500, seed=21)
    return df
