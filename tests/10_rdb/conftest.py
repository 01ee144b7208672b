"""Step 10's tests: RDB files and DUMP/RESTORE. Shared by the tests of the
file format (test_rdb_format*.py, test_dump_restore*.py, test_lzf*.py,
test_crc64*.py) and of the machinery around the file (SAVE, BGSAVE, the
cron; their fixtures live in their own modules).

`real_redis(dir, dbfilename)` starts a real redis-server 7.0.15 that loads
(and saves) `dir/dbfilename`, whatever the target: the round-trip tests
load our files into it and read its files with ours. `step_server()` makes
an in-process Server of the target step, with its databases, for
rdb_save() and rdb_load() called directly (tests marked internal).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from support.dump import ENCODINGS, build
from support.servers import REAL_REDIS_STEP, ServerProcess, Target

REAL_REDIS = Target("redis", "redis", REAL_REDIS_STEP)


@pytest.fixture
def real_redis():
    """Factory: a real redis-server with --dir and --dbfilename (it loads
    the file at start-up if it exists), stopped after the test."""
    started = []

    def start(directory: Path, dbfilename: str = "dump.rdb",
              **config) -> ServerProcess:
        options = {"dir": str(directory), "dbfilename": dbfilename,
                   **{k.replace("_", "-"): v for k, v in config.items()}}
        proc = ServerProcess(REAL_REDIS, options)
        started.append(proc)
        return proc.start()

    yield start
    for proc in started:
        proc.stop()


@pytest.fixture
def step_server(step_module):
    """Factory: a Server object of the target step with its databases,
    not listening, for rdb.py's functions called in-process."""
    server_py = step_module("server")
    db_py = step_module("db")

    def make(**config):
        server = server_py.Server()
        for name, value in config.items():
            setattr(server, name, value)
        server.db = [db_py.RedisDb(i, server) for i in range(server.dbnum)]
        return server

    return make


@pytest.fixture
def check_rdb():
    """Run redis-check-rdb on a file: check_rdb(path).stdout."""
    binary = shutil.which("redis-check-rdb")
    assert binary, "redis-check-rdb is not installed"
    return lambda path: subprocess.run([binary, str(path)],
                                       capture_output=True, text=True,
                                       timeout=60)


@pytest.fixture
def every_encoding(r):
    """The target's keyspace holds ENCODINGS; each key has its encoding."""
    for key, encoding, commands in ENCODINGS:
        build(r, commands)
        assert r.object("encoding", key) == encoding.encode(), key
    return ENCODINGS
