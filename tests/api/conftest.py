import pytest


@pytest.fixture(autouse=True)
def api_fast_token_hashing(fast_token_hashing):
    """Every API test checks tokens many times."""
