"""OBJECT ENCODING of strings after each command that writes one: SET and
its kind store the most compact encoding (int, embstr up to 44 bytes, raw);
APPEND, SETRANGE, SETBIT and BITFIELD writes leave a raw string, the key's
own; INCR and DECR store an int; INCRBYFLOAT an embstr or raw string; COPY
keeps the encoding. OBJECT REFCOUNT shows the shared integers 0..9999, and
every command reads an int string as its digits."""

import pytest
from support.replies import NULL, NULL3, bulk, integer

SHARED = integer(2147483647)  # OBJECT REFCOUNT of a shared object: INT_MAX


def encoding(raw, key: str = "k") -> bytes:
    return raw.call("OBJECT", "ENCODING", key)


@pytest.mark.exercise("06-try-object-encoding")
@pytest.mark.parametrize(("value", "expected"), [
    ("0", "int"),
    ("9999", "int"),
    ("10000", "int"),
    ("-1", "int"),
    ("9223372036854775807", "int"),
    ("-9223372036854775808", "int"),
    ("9223372036854775808", "embstr"),  # past a long
    ("12345678901234567890", "embstr"),
    ("-0", "embstr"),  # not the one way string2l() writes 0
    ("007", "embstr"),
    ("+7", "embstr"),
    (" 7", "embstr"),
    ("7 ", "embstr"),
    ("1.5", "embstr"),
    ("", "embstr"),
    ("hello", "embstr"),
    ("x" * 44, "embstr"),
    ("x" * 45, "raw"),
    ("1" * 44, "embstr"),  # digits, but longer than any long
    ("1" * 45, "raw"),
])
def test_set_stores_the_most_compact_encoding(raw, value, expected):
    raw.call("SET", "k", value)
    assert encoding(raw) == bulk(expected)
    assert raw.call("GET", "k") == bulk(value)


@pytest.mark.exercise("06-try-object-encoding")
@pytest.mark.parametrize("command", [
    ("SET", "k", "{}"),
    ("SET", "k", "{}", "EX", "100"),
    ("SET", "k", "{}", "GET"),
    ("SETNX", "k", "{}"),
    ("SETEX", "k", "100", "{}"),
    ("PSETEX", "k", "100000", "{}"),
    ("GETSET", "k", "{}"),
    ("MSET", "other", "x", "k", "{}"),
    ("MSETNX", "k", "{}"),
    ("APPEND", "k", "{}"),  # a new key: stored as SET stores it
])
@pytest.mark.parametrize(("value", "expected"), [
    ("42", "int"), ("123456", "int"), ("abc", "embstr"), ("y" * 45, "raw"),
])
def test_every_command_that_sets_a_new_string_encodes_it(raw, command, value,
                                                         expected):
    raw.call(*(arg.format(value) for arg in command))
    assert encoding(raw) == bulk(expected)
    assert raw.call("GET", "k") == bulk(value)


def test_object_encoding_of_a_missing_key_is_null(raw):
    assert encoding(raw, "nokey") == NULL
    raw.call("HELLO", "3")
    assert encoding(raw, "nokey") == NULL3


@pytest.mark.parametrize("value", ["12", "abc", "z" * 50])
def test_append_to_an_existing_string_makes_it_raw(raw, value):
    raw.call("SET", "k", value)
    assert raw.call("APPEND", "k", "3") == integer(len(value) + 1)
    assert encoding(raw) == bulk("raw")
    assert raw.call("GET", "k") == bulk(value + "3")


def test_appending_nothing_still_makes_the_string_raw(raw):
    raw.call("SET", "k", "12")
    assert raw.call("APPEND", "k", "") == integer(2)
    assert encoding(raw) == bulk("raw")


def test_setrange_makes_a_raw_string_new_or_old(raw):
    assert raw.call("SETRANGE", "new", "0", "10") == integer(2)
    assert encoding(raw, "new") == bulk("raw")
    raw.call("SET", "k", "20000")
    assert raw.call("SETRANGE", "k", "1", "9") == integer(5)
    assert encoding(raw) == bulk("raw")
    assert raw.call("GET", "k") == bulk("29000")


