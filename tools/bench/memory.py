"""Bytes per key: the server's resident memory grown by a load, per key.

Each load runs on a fresh server, one dataset at a time: many small string
keys (`key:%012d`, a 3-byte value, as redis-benchmark's SET writes), then
many small values of each type, as issue 16 names them: hashes of 5
fields, sets of 10 integers, sorted sets of 5 members, and lists of 100
elements. Each is what a compact encoding is for (a listpack, an intset, a
quicklist of one listpack in Redis, and in step 06 on), so their bytes per
key show what a step's encodings save. RSS counts what the allocator took
from the kernel, the same way for every server: Redis's jemalloc and
Python's pymalloc alike.
"""

from __future__ import annotations

import sys

from bench.plan import Plan
from bench.servers import BenchError, Server, Target
from bench.wire import Connection, ReplyError, keyed_requests, load

VALUE = b"abc"  # 3 bytes, redis-benchmark's default data size
HASH_FIELDS = 5
SET_MEMBERS = 10  # the integers 1 to 10
ZSET_MEMBERS = 5
LIST_ELEMENTS = 100


# The key of the Nth value of each dataset, and what the small values hold.
KEY_FORMATS = {"strings": b"key:%012d", "hashes": b"hash:%012d", "sets": b"set:%012d",
               "zsets": b"zset:%012d", "lists": b"list:%012d"}
HASH_PAIRS = [x for n in range(1, HASH_FIELDS + 1) for x in (b"field%d" % n, VALUE)]
SET_INTEGERS = range(1, SET_MEMBERS + 1)
ZSET_SCORED_MEMBERS = [(n, b"member%d" % n) for n in range(1, ZSET_MEMBERS + 1)]


def string_requests(count: int):
    return keyed_requests(b"SET", KEY_FORMATS["strings"], count, VALUE)


def hash_requests(count: int):
    return keyed_requests(b"HSET", KEY_FORMATS["hashes"], count, *HASH_PAIRS)


def set_requests(count: int):
    members = [b"%d" % n for n in SET_INTEGERS]
    return keyed_requests(b"SADD", KEY_FORMATS["sets"], count, *members)


def zset_requests(count: int):
    pairs = [x for score, member in ZSET_SCORED_MEMBERS for x in (b"%d" % score, member)]
    return keyed_requests(b"ZADD", KEY_FORMATS["zsets"], count, *pairs)


def list_requests(count: int):
    return keyed_requests(b"RPUSH", KEY_FORMATS["lists"], count, *[VALUE] * LIST_ELEMENTS)


DATASETS = {
    # name: (what it needs, requests, the reply each gets, the plan's count)
    "strings": ("set", string_requests, b"+OK\r\n", "string_keys"),
    "hashes": ("hset", hash_requests, b":%d\r\n" % HASH_FIELDS, "hashes"),
    "sets": ("sadd", set_requests, b":%d\r\n" % SET_MEMBERS, "sets"),
    "zsets": ("zadd", zset_requests, b":%d\r\n" % ZSET_MEMBERS, "zsets"),
    "lists": ("rpush", list_requests, b":%d\r\n" % LIST_ELEMENTS, "lists"),
}


def measure(targets: list[Target], caps: dict[str, set[str]], plan: Plan,
            say) -> dict[str, dict]:
    """{target: {dataset: figures}} for every dataset a target supports."""
    results: dict[str, dict] = {}
    for target in targets:
        for name, (needs, requests, reply, plan_count) in DATASETS.items():
            count = getattr(plan, plan_count)
            if {needs, "dbsize"} - caps[target.name]:
                continue
            with Server(target) as server:
                figures = bytes_per_key(server, requests(count), reply, count)
            results.setdefault(target.name, {})[name] = figures
            say(f"  {target.name:<14} {count:>9,} {name:<8} "
                f"{figures['bytes_per_key']:7.1f} bytes per key")
    return results


def bytes_per_key(server: Server, requests, reply: bytes, count: int) -> dict:
    with Connection(server.port) as conn:
        conn.call("PING")
        rss_before, used_before = server.rss_bytes(), used_memory(conn)
        load(conn, requests, reply)
        dbsize = conn.call("DBSIZE")
        rss_after, used_after = server.rss_bytes(), used_memory(conn)
    if dbsize != count:
        raise BenchError(f"{server.target.name}: DBSIZE is {dbsize} after "
                         f"loading {count} keys")
    figures = {"keys": count, "rss_before": rss_before, "rss_after": rss_after,
               "bytes_per_key": (rss_after - rss_before) / count}
    if used_before is not None and used_after is not None:
        figures["used_memory_per_key"] = (used_after - used_before) / count
    return figures


def used_memory(conn: Connection) -> int | None:
    """The server's own count of allocated bytes (INFO memory), if it has one."""
    try:
        info = conn.call("INFO", "memory")
    except ReplyError:
        return None
    for line in info.decode().splitlines():
        if line.startswith("used_memory:"):
            return int(line.split(":")[1])
    return None


def python_object_sizes(count: int) -> dict[str, float]:
    """What one key costs in plain Python objects, for the book.

    The sizes pymalloc really hands out (rounded up to 16 bytes), and one
    dict slot's share of a dict of `count` keys. A step that wraps values
    in more objects, or keeps more tables, pays more than this.
    """
    def allocated(obj) -> int:
        return -(-sys.getsizeof(obj) // 16) * 16

    keys = {b"key:%012d" % i: VALUE for i in range(count)}
    fields = {b"field%d" % n: VALUE for n in range(1, HASH_FIELDS + 1)}
    return {"key_object": allocated(b"key:%012d" % 0),
            "value_object": allocated(VALUE),
            "dict_slot": sys.getsizeof(keys) / count,
            "hash_key_object": allocated(b"hash:%012d" % 0),
            "hash_dict": allocated(fields),
            "hash_field_object": allocated(b"field1")}
