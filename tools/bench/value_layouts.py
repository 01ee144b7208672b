"""value_layouts.py: what a value's layout costs per key, in plain Python.

    python tools/bench/value_layouts.py               # make bench's counts
    python tools/bench/value_layouts.py --keys 20000  # fewer keys, faster

Step 06 keeps every value in a RedisObject, as Redis keeps it in a robj:
the type, the encoding and the LRU clock in a header, the payload behind
it. This measures, without a server, what that layout costs a key against
the others Python allows. For each dataset of `make bench`'s memory section
(the same keys, and the same payloads: a 3-byte string, and the listpack
or intset step 06 makes of a 5-field hash, of the integers 1 to 10 and of
a 5-member sorted set), a fresh interpreter fills a dict like a step's
keyspace, with the value in one of these layouts, and reports the resident
memory it grew by, per key:

  bare      the payload alone: step 05's strings; no type, encoding or clock
  robj      step 06's RedisObject (four slots) pointing at the payload
  subclass  a subclass of bytes: the clock's 3 bytes, then the payload, with
            type and encoding as class attributes (chapter 6's experiment)
  packed    a plain bytes: robj's first 32 bits (type and encoding, 4 bits
            each, and the 24-bit clock), then the payload

Only the payloads come from step 06; the figures are Python's object sizes
rounded to pymalloc's 16-byte classes, plus the dict, as the servers pay
them (`make bench` measures the servers).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[1]
STEP = TOOLS.parent / "steps" / "06_encodings"
sys.path.insert(0, str(TOOLS))  # bench
from bench import memory  # noqa: E402
from bench.plan import FULL  # noqa: E402
from bench.servers import rss_bytes  # noqa: E402

LAYOUTS = ("bare", "robj", "subclass", "packed")
DATASETS = {  # name: what one key holds
    "strings": "a 3-byte string",
    "hashes": "a 5-field hash (listpack)",
    "sets": "a set of 10 integers (intset)",
    "zsets": "a 5-member sorted set (listpack)",
}


def payload_and_header(dataset: str) -> tuple[bytes, int, int]:
    """The payload step 06 keeps for one key of `dataset`, and its robj's
    type and encoding."""
    sys.path.insert(0, str(STEP))
    from intset import intset_add, intset_new
    from listpack import lp_append_entries, lp_new
    from object import (
        OBJ_ENCODING_EMBSTR,
        OBJ_ENCODING_INTSET,
        OBJ_ENCODING_LISTPACK,
        OBJ_HASH,
        OBJ_SET,
        OBJ_STRING,
        OBJ_ZSET,
    )
    if dataset == "strings":
        return memory.VALUE, OBJ_STRING, OBJ_ENCODING_EMBSTR
    if dataset == "hashes":
        listpack = lp_append_entries(lp_new(), memory.HASH_PAIRS)
        return listpack, OBJ_HASH, OBJ_ENCODING_LISTPACK
    if dataset == "zsets":  # each member, then its score
        entries = [x for score, member in memory.ZSET_SCORED_MEMBERS for x in (member, score)]
        return lp_append_entries(lp_new(), entries), OBJ_ZSET, OBJ_ENCODING_LISTPACK
    intset = intset_new()
    for n in memory.SET_INTEGERS:
        intset, _added = intset_add(intset, n)
    return intset, OBJ_SET, OBJ_ENCODING_INTSET


def value_maker(layout: str, payload: bytes, type_: int, encoding: int):
    """A function that makes one key's value, a new object each time (a
    server holds one per key, never a shared one)."""
    lru = 12_345_678  # one int for every object, as server.lruclock is
    if layout == "bare":
        return lambda: bytes(memoryview(payload))
    if layout == "robj":
        from object import RedisObject
        return lambda: RedisObject(type_, encoding, lru, bytes(memoryview(payload)))
    clock = lru.to_bytes(3, "little")
    if layout == "subclass":
        class Embedded(bytes):
            __slots__ = ()
        return lambda: Embedded(clock + payload)
    header = bytes((type_ | encoding << 4,)) + clock  # robj's bit fields
    return lambda: header + payload


def measure_one(layout: str, dataset: str, count: int) -> float:
    """Bytes per key that a keyspace of `count` keys grows this process by."""
    key_format = memory.KEY_FORMATS[dataset]
    make_value = value_maker(layout, *payload_and_header(dataset))
    keyspace = {}
    before = rss_bytes(os.getpid())
    for i in range(count):
        keyspace[key_format % i] = make_value()
    return (rss_bytes(os.getpid()) - before) / count


def measure(layout: str, dataset: str, count: int) -> float:
    """measure_one() in a fresh interpreter: what one layout leaves behind
    would count against the next in the same process."""
    done = subprocess.run([sys.executable, __file__, "--one", layout, dataset,
                           str(count)], capture_output=True, text=True, check=True)
    return float(done.stdout)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, metavar="N",
                        help="keys per dataset (default: make bench's, "
                             "1,000,000 strings and 100,000 of the others)")
    parser.add_argument("--one", nargs=3, metavar=("LAYOUT", "DATASET", "KEYS"),
                        help=argparse.SUPPRESS)  # measure() runs this
    args = parser.parse_args(argv)
    if args.one:
        layout, dataset, count = args.one
        print(f"{measure_one(layout, dataset, int(count)):.1f}")
        return 0
    print("| one key holds | keys | " + " | ".join(LAYOUTS) + " |")
    print("|---|---:|" + "---:|" * len(LAYOUTS))
    for dataset, what in DATASETS.items():
        count = args.keys or getattr(FULL, memory.DATASETS[dataset][3])
        cells = [f"{measure(layout, dataset, count):.0f} B" for layout in LAYOUTS]
        print(f"| {what} | {count:,} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
