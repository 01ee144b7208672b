"""crc64.py on its own: Redis's check value, chaining, and agreement with
the footer of a real redis-server's DUMP payloads."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.dump import crc64_reference

pytestmark = pytest.mark.internal


@pytest.fixture
def crc(step_module):
    return step_module("crc64").crc64


def test_the_check_value_is_redis_s(crc):
    # crc64.c's own test: crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
    assert crc(0, b"123456789") == 0xE9C6D914C4B8D9CA
    assert crc(0, b"") == 0


@given(st.binary(max_size=300), st.binary(max_size=300))
def test_a_crc_can_be_continued_and_matches_the_bitwise_reference(crc, a, b):
    assert crc(crc(0, a), b) == crc(0, a + b) == crc64_reference(a + b)


def test_it_matches_the_footer_of_a_redis_dump(crc):
    # DUMP of "bar" from redis-server 7.0.15.
    payload = bytes.fromhex("0003626172 0a00 e6be4960ee66fd17".replace(
        " ", ""))
    assert crc(0, payload[:-8]).to_bytes(8, "little") == payload[-8:]
