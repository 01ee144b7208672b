"""lzf.py on its own: the compressor's output is byte for byte what
Redis's lzf_c.c makes of the same input (read from a real redis-server's
DUMP of a string, which stores it LZF-compressed), the decompressor
inverts it for any input, and corrupt data is refused."""

from __future__ import annotations

import random

import pytest
import redis
from hypothesis import given
from hypothesis import strategies as st
from support.dump import rdb_length

pytestmark = pytest.mark.internal


@pytest.fixture
def lzf(step_module):
    return step_module("lzf")


@pytest.fixture(scope="module")
def redis_compress(tmp_path_factory):
    """Redis's own LZF output for a string, from DUMP (None when Redis
    stores it uncompressed)."""
    from support.servers import REAL_REDIS_STEP, ServerProcess, Target
    proc = ServerProcess(Target("redis", "redis", REAL_REDIS_STEP),
                         {"dir": str(tmp_path_factory.mktemp("lzf"))}).start()
    client = redis.Redis(port=proc.port, socket_timeout=10)

    def compress(data: bytes) -> bytes | None:
        client.set("k", data)
        payload = client.dump("k")
        if payload[1] != 0xC3:  # RDB_ENC_LZF
            return None
        clen, pos = rdb_length(payload, 2)
        _, pos = rdb_length(payload, pos)
        return payload[pos:pos + clen]

    yield compress
    client.close()
    proc.stop()


def samples():
    rng = random.Random(10)
    yield b"a" * 21
    yield b"hello hello hello hello world" * 3
    yield b"0123456789" * 7000  # > 64 KiB, far past MAX_OFF
    yield bytes(range(256)) * 40
    for size in (21, 22, 33, 50, 300, 4096, 9000, 70_000):
        for alphabet in (b"ab", b"abcdefgh ", bytes(range(256))):
            yield bytes(rng.choice(alphabet) for _ in range(size))


@pytest.mark.parametrize("data", list(samples()),
                         ids=lambda d: f"{len(d)}:{d[:6]!r}")
def test_compress_matches_redis_byte_for_byte(lzf, redis_compress, data):
    assert lzf.lzf_compress(data, len(data) - 4) == redis_compress(data)


@given(st.binary(min_size=21, max_size=3000)
       | st.lists(st.sampled_from([b"ab", b"abc", b"x" * 40, b"\x00"]),
                  min_size=1, max_size=200).map(b"".join))
def test_compress_matches_redis_for_any_string(lzf, redis_compress, data):
    if len(data) > 20:
        assert lzf.lzf_compress(data, len(data) - 4) == redis_compress(data)


@pytest.mark.exercise("10-lzf-decompress")
@given(st.binary(max_size=5000) | st.lists(
    st.sampled_from([b"abc", b"abcd", b"z" * 300]), max_size=100
).map(b"".join))
def test_decompress_inverts_compress(lzf, data):
    compressed = lzf.lzf_compress(data, len(data) + 64)
    if data:
        assert lzf.lzf_decompress(compressed, len(data)) == data


def test_compress_gives_up_when_the_output_would_not_fit(lzf):
    data = bytes(range(100))
    assert lzf.lzf_compress(data, len(data) - 4) is None
    assert lzf.lzf_compress(b"", 10) is None


@pytest.mark.exercise("10-lzf-decompress")
def test_a_back_reference_overlapping_its_output_repeats_it(lzf):
    # One literal "a", then copy 9 bytes from 1 back: "a" * 10.
    assert lzf.lzf_decompress(b"\x00a\xe0\x00\x00", 10) == b"a" * 10


@pytest.mark.exercise("10-lzf-decompress")
@pytest.mark.parametrize("data,out_len", [
    (b"\x05ab", 10),  # a literal run past the input
    (b"\x00a\x20", 10),  # a reference without its offset byte
    (b"\x00a\x20\x05", 10),  # a reference before the start
    (b"\x03abcd", 2),  # more output than announced
])
def test_corrupt_data_is_refused(lzf, data, out_len):
    with pytest.raises(lzf.LzfError):
        lzf.lzf_decompress(data, out_len)
