"""redis-py's default client on TTLs and INFO: the values its response
callbacks build. Marked `clients` for the newest-clients check."""

import pytest

pytestmark = pytest.mark.clients


def test_ttls_through_redis_py(r):
    assert r.set("k", "v", ex=100) is True
    assert 99 <= r.ttl("k") <= 100
    assert r.expire("k", 50, gt=True) is False
    assert r.persist("k") is True
    assert r.ttl("k") == -1
    assert r.getex("k", px=5000) == b"v"
    assert 0 < r.pttl("k") <= 5000


def test_info_through_redis_py(r):
    r.set("k", "v", ex=100)
    info = r.info()
    assert info["redis_version"].startswith("7.0")
    assert info["db0"]["keys"] == 1 and info["db0"]["expires"] == 1
    assert "expired_keys" in r.info("stats")
