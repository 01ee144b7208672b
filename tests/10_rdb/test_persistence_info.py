"""INFO persistence: the fields of Redis 7.0, in its order."""

import pytest
from support.persistence import info
from support.servers import REAL_REDIS_STEP, ServerProcess, Target
from support.wire import RawClient


@pytest.fixture(scope="module")
def redis_fields():
    proc = ServerProcess(Target("redis", "redis", REAL_REDIS_STEP)).start()
    with RawClient(proc.port) as client:
        fields = info(client)
    proc.stop()
    return fields


def test_info_persistence_has_redis_fields_in_redis_order(raw,
                                                          redis_fields):
    assert list(info(raw)) == list(redis_fields)


def test_info_persistence_starts_with_no_save_and_no_change(raw):
    fields = info(raw)
    assert fields["loading"] == "0"
    assert fields["rdb_bgsave_in_progress"] == "0"
    assert fields["rdb_last_bgsave_status"] == "ok"
    assert fields["rdb_current_bgsave_time_sec"] == "-1"
    assert fields["aof_enabled"] == "0"


def test_info_persistence_is_in_the_default_info(raw):
    assert b"# Persistence\r\n" in raw.call("INFO")
