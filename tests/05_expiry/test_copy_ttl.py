"""COPY gives the copy its source's time to live; SORT ... STORE, like the
other store commands, writes a value without one; and COPY, TOUCH, LCS
and SORT's patterns all see an expired key as missing."""

import time

from support.replies import NULL, bulk, bulks, int_reply, integer, ttl


def pexpiretime(raw, key: str) -> int:
    return int_reply(raw.call("PEXPIRETIME", key))


def wait_past(ms: int) -> None:
    time.sleep(ms / 1000 + 0.01)


def test_copy_gives_the_copy_the_same_deadline(raw):
    raw.call("RPUSH", "src", "a")
    raw.call("EXPIRE", "src", "100")
    assert raw.call("COPY", "src", "dst") == integer(1)
    assert pexpiretime(raw, "dst") == pexpiretime(raw, "src")
    assert ttl(raw, "dst") == 100


def test_copy_of_a_key_without_ttl_replaces_the_destinations_ttl(raw):
    raw.call("SET", "src", "v")
    raw.call("SET", "dst", "old", "EX", "999")
    assert raw.call("COPY", "src", "dst", "REPLACE") == integer(1)
    assert ttl(raw, "dst") == -1
    assert ttl(raw, "src") == -1


def test_copy_with_replace_takes_the_sources_ttl(raw):
    raw.call("SET", "src", "v", "EX", "100")
    raw.call("SET", "dst", "old", "EX", "999")
    assert raw.call("COPY", "src", "dst", "REPLACE") == integer(1)
    assert ttl(raw, "dst") == 100


def test_copy_to_another_database_keeps_the_ttl(raw):
    raw.call("SET", "k", "v", "EX", "100")
    assert raw.call("COPY", "k", "k", "DB", "1") == integer(1)
    raw.call("SELECT", "1")
    assert ttl(raw, "k") == 100


def test_a_copy_dies_with_its_source(raw):
    raw.call("SET", "src", "v", "PX", "30")
    raw.call("COPY", "src", "dst")
    wait_past(30)
    assert raw.call("EXISTS", "src", "dst") == integer(0)


def test_an_expired_key_is_missing_to_copy_touch_and_lcs(raw):
    raw.call("SET", "k", "abc", "PX", "20")
    raw.call("SET", "other", "abc")
    wait_past(20)
    assert raw.call("COPY", "k", "dst") == integer(0)
    assert raw.call("TOUCH", "k", "other") == integer(1)
    assert raw.call("LCS", "k", "other") == b"$0\r\n\r\n"


def test_sort_patterns_skip_expired_keys(raw):
    raw.call("RPUSH", "l", "a", "b")
    raw.call("SET", "w_a", "2")
    raw.call("SET", "w_b", "1", "PX", "20")
    raw.call("SET", "name_b", "bee", "PX", "20")
    wait_past(20)
    # w_b is gone, so b sorts as 0, first; name_b is gone, so a null.
    assert raw.call("SORT", "l", "BY", "w_*", "GET", "#", "GET", "name_*") == (
        b"*4\r\n" + bulk("b") + NULL + bulk("a") + NULL)


def test_sort_store_gives_the_destination_a_value_without_ttl(raw):
    raw.call("RPUSH", "l", "2", "1")
    raw.call("SET", "dst", "old", "EX", "100")
    assert raw.call("SORT", "l", "STORE", "dst") == integer(2)
    assert ttl(raw, "dst") == -1
    assert raw.call("LRANGE", "dst", "0", "-1") == bulks("1", "2")
