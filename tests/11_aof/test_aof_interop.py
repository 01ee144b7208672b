"""The files step 11 writes are Redis's: redis-server 7.0.15 started on
our directory loads the same keys, types, encodings and expiry times
(after writes, after BGREWRITEAOF, with either kind of base file), and
redis-check-aof accepts them."""

import pytest
from support.aof import REAL_REDIS
from support.aof_files import (
    check_aof,
    dataset,
    start,
    wait_for_rewrite_end,
    write_all,
)
from support.wire import RawClient

AFTER = [("RPUSH", "l:small", "after"), ("MULTI",), ("INCR", "s:int"),
         ("HSET", "h:new", "f", "v"), ("EXEC",), ("DEL", "s:embstr")]


def written_by_target(target, directory, rewrite: bool, **config) -> dict:
    """The target writes the files: WRITES, a rewrite if asked, AFTER."""
    proc = start(target, directory, **config)
    with RawClient(proc.port) as client:
        write_all(client)
        if rewrite:
            client.call("BGREWRITEAOF")
            wait_for_rewrite_end(client)
        write_all(client, AFTER)
        expected = dataset(client)
    assert proc.stop() == 0
    return expected


@pytest.mark.parametrize("rewrite", [False, True],
                         ids=["writes", "rewritten"])
@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_redis_server_loads_the_directory_we_wrote(target, tmp_path,
                                                   rewrite, preamble):
    expected = written_by_target(target, tmp_path, rewrite,
                                 aof_use_rdb_preamble=preamble)
    proc = start(REAL_REDIS, tmp_path)
    try:
        with RawClient(proc.port) as client:
            assert dataset(client) == expected
    finally:
        proc.stop()
    assert "DB loaded from append only file" in proc.log_text()


@pytest.mark.parametrize("rewrite", [False, True],
                         ids=["writes", "rewritten"])
@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_redis_check_aof_accepts_our_files(target, tmp_path, rewrite,
                                           preamble):
    written_by_target(target, tmp_path, rewrite,
                      aof_use_rdb_preamble=preamble)
    checked = check_aof(tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert "All AOF files and manifest are valid" in checked.stdout
