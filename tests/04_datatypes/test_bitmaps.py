"""Bitmaps: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO, as Redis 7.0.

A string is an array of bits, bit 0 being the most significant bit of its
first byte. Every expectation here was checked against redis-server 7.0.15;
the hypothesis test at the end compares random sequences of bit commands with
a real redis-server, reply for reply."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.replies import (
    NOT_AN_INTEGER,
    NULL,
    NULL3,
    SYNTAX_ERROR,
    WRONGTYPE,
    arity,
    bulk,
    error,
    integer,
)
from support.wire import RawClient

OFFSET_ERROR = error("bit offset is not an integer or out of range")
BIT_ERROR = error("bit is not an integer or out of range")
TYPE_ERROR = error("Invalid bitfield type. Use something like i16 u8. "
                   "Note that u64 is not supported but i64 is.")
RO_ERROR = error("BITFIELD_RO only supports the GET subcommand")
EMPTY_ARRAY = b"*0\r\n"


def ints(*values: int) -> bytes:
    """An array of integer replies, as BITFIELD sends."""
    return b"*%d\r\n" % len(values) + b"".join(map(integer, values))


# SETBIT and GETBIT

def test_setbit_numbers_bits_from_the_top_bit_of_the_first_byte(raw):
    assert raw.call("SETBIT", "k", "7", "1") == integer(0)
    assert raw.call("GET", "k") == bulk(b"\x01")
    assert raw.call("SETBIT", "k", "0", "1") == integer(0)
    assert raw.call("GET", "k") == bulk(b"\x81")
    assert raw.call("SETBIT", "k", "9", "1") == integer(0)
    assert raw.call("GET", "k") == bulk(b"\x81\x40")


def test_setbit_replies_with_the_bit_it_replaced(raw):
    raw.call("SET", "k", "a")  # 0b01100001
    assert raw.call("SETBIT", "k", "1", "0") == integer(1)
    assert raw.call("SETBIT", "k", "1", "0") == integer(0)
    assert raw.call("SETBIT", "k", "7", "1") == integer(1)
    assert raw.call("GET", "k") == bulk(b"!")  # 0b00100001


def test_setbit_grows_the_string_with_zero_bytes(raw):
    raw.call("SET", "k", "a")
    assert raw.call("SETBIT", "k", "100", "0") == integer(0)
    assert raw.call("GET", "k") == bulk(b"a" + bytes(12))


def test_getbit_reads_bits_and_zeros_past_the_end(raw):
    raw.call("SET", "k", b"\x80\x01")
    bits = [raw.call("GETBIT", "k", offset) for offset in (0, 1, 14, 15, 16, 9999)]
    assert bits == [integer(1), integer(0), integer(0), integer(1), integer(0), integer(0)]


def test_getbit_of_a_missing_key_is_0_and_creates_nothing(raw):
    assert raw.call("GETBIT", "nokey", "4294967295") == integer(0)
    assert raw.call("EXISTS", "nokey") == integer(0)


@pytest.mark.parametrize("offset", ["-1", "4294967296", "x", "010", "+1", "1.0", ""])
def test_bit_offsets_must_be_integers_below_2_to_the_32(raw, offset):
    assert raw.call("SETBIT", "k", offset, "1") == OFFSET_ERROR
    assert raw.call("GETBIT", "k", offset) == OFFSET_ERROR
    assert raw.call("EXISTS", "k") == integer(0)


def test_the_offset_limit_is_proto_max_bulk_len_in_bits(start_server):
    proc = start_server(proto_max_bulk_len="1mb")
    with RawClient(proc.port) as raw:
        last = 8 * 1024 * 1024 - 1
        assert raw.call("SETBIT", "k", last + 1, "1") == OFFSET_ERROR
        assert raw.call("SETBIT", "k", last, "1") == integer(0)
        assert raw.call("STRLEN", "k") == integer(1024 * 1024)
        assert raw.call("BITFIELD", "k", "GET", "u8", last + 1) == OFFSET_ERROR


@pytest.mark.parametrize("value", ["2", "-1", "x", "01", "1.0"])
def test_setbit_value_must_be_0_or_1(raw, value):
    assert raw.call("SETBIT", "k", "0", value) == BIT_ERROR


def test_bit_commands_check_their_arguments_before_the_key_type(raw):
    raw.call("RPUSH", "list", "a")
    assert raw.call("SETBIT", "list", "x", "1") == OFFSET_ERROR
    assert raw.call("SETBIT", "list", "0", "2") == BIT_ERROR
    assert raw.call("GETBIT", "list", "-1") == OFFSET_ERROR
    assert raw.call("BITPOS", "list", "2") == error("The bit argument must be 1 or 0.")
    assert raw.call("BITFIELD", "list", "GET", "u64", "0") == TYPE_ERROR
    assert raw.call("BITFIELD_RO", "list", "SET", "u8", "0", "1") == RO_ERROR


@pytest.mark.parametrize("command", [
    ["SETBIT", "list", "0", "1"], ["GETBIT", "list", "0"], ["BITCOUNT", "list"],
    ["BITCOUNT", "list", "x", "y"], ["BITPOS", "list", "0"], ["BITPOS", "list", "1", "x"],
    ["BITOP", "AND", "dest", "s", "list"], ["BITOP", "NOT", "dest", "list"],
    ["BITFIELD", "list"], ["BITFIELD", "list", "GET", "u8", "0"],
    ["BITFIELD", "list", "SET", "u8", "0", "1"], ["BITFIELD_RO", "list"],
    ["BITFIELD_RO", "list", "GET", "u8", "0"],
])
def test_bit_commands_on_another_type_are_wrongtype(raw, command):
    raw.call("RPUSH", "list", "a")
    raw.call("SET", "s", "x")
    assert raw.call(*command) == WRONGTYPE
    assert raw.call("TYPE", "list") == b"+list\r\n"
    assert raw.call("EXISTS", "dest") == integer(0)


@pytest.mark.parametrize(("args", "name"), [
    (("SETBIT", "k", "0"), "setbit"), (("SETBIT", "k", "0", "1", "1"), "setbit"),
    (("GETBIT", "k"), "getbit"), (("BITCOUNT",), "bitcount"), (("BITPOS", "k"), "bitpos"),
    (("BITOP", "AND", "d"), "bitop"), (("BITOP", "NOT", "d"), "bitop"),
    (("BITFIELD",), "bitfield"), (("BITFIELD_RO",), "bitfield_ro"),
])
def test_wrong_number_of_arguments(raw, args, name):
    assert raw.call(*args) == arity(name)


# BITCOUNT

def test_bitcount_counts_the_bits_set_in_the_whole_string(raw):
    raw.call("SET", "k", "foobar")
    assert raw.call("BITCOUNT", "k") == integer(26)


@pytest.mark.parametrize(("start", "end", "count"), [
    ("0", "0", 4), ("1", "1", 6), ("0", "-1", 26), ("-2", "-1", 7), ("-100", "100", 26),
    ("4", "1", 0), ("6", "10", 0), ("-1", "-2", 0), ("-100", "-50", 4),
])
def test_bitcount_counts_an_inclusive_byte_range(raw, start, end, count):
    raw.call("SET", "k", "foobar")
    assert raw.call("BITCOUNT", "k", start, end) == integer(count)
    assert raw.call("BITCOUNT", "k", start, end, "byte") == integer(count)


@pytest.mark.parametrize(("start", "end", "count"), [
    ("5", "30", 17), ("0", "0", 0), ("1", "1", 1), ("1", "2", 2), ("9", "9", 1),
    ("-5", "-1", 2), ("0", "-1", 26), ("3", "12", 5), ("30", "5", 0), ("40", "100", 4),
])
def test_bitcount_bit_counts_an_inclusive_bit_range(raw, start, end, count):
    raw.call("SET", "k", "foobar")
    assert raw.call("BITCOUNT", "k", start, end, "BIT") == integer(count)


def test_bitcount_of_a_missing_key_is_0_whatever_the_arguments(raw):
    assert raw.call("BITCOUNT", "nokey") == integer(0)
    assert raw.call("BITCOUNT", "nokey", "x") == integer(0)
    assert raw.call("BITCOUNT", "nokey", "0", "1", "NOSUCHUNIT") == integer(0)


def test_bitcount_of_an_empty_string_is_0(raw):
    raw.call("SET", "k", "")
    assert raw.call("BITCOUNT", "k") == integer(0)
    assert raw.call("BITCOUNT", "k", "0", "-1", "BIT") == integer(0)


@pytest.mark.parametrize("args", [
    ["1"], ["1", "2", "BIT", "x"], ["1", "2", "NOSUCHUNIT"], ["1", "2", "bits"],
])
def test_bitcount_with_other_arguments_is_a_syntax_error(raw, args):
    raw.call("SET", "k", "foobar")
    assert raw.call("BITCOUNT", "k", *args) == SYNTAX_ERROR


def test_bitcount_reads_the_range_before_the_unit(raw):
    raw.call("SET", "k", "foobar")
    assert raw.call("BITCOUNT", "k", "x", "1", "NOSUCHUNIT") == NOT_AN_INTEGER
    assert raw.call("BITCOUNT", "k", "0", "x", "NOSUCHUNIT") == NOT_AN_INTEGER
    # A negative range that is empty answers 0 before the unit is read.
    assert raw.call("BITCOUNT", "k", "-1", "-2", "NOSUCHUNIT") == integer(0)


def test_bitcount_reads_the_unit_up_to_a_nul_byte_as_c_does(raw):
    raw.call("SET", "k", "foobar")
    assert raw.call("BITCOUNT", "k", "0", "7", b"bit\x00s") == integer(4)


# BITPOS

def test_bitpos_finds_the_first_bit_set_and_the_first_bit_clear(raw):
    raw.call("SET", "k", b"\x00\x0f\xff")
    assert raw.call("BITPOS", "k", "1") == integer(12)
    assert raw.call("BITPOS", "k", "0") == integer(0)
    assert raw.call("BITPOS", "k", "1", "2") == integer(16)
    assert raw.call("BITPOS", "k", "0", "1") == integer(8)
    assert raw.call("BITPOS", "k", "1", "-1") == integer(16)


def test_bitpos_of_a_missing_key_is_0_for_a_clear_bit_and_minus_1_for_a_set_one(raw):
    assert raw.call("BITPOS", "nokey", "0") == integer(0)
    assert raw.call("BITPOS", "nokey", "1") == integer(-1)
    assert raw.call("BITPOS", "nokey", "0", "x", "y", "z") == integer(0)


def test_bitpos_of_1_in_zeros_is_minus_1(raw):
    raw.call("SET", "k", bytes(3))
    assert raw.call("BITPOS", "k", "1") == integer(-1)
    assert raw.call("BITPOS", "k", "1", "0", "-1", "BIT") == integer(-1)


def test_bitpos_of_0_in_ones_without_an_end_is_the_bit_after_the_string(raw):
    raw.call("SET", "k", b"\xff\xff\xff")
    assert raw.call("BITPOS", "k", "0") == integer(24)
    assert raw.call("BITPOS", "k", "0", "1") == integer(24)
    assert raw.call("BITPOS", "k", "0", "-100") == integer(24)


def test_bitpos_of_0_in_ones_with_an_end_is_minus_1(raw):
    raw.call("SET", "k", b"\xff\xff\xff")
    assert raw.call("BITPOS", "k", "0", "0", "-1") == integer(-1)
    assert raw.call("BITPOS", "k", "0", "0", "100") == integer(-1)
    assert raw.call("BITPOS", "k", "0", "0", "-1", "BIT") == integer(-1)
    assert raw.call("BITPOS", "k", "0", "3", "12", "BIT") == integer(-1)


@pytest.mark.parametrize(("value", "args", "pos"), [
    (b"\xff\xff\xff", ["1", "3", "12", "BIT"], 3),
    (b"\xff\xff\xff", ["1", "-3", "-1", "bit"], 21),
    (b"\x00\x00\x01", ["1", "7", "23", "BIT"], 23),
    (b"\x00\x00\x01", ["1", "7", "22", "BIT"], -1),
    (b"\xf0\x0f", ["0", "2", "5", "BIT"], 4),
    (b"\xf0\x0f", ["0", "2", "3", "BIT"], -1),
    (b"\xf0\x0f", ["1", "4", "11", "BIT"], -1),
    (b"\xf0\x0f", ["1", "4", "12", "BIT"], 12),
    (b"\xff\x00\xff", ["1", "1", "1", "BYTE"], -1),
    (b"\xff\x00\xff", ["0", "5", "5", "BIT"], -1),
    (b"\xff\x00\xff", ["0", "2"], 24),
])
def test_bitpos_searches_a_range_of_bytes_or_bits(raw, value, args, pos):
    raw.call("SET", "k", value)
    assert raw.call("BITPOS", "k", *args) == integer(pos)


def test_bitpos_in_an_empty_range_is_minus_1(raw):
    raw.call("SET", "k", b"\xff\x00")
    assert raw.call("BITPOS", "k", "0", "2") == integer(-1)
    assert raw.call("BITPOS", "k", "1", "1", "0") == integer(-1)
    assert raw.call("BITPOS", "k", "0", "9", "3", "BIT") == integer(-1)


def test_bitpos_of_an_empty_string_is_minus_1_even_for_a_clear_bit(raw):
    raw.call("SET", "k", "")
    assert raw.call("BITPOS", "k", "0") == integer(-1)
    assert raw.call("BITPOS", "k", "1") == integer(-1)


@pytest.mark.parametrize(("args", "reply"), [
    (["2"], error("The bit argument must be 1 or 0.")),
    (["-1"], error("The bit argument must be 1 or 0.")),
    (["x"], NOT_AN_INTEGER),
    (["1", "x"], NOT_AN_INTEGER),
    (["1", "0", "x"], NOT_AN_INTEGER),
    (["1", "x", "0", "NOSUCHUNIT"], NOT_AN_INTEGER),
    (["1", "0", "x", "NOSUCHUNIT"], SYNTAX_ERROR),  # the unit is read before the end
    (["1", "0", "1", "BIT", "x"], SYNTAX_ERROR),
])
def test_bitpos_argument_errors_in_redis_order(raw, args, reply):
    raw.call("SET", "k", "v")
    assert raw.call("BITPOS", "k", *args) == reply


def test_bitcount_and_bitpos_work_on_a_long_string(raw):
    size = 1024 * 1024
    raw.call("SETRANGE", "zeros", size - 1, b"\x00")
    raw.call("SETBIT", "zeros", 8_000_003, "1")
    assert raw.call("BITPOS", "zeros", "1") == integer(8_000_003)
    assert raw.call("BITPOS", "zeros", "1", "1000000") == integer(8_000_003)
    assert raw.call("BITCOUNT", "zeros") == integer(1)
    assert raw.call("BITCOUNT", "zeros", "8000004", "-1", "BIT") == integer(0)
    raw.call("BITOP", "NOT", "ones", "zeros")
    assert raw.call("BITPOS", "ones", "0") == integer(8_000_003)
    assert raw.call("BITCOUNT", "ones") == integer(size * 8 - 1)
    raw.call("SETBIT", "ones", 8_000_003, "1")
    assert raw.call("BITPOS", "ones", "0") == integer(size * 8)


# BITOP

def test_bitop_and_or_xor_combine_strings_byte_by_byte(raw):
    raw.call("SET", "a", b"\xff\x0f")
    raw.call("SET", "b", b"\x0f\xff")
    assert raw.call("BITOP", "AND", "d", "a", "b") == integer(2)
    assert raw.call("GET", "d") == bulk(b"\x0f\x0f")
    assert raw.call("BITOP", "or", "d", "a", "b") == integer(2)
    assert raw.call("GET", "d") == bulk(b"\xff\xff")
    assert raw.call("BITOP", "Xor", "d", "a", "b") == integer(2)
    assert raw.call("GET", "d") == bulk(b"\xf0\xf0")


def test_bitop_pads_shorter_strings_and_missing_keys_with_zero_bytes(raw):
    raw.call("SET", "long", b"\xff\xff\xff")
    raw.call("SET", "short", b"\x0f")
    assert raw.call("BITOP", "OR", "d", "short", "long") == integer(3)
    assert raw.call("GET", "d") == bulk(b"\xff\xff\xff")
    assert raw.call("BITOP", "AND", "d", "long", "short") == integer(3)
    assert raw.call("GET", "d") == bulk(b"\x0f\x00\x00")
    assert raw.call("BITOP", "XOR", "d", "short", "nokey", "long") == integer(3)
    assert raw.call("GET", "d") == bulk(b"\xf0\xff\xff")
    assert raw.call("BITOP", "AND", "d", "long", "nokey") == integer(3)
    assert raw.call("GET", "d") == bulk(bytes(3))


def test_bitop_not_inverts_every_bit(raw):
    raw.call("SET", "a", b"\x0f\x00\xa5")
    assert raw.call("BITOP", "NOT", "d", "a") == integer(3)
    assert raw.call("GET", "d") == bulk(b"\xf0\xff\x5a")


@pytest.mark.parametrize("sources", [["nokey"], ["nokey", "other"], ["empty"]])
@pytest.mark.parametrize("op", ["AND", "OR", "XOR", "NOT"])
def test_bitop_with_an_empty_result_deletes_the_destination(raw, op, sources):
    if op == "NOT":
        sources = sources[:1]
    raw.call("SET", "empty", "")
    raw.call("RPUSH", "d", "any type")
    assert raw.call("BITOP", op, "d", *sources) == integer(0)
    assert raw.call("EXISTS", "d") == integer(0)


def test_bitop_replaces_a_destination_of_any_type(raw):
    raw.call("SET", "a", "x")
    raw.call("RPUSH", "d", "v")
    assert raw.call("BITOP", "AND", "d", "a") == integer(1)
    assert raw.call("GET", "d") == bulk("x")


def test_bitop_errors(raw):
    raw.call("SET", "a", "x")
    assert raw.call("BITOP", "NAND", "d", "a") == SYNTAX_ERROR
    assert raw.call("BITOP", "NOT", "d", "a", "a") == error(
        "BITOP NOT must be called with a single source key.")
    assert raw.call("BITOP", b"and\x00x", "d", "a") == integer(1)  # strcasecmp() stops at NUL


# BITFIELD and BITFIELD_RO

def test_bitfield_writes_an_integer_across_a_byte_boundary(raw):
    # Redis's own example: u5 = 23 at bit 7 gives 00000001 01110000.
    assert raw.call("BITFIELD", "k", "SET", "u5", "7", "23") == ints(0)
    assert raw.call("GET", "k") == bulk(b"\x01\x70")
    assert raw.call("BITFIELD", "k", "GET", "u5", "7", "GET", "i5", "7") == ints(23, -9)


def test_bitfield_reads_big_endian_fields_of_any_width(raw):
    raw.call("SET", "k", b"\x12\x34\x56\x78\x9a\xbc\xde\xf0\x80")
    assert raw.call("BITFIELD", "k", "GET", "u8", "0", "GET", "u16", "4", "GET", "i16", "32",
                    "GET", "i64", "8", "GET", "u63", "1", "GET", "i1", "64",
                    "GET", "u1", "64") == ints(
        0x12, 0x2345, 0x9abc - 0x10000, 0x3456789abcdef080,
        0x123456789abcdef0 & (2**63 - 1), -1, 1)


def test_bitfield_get_reads_zeros_past_the_end_and_creates_nothing(raw):
    raw.call("SET", "k", b"\xff")
    assert raw.call("BITFIELD", "k", "GET", "u8", "4", "GET", "i64", "100") == ints(0xf0, 0)
    assert raw.call("BITFIELD", "nokey", "GET", "i8", "0") == ints(0)
    assert raw.call("EXISTS", "nokey") == integer(0)


def test_bitfield_hash_offsets_count_fields_of_the_type_width(raw):
    raw.call("SET", "k", b"\x01\x02\x03")
    assert raw.call("BITFIELD", "k", "GET", "u8", "#2", "GET", "u4", "#3") == ints(3, 2)
    assert raw.call("BITFIELD", "k", "SET", "u8", "#0", "9", "GET", "u8", "0") == ints(1, 9)


@pytest.mark.parametrize("offset", ["#-1", "#", "##1", "#x", "#536870912"])
def test_bitfield_hash_offsets_that_are_not_integers_or_too_far(raw, offset):
    assert raw.call("BITFIELD", "k", "GET", "i8", offset) == OFFSET_ERROR


def test_bitfield_hash_offsets_wrap_around_64_bits_as_in_c(raw):
    raw.call("SET", "k", "A")
    # 2**58 fields of 64 bits: 2**64 wraps to offset 0; 2**57 * 64 is negative.
    assert raw.call("BITFIELD", "k", "GET", "i64", "#288230376151711744") == ints(
        ord("A") << 56)
    assert raw.call("BITFIELD", "k", "GET", "i64", "#144115188075855872") == OFFSET_ERROR


@pytest.mark.parametrize("encoding", [
    "u64", "i65", "i0", "u0", "x8", "", "I8", "U8", "i08", "i+8", "i 8", "i8 ", "8",
])
def test_bitfield_types_are_i1_to_i64_and_u1_to_u63(raw, encoding):
    assert raw.call("BITFIELD", "k", "GET", encoding, "0") == TYPE_ERROR


def test_bitfield_reads_its_type_up_to_a_nul_byte_as_c_does(raw):
    raw.call("SET", "k", b"\x80")
    assert raw.call("BITFIELD", "k", "GET", b"i8\x00junk", "0") == ints(-128)
    assert raw.call("BITFIELD", "k", b"get\x00junk", "u8", "0") == ints(128)


@pytest.mark.parametrize("args", [
    ["GET"], ["GET", "u8"], ["SET", "u8", "0"], ["INCRBY", "u8", "0"], ["OVERFLOW"],
    ["NOSUCHOP", "u8", "0"], ["GET", "u8", "0", "SET"],
])
def test_bitfield_syntax_errors(raw, args):
    assert raw.call("BITFIELD", "k", *args) == SYNTAX_ERROR


def test_bitfield_checks_every_argument_before_running_any(raw):
    assert raw.call("BITFIELD", "k", "SET", "u8", "0", "1", "SET", "u8", "0", "x") == \
        NOT_AN_INTEGER
    assert raw.call("BITFIELD", "k", "SET", "u8", "0", "1", "OVERFLOW", "NONE") == error(
        "Invalid OVERFLOW type specified")
    assert raw.call("EXISTS", "k") == integer(0)


def test_bitfield_without_operations_replies_an_empty_array(raw):
    assert raw.call("BITFIELD", "k") == EMPTY_ARRAY
    assert raw.call("BITFIELD", "k", "OVERFLOW", "SAT") == EMPTY_ARRAY
    assert raw.call("BITFIELD_RO", "k") == EMPTY_ARRAY
    assert raw.call("EXISTS", "k") == integer(0)


def test_bitfield_set_replies_the_old_value_and_incrby_the_new_one(raw):
    assert raw.call("BITFIELD", "k", "SET", "i8", "0", "-5", "INCRBY", "i8", "0", "10",
                    "SET", "i8", "0", "7", "GET", "i8", "0") == ints(0, 5, 5, 7)


def test_bitfield_wraps_by_default(raw):
    assert raw.call("BITFIELD", "k", "SET", "u8", "0", "255", "INCRBY", "u8", "0", "1",
                    "INCRBY", "u8", "0", "-1", "SET", "i8", "8", "127",
                    "INCRBY", "i8", "8", "1", "SET", "u8", "16", "-1",
                    "GET", "u8", "16") == ints(0, 0, 255, 0, -128, 0, 255)


def test_bitfield_overflow_sat_stops_at_the_limits(raw):
    assert raw.call("BITFIELD", "k", "OVERFLOW", "SAT", "SET", "u8", "0", "300",
                    "INCRBY", "u8", "0", "-400", "SET", "u8", "0", "-1", "GET", "u8", "0",
                    "SET", "i8", "8", "-200", "INCRBY", "i8", "8", "1000") == ints(
        0, 0, 0, 255, 0, 127)


def test_bitfield_overflow_fail_writes_nothing_and_replies_null(raw):
    assert raw.call("BITFIELD", "k", "SET", "u8", "0", "250", "OVERFLOW", "FAIL",
                    "INCRBY", "u8", "0", "10", "INCRBY", "u8", "0", "5",
                    "SET", "i8", "0", "128", "GET", "u8", "0") == (
        b"*5\r\n:0\r\n" + NULL + b":255\r\n" + NULL + b":255\r\n")


def test_bitfield_overflow_fail_is_null_in_resp3(raw3):
    assert raw3.call("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "4") == (
        b"*1\r\n" + NULL3)


def test_bitfield_overflow_applies_to_the_operations_after_it(raw):
    assert raw.call("BITFIELD", "k", "INCRBY", "u2", "0", "5", "OVERFLOW", "SAT",
                    "INCRBY", "u2", "2", "5", "OVERFLOW", "WRAP",
                    "INCRBY", "u2", "4", "5") == ints(1, 3, 1)


def test_bitfield_write_grows_the_string_even_when_it_fails(raw):
    assert raw.call("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", "100", "10") == (
        b"*1\r\n" + NULL)
    assert raw.call("GET", "k") == bulk(bytes(13))


def test_bitfield_64_bit_signed_overflow(raw):
    top, bottom = 2**63 - 1, -(2**63)
    assert raw.call("BITFIELD", "k", "SET", "i64", "0", top, "INCRBY", "i64", "0", "1",
                    "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-1",
                    "INCRBY", "i64", "0", bottom, "INCRBY", "i64", "0", top,
                    "INCRBY", "i64", "0", top) == ints(0, bottom, bottom, bottom, -1, top - 1)


def test_bitfield_unsigned_63_bits_is_the_widest_unsigned_field(raw):
    assert raw.call("BITFIELD", "k", "OVERFLOW", "SAT", "SET", "u63", "0", 2**63 - 1,
                    "INCRBY", "u63", "0", "1", "OVERFLOW", "WRAP",
                    "INCRBY", "u63", "0", "1") == ints(0, 2**63 - 1, 0)


def test_bitfield_one_bit_signed_field_holds_0_and_minus_1(raw):
    assert raw.call("BITFIELD", "k", "SET", "i1", "0", "1", "GET", "i1", "0",
                    "OVERFLOW", "SAT", "SET", "i1", "0", "1", "GET", "i1", "0",
                    "INCRBY", "i1", "0", "-5") == ints(0, -1, -1, 0, -1)


def test_bitfield_sat_set_of_a_number_near_the_64_bit_minimum_saturates_high(raw):
    """Redis computes the room above a signed field's value in 64 bits; for
    values within 2**(bits-1) of -2**63 it wraps around, so SAT stores the
    maximum, not the minimum. We reproduce it."""
    bottom = -(2**63)
    assert raw.call("BITFIELD", "k", "OVERFLOW", "SAT",
                    "SET", "i8", "0", bottom, "GET", "i8", "0",
                    "SET", "i8", "0", bottom + 127, "GET", "i8", "0",
                    "SET", "i8", "0", bottom + 128, "GET", "i8", "0",
                    "SET", "i63", "8", -(2**62) - 1, "GET", "i63", "8") == ints(
        0, 127, 127, 127, 127, -128, 0, 2**62 - 1)


def test_bitfield_ro_reads_like_bitfield_get(raw):
    raw.call("SET", "k", b"\xab\xcd")
    assert raw.call("BITFIELD_RO", "k", "GET", "u4", "0", "GET", "i8", "4",
                    "OVERFLOW", "FAIL", "GET", "u4", "#3") == ints(0xa, -68, 0xd)


@pytest.mark.parametrize("args", [
    ["SET", "u8", "0", "1"], ["INCRBY", "u8", "0", "1"], ["GET", "u8", "0", "SET", "u8", "0", "1"],
])
def test_bitfield_ro_refuses_writes(raw, args):
    assert raw.call("BITFIELD_RO", "k", *args) == RO_ERROR
    assert raw.call("EXISTS", "k") == integer(0)


def test_bitfield_ro_checks_the_arguments_before_refusing_writes(raw):
    assert raw.call("BITFIELD_RO", "k", "SET", "u8", "0", "x") == NOT_AN_INTEGER
    assert raw.call("BITFIELD_RO", "k", "SET", "u64", "0", "1") == TYPE_ERROR


# redis-py

def test_redis_py_bit_commands(r):
    assert r.setbit("b", 7, 1) == 0
    assert r.setbit("b", 7, 0) == 1
    assert r.setbit("b", 12, 1) == 0
    assert r.getbit("b", 12) == 1
    assert r.get("b") == b"\x00\x08"
    assert r.bitcount("b") == 1
    assert r.bitcount("b", 0, 0) == 0
    assert r.bitcount("b", 10, 15, mode="BIT") == 1
    assert r.bitpos("b", 1) == 12
    assert r.bitpos("b", 0, 1, -1) == 8
    assert r.bitpos("b", 1, 13, 15, mode="BIT") == -1


def test_redis_py_bitop(r):
    r.set("a", b"\xf0")
    r.set("b", b"\x3c\x01")
    assert r.bitop("AND", "and", "a", "b") == 2
    assert r.bitop("XOR", "xor", "a", "b") == 2
    assert r.bitop("NOT", "not", "a") == 1
    assert r.mget("and", "xor", "not") == [b"\x30\x00", b"\xcc\x01", b"\x0f"]


def test_redis_py_bitfield(r):
    ops = (r.bitfield("bf").set("u8", 0, 200).get("u8", 0).incrby("u8", 0, 100)
           .incrby("u8", 0, 100, overflow="SAT").incrby("i4", "#2", 9, overflow="FAIL")
           .get("i16", 0))
    assert ops.execute() == [0, 200, 44, 144, None, -28672]
    assert r.bitfield_ro("bf", "u8", 0, items=[("i4", 0), ("u4", "#1")]) == [144, -7, 0]


# A real redis-server and the target, run through the same random commands.

KEYS = ["a", "b"]
OFFSETS = st.one_of(st.integers(0, 70), st.integers(0, 9).map(lambda n: f"#{n}"))
TYPES = st.one_of(st.integers(1, 64).map(lambda n: f"i{n}"),
                  st.integers(1, 63).map(lambda n: f"u{n}"))
NUMBERS = st.one_of(st.integers(-300, 300), st.integers(-(2**63), 2**63 - 1),
                    st.sampled_from([2**63 - 1, -(2**63), -(2**63) + 127, 2**62, -(2**62) - 1]))
RANGE = st.integers(-30, 30)
UNIT = st.sampled_from([[], ["BYTE"], ["BIT"]])

bitfield_ops = st.one_of(
    st.tuples(st.just("GET"), TYPES, OFFSETS),
    st.tuples(st.sampled_from(["SET", "INCRBY"]), TYPES, OFFSETS, NUMBERS),
    st.tuples(st.just("OVERFLOW"), st.sampled_from(["WRAP", "SAT", "FAIL"])),
)
bit_commands = st.one_of(
    st.builds(lambda k, o, b: ["SETBIT", k, o, b], st.sampled_from(KEYS),
              st.integers(0, 90), st.integers(0, 1)),
    st.builds(lambda k, o: ["GETBIT", k, o], st.sampled_from(KEYS), st.integers(0, 90)),
    st.builds(lambda k, v: ["SET", k, v], st.sampled_from(KEYS), st.binary(max_size=6)),
    st.builds(lambda k, ops: ["BITFIELD", k, *[a for op in ops for a in op]],
              st.sampled_from(KEYS), st.lists(bitfield_ops, max_size=5)),
    st.builds(lambda k, ops: ["BITFIELD_RO", k, *[a for op in ops for a in op]],
              st.sampled_from(KEYS), st.lists(st.tuples(st.just("GET"), TYPES, OFFSETS),
                                               max_size=3)),
    st.builds(lambda k, r, u: ["BITCOUNT", k, *r, *u], st.sampled_from(KEYS),
              st.lists(RANGE, min_size=2, max_size=2), UNIT),
    st.builds(lambda k, b, r, u: ["BITPOS", k, b, *r, *(u if len(r) == 2 else [])],
              st.sampled_from(KEYS), st.integers(0, 1),
              st.lists(RANGE, max_size=2), UNIT),
    st.builds(lambda op, d, s: ["BITOP", op, d, *s], st.sampled_from(["AND", "OR", "XOR"]),
              st.sampled_from(KEYS), st.lists(st.sampled_from([*KEYS, "c"]), min_size=1,
                                              max_size=3)),
    st.builds(lambda d, s: ["BITOP", "NOT", d, s], st.sampled_from(KEYS),
              st.sampled_from([*KEYS, "c"])),
)


@settings(max_examples=150)
@given(commands=st.lists(bit_commands, min_size=1, max_size=12))
def test_random_bit_commands_agree_with_redis(raw, reference, commands):
    for client in (raw, reference):
        client.call("DEL", *KEYS)
    for command in commands:
        assert raw.call(*command) == reference.call(*command), command
    for key in KEYS:
        assert raw.call("GET", key) == reference.call("GET", key), key
