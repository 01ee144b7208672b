"""Helpers for step 11's tests of loading and rewriting the append-only
file: directories that a real redis-server 7.0.15 wrote, a server run
until it exits (one that refuses its files), the dataset read back in a
form two servers can be compared by, and the manifest as a list."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from support.aof import AOF_DIR, MANIFEST, REAL_REDIS, ready
from support.persistence import info
from support.servers import ServerProcess, Target, free_port, wait_until
from support.wire import RawClient, decode

# Every type, in each of its encodings, some with a TTL, in two databases.
WRITES = [
    ("SET", "s:raw", "a string longer than forty-four bytes, so raw..."),
    ("SET", "s:int", "12345"), ("SET", "s:embstr", "short"),
    ("SET", "s:ttl", "dies later", "EX", "5000"),
    ("RPUSH", "l:small", "a", "b", "3", "-4"),
    ("RPUSH", "l:big", *[f"element-{i}" for i in range(150)]),
    ("SADD", "set:int", "1", "2", "3"),
    ("SADD", "set:ht", "x", "y", "z"),
    ("SADD", "set:bigint", *[str(i) for i in range(600)]),
    ("ZADD", "z:lp", "1", "one", "2.5", "two", "-inf", "low"),
    ("ZADD", "z:sl", *[x for i in range(200) for x in (str(i / 3), f"m{i}")]),
    ("HSET", "h:lp", "f1", "v1", "f2", "2"),
    ("HSET", "h:ht", *[x for i in range(600) for x in (f"f{i}", f"v{i}")]),
    ("PEXPIRE", "h:lp", "4000000"),
    ("SELECT", "3"), ("SET", "in:db3", "three"),
    ("SELECT", "0"),
]


def write_all(client: RawClient, writes=WRITES) -> None:
    for args in writes:
        reply = client.call(*args)
        assert not reply.startswith(b"-"), (args, reply)


def aof_dir(directory: Path) -> Path:
    return directory / AOF_DIR


def manifest(directory: Path) -> list[str]:
    """The manifest's lines."""
    return (aof_dir(directory) / MANIFEST).read_text().splitlines()


def incr_file(directory: Path) -> Path:
    """The last incr file the manifest names."""
    names = [line.split()[1] for line in manifest(directory)
             if line.endswith("type i")]
    return aof_dir(directory) / names[-1]


def wait_for_rewrite_end(client: RawClient, timeout: float = 60) -> dict:
    """Poll until no AOF rewrite runs nor is scheduled; INFO persistence."""
    return wait_until(
        lambda: (fields := info(client))["aof_rewrite_in_progress"] == "0"
        and fields["aof_rewrite_scheduled"] == "0" and fields,
        timeout, interval=0.05, message="AOF rewrite still running")


def dataset(client: RawClient, dbs=(0, 3)) -> dict:
    """Every key of the databases: type, encoding, value, and the
    absolute time it expires (the file holds it, not a TTL)."""
    found = {}
    for db in dbs:
        assert client.call("SELECT", db) == b"+OK\r\n"
        for key in decode(client.call("KEYS", "*")):
            found[(db, key)] = key_state(client, key)
    assert client.call("SELECT", 0) == b"+OK\r\n"
    return found


def key_state(client: RawClient, key: bytes) -> tuple:
    kind = decode(client.call("TYPE", key))
    value = {
        "string": lambda: decode(client.call("GET", key)),
        "list": lambda: decode(client.call("LRANGE", key, 0, -1)),
        "set": lambda: sorted(decode(client.call("SMEMBERS", key))),
        "zset": lambda: decode(client.call("ZRANGE", key, 0, -1,
                                           "WITHSCORES")),
        "hash": lambda: sorted(decode(client.call("HGETALL", key))),
    }[kind]()
    return (kind, decode(client.call("OBJECT", "ENCODING", key)), value,
            decode(client.call("PEXPIRETIME", key)))


def start(target: Target, directory: Path, **config) -> ServerProcess:
    """A server of `target` on `directory`, appendonly yes by default,
    once it has loaded its files: Redis accepts connections while it
    loads, and answers -LOADING until it is done."""
    options = {"dir": str(directory), "appendonly": "yes",
               **{k.replace("_", "-"): v for k, v in config.items()}}
    return ready(ServerProcess(target, options).start())


def loaded_dataset(target: Target, directory: Path, **config) -> dict:
    """The dataset a server of `target` holds once it has loaded
    `directory` (see dataset()); the server is stopped after."""
    proc = start(target, directory, **config)
    try:
        with RawClient(proc.port) as client:
            return dataset(client)
    finally:
        proc.stop()


def run_until_exit(target: Target, directory: Path, timeout: float = 30,
                   **config) -> tuple[int | None, str]:
    """Start a server expected to refuse its files and exit; its exit
    status and log (None if it was still running after `timeout`)."""
    options = {"dir": str(directory), "appendonly": "yes",
               **{k.replace("_", "-"): v for k, v in config.items()}}
    with tempfile.TemporaryDirectory() as cwd:
        try:
            done = subprocess.run(
                target.command(free_port(), options), cwd=cwd,
                env=target.environment(), stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                timeout=timeout)
        except subprocess.TimeoutExpired as err:
            return None, (err.output or b"").decode(errors="replace")
    return done.returncode, done.stdout.decode(errors="replace")


def real_redis_dir(directory: Path, writes=WRITES, rewrite: bool = False,
                   after_rewrite=(), **config) -> dict:
    """Have a real redis-server write an AOF directory in `directory`:
    the writes, a BGREWRITEAOF if asked, more writes; return its
    dataset as it stood before it shut down."""
    proc = start(REAL_REDIS, directory, **config)
    try:
        with RawClient(proc.port) as client:
            write_all(client, writes)
            if rewrite:
                assert client.call("BGREWRITEAOF").startswith(b"+")
                wait_for_rewrite_end(client)
            write_all(client, after_rewrite)
            expected = dataset(client)
    finally:
        assert proc.stop() == 0
    return expected


def check_aof(directory: Path) -> subprocess.CompletedProcess:
    """redis-check-aof on the directory's manifest."""
    binary = shutil.which("redis-check-aof")
    assert binary, "redis-check-aof is not installed"
    return subprocess.run([binary, str(aof_dir(directory) / MANIFEST)],
                          capture_output=True, text=True, timeout=60)