def test_setrange_of_nothing_changes_no_encoding(raw):
    raw.call("SET", "k", "20000")
    assert raw.call("SETRANGE", "k", "0", "") == integer(5)
    assert encoding(raw) == bulk("int")
    assert raw.call("SETRANGE", "new", "3", "") == integer(0)
    assert raw.call("EXISTS", "new") == integer(0)


@pytest.mark.parametrize("command", [
    ("SETBIT", "k", "0", "1"),
    ("SETBIT", "k", "0", "0"),  # a bit that does not change
    ("BITFIELD", "k", "SET", "u8", "0", "1"),
    ("BITFIELD", "k", "INCRBY", "u8", "100", "1"),
    ("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "9"),
])
@pytest.mark.parametrize("old", [None, "5", "20000", "abc"])
def test_bit_writes_leave_a_raw_string(raw, command, old):
    if old is not None:
        raw.call("SET", "k", old)
    raw.call(*command)
    assert encoding(raw) == bulk("raw")


def test_bit_reads_leave_an_int_as_it_is(raw):
    raw.call("SET", "k", "12")  # "1" is 0x31, "2" is 0x32
    assert raw.call("BITFIELD", "k", "GET", "u8", "0") == b"*1\r\n:49\r\n"
    assert raw.call("BITFIELD_RO", "k", "GET", "u8", "8") == b"*1\r\n:50\r\n"
    assert raw.call("GETBIT", "k", "2") == integer(1)
    assert raw.call("BITCOUNT", "k") == integer(6)
    assert raw.call("BITPOS", "k", "1") == integer(2)
    assert encoding(raw) == bulk("int")


@pytest.mark.parametrize("operation", ["AND", "OR", "XOR"])
def test_bitop_stores_a_raw_string_even_a_short_one(raw, operation):
    raw.call("SET", "a", "1")
    raw.call("SET", "b", "2")
    assert raw.call("BITOP", operation, "k", "a", "b") == integer(1)
    assert encoding(raw) == bulk("raw")


def test_bitop_not_stores_a_raw_string(raw):
    raw.call("SET", "a", "12")
    assert raw.call("BITOP", "NOT", "k", "a") == integer(2)
    assert encoding(raw) == bulk("raw")
    assert raw.call("GET", "k") == bulk(b"\xce\xcd")


@pytest.mark.parametrize("command", [
    ("INCR", "k"), ("DECR", "k"), ("INCRBY", "k", "10"),
    ("DECRBY", "k", "-20000"),
])
@pytest.mark.parametrize("old", [None, "7", "20000", "-5"])
def test_incr_and_decr_store_an_int(raw, command, old):
    if old is not None:
        raw.call("SET", "k", old)
    raw.call(*command)
    assert encoding(raw) == bulk("int")


def test_incr_of_a_raw_string_stores_an_int(raw):
    raw.call("SETRANGE", "k", "0", "10")
    assert encoding(raw) == bulk("raw")
    assert raw.call("INCR", "k") == integer(11)
    assert encoding(raw) == bulk("int")


@pytest.mark.parametrize(("old", "increment", "expected"), [
    (None, "1", "embstr"),  # "1": a whole number, still not an int
    ("10", "1.5", "embstr"),
    ("10", "1e40", "embstr"),  # 41 digits
    ("10", "1e50", "raw"),  # 51 digits
])
def test_incrbyfloat_stores_an_embstr_or_raw_string(raw, old, increment,
                                                    expected):
    if old is not None:
        raw.call("SET", "k", old)
    raw.call("INCRBYFLOAT", "k", increment)
    assert encoding(raw) == bulk(expected)


@pytest.mark.parametrize(("value", "expected"), [
    ("5", "int"), ("20000", "int"), ("abc", "embstr"), ("w" * 50, "raw"),
])
def test_copy_keeps_the_encoding(raw, value, expected):
    raw.call("SET", "k", value)
    assert raw.call("COPY", "k", "copy") == integer(1)
    assert encoding(raw, "copy") == bulk(expected)
    assert raw.call("GET", "copy") == bulk(value)


def test_copy_of_an_appended_string_is_raw(raw):
    raw.call("SET", "k", "ab")
    raw.call("APPEND", "k", "c")
    raw.call("COPY", "k", "copy")
    assert encoding(raw, "copy") == bulk("raw")


def test_rename_and_move_keep_the_value_and_its_encoding(raw):
    raw.call("SETRANGE", "k", "0", "10")
    raw.call("RENAME", "k", "renamed")
    assert encoding(raw, "renamed") == bulk("raw")
    assert raw.call("MOVE", "renamed", "1") == integer(1)
    raw.call("SELECT", "1")
    assert encoding(raw, "renamed") == bulk("raw")


@pytest.mark.parametrize("command", [
    ("GET", "k"), ("STRLEN", "k"), ("GETRANGE", "k", "0", "1"),
    ("GETEX", "k", "EX", "100"), ("GETEX", "k", "PERSIST"),
    ("SETRANGE", "k", "0", ""), ("LCS", "k", "k"), ("MGET", "k"),
])
def test_reading_an_int_string_keeps_it_an_int(raw, command):
    raw.call("SET", "k", "-123")
    raw.call(*command)
    assert encoding(raw) == bulk("int")


def test_an_int_string_reads_as_its_digits(raw):
    raw.call("SET", "k", "-123")
    assert raw.call("GET", "k") == bulk("-123")
    assert raw.call("STRLEN", "k") == integer(4)
    assert raw.call("GETRANGE", "k", "1", "-1") == bulk("123")
    assert raw.call("MGET", "k", "nokey") == b"*2\r\n$4\r\n-123\r\n$-1\r\n"
    raw.call("SET", "other", "x12y")
    assert raw.call("LCS", "k", "other") == bulk("12")
    assert raw.call("INCRBYFLOAT", "k", "0.5") == bulk("-122.5")


def test_sort_reads_int_strings_by_pattern(raw):
    raw.call("RPUSH", "list", "a", "b")
    raw.call("SET", "weight_a", "20")
    raw.call("SET", "weight_b", "3")
    raw.call("SET", "name_a", "100")
    assert raw.call("SORT", "list", "BY", "weight_*", "GET", "name_*",
                    "GET", "#") == b"*4\r\n$-1\r\n$1\r\nb\r\n$3\r\n100\r\n$1\r\na\r\n"


@pytest.mark.exercise("06-try-object-encoding")
@pytest.mark.parametrize(("value", "refcount"), [
    ("0", SHARED), ("9999", SHARED), ("10000", integer(1)),
    ("-1", integer(1)), ("hello", integer(1)), ("x" * 45, integer(1)),
])
def test_refcount_shows_the_shared_integers(raw, value, refcount):
    raw.call("SET", "k", value)
    assert raw.call("OBJECT", "REFCOUNT", "k") == refcount


def test_incr_and_decr_cross_the_edge_of_the_shared_integers(raw):
    raw.call("SET", "k", "9998")
    raw.call("INCR", "k")
    assert raw.call("OBJECT", "REFCOUNT", "k") == SHARED
    raw.call("INCR", "k")
    assert raw.call("OBJECT", "REFCOUNT", "k") == integer(1)
    raw.call("INCRBY", "k", "5")
    assert raw.call("OBJECT", "REFCOUNT", "k") == integer(1)
    raw.call("DECRBY", "k", "6")
    assert raw.call("OBJECT", "REFCOUNT", "k") == SHARED
    assert raw.call("GET", "k") == bulk("9999")


def test_a_copy_of_a_shared_integer_is_not_shared(raw):
    raw.call("SET", "k", "5")
    raw.call("COPY", "k", "copy")
    assert raw.call("OBJECT", "REFCOUNT", "copy") == integer(1)
    assert raw.call("OBJECT", "REFCOUNT", "k") == SHARED


def test_incr_of_a_key_that_holds_a_shared_integer_leaves_it_shared(raw):
    raw.call("SET", "a", "5")
    raw.call("SET", "b", "5")
    raw.call("INCR", "a")
    assert raw.call("GET", "b") == bulk("5")
    assert raw.call("OBJECT", "REFCOUNT", "b") == SHARED


def test_refcount_of_other_types_is_one(raw):
    raw.call("RPUSH", "list", "1")
    raw.call("SADD", "set", "1")
    raw.call("HSET", "hash", "1", "1")
    raw.call("ZADD", "zset", "1", "1")
    for key in ("list", "set", "hash", "zset"):
        assert raw.call("OBJECT", "REFCOUNT", key) == integer(1)
    assert raw.call("OBJECT", "REFCOUNT", "nokey") == NULL
