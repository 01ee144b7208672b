"""listpack.py on its own: every encoding boundary, the backlen, edits at
both ends and in the middle, walking both ways, seek, find, and
lp_validate_integrity() against corrupt input. The expected bytes are
written out by hand from listpack.c's layout; test_encodings_oracle.py
checks the same layout against real Redis's DUMP."""

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.harness import modules_from

pytestmark = pytest.mark.internal

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
EOF = b"\xff"


@pytest.fixture(scope="module")
def lp(target):
    with modules_from(target.directory) as load:
        yield load("listpack")


def header(total: int, count: int) -> bytes:
    return struct.pack("<IH", total, count)


def canonical(ele):
    """What a listpack stores for `ele`, worked out without listpack.py:
    an int when the string prints back unchanged as an int64."""
    if isinstance(ele, int):
        return ele
    try:
        value = int(ele)
    except ValueError:
        return ele
    return value if b"%d" % value == ele and INT64_MIN <= value <= INT64_MAX else ele


def walk_forward(lp, blob):
    out, p = [], lp.lp_first(blob)
    while p is not None:
        out.append(lp.lp_get(blob, p))
        p = lp.lp_next(blob, p)
    return out


def walk_backward(lp, blob):
    out, p = [], lp.lp_last(blob)
    while p is not None:
        out.append(lp.lp_get(blob, p))
        p = lp.lp_prev(blob, p)
    return out


def offsets(lp, blob):
    out, p = [], lp.lp_first(blob)
    while p is not None:
        out.append(p)
        p = lp.lp_next(blob, p)
    return out


# -- the encodings ------------------------------------------------------------

INTEGERS = [
    (0, b"\x00"), (1, b"\x01"), (127, b"\x7f"),                 # 7-bit uint
    (128, b"\xc0\x80"), (-1, b"\xdf\xff"), (4095, b"\xcf\xff"),  # 13-bit
    (-4096, b"\xd0\x00"),
    (4096, b"\xf1\x00\x10"), (-4097, b"\xf1\xff\xef"),          # 16-bit
    (32767, b"\xf1\xff\x7f"), (-32768, b"\xf1\x00\x80"),
    (32768, b"\xf2\x00\x80\x00"), (-32769, b"\xf2\xff\x7f\xff"),  # 24-bit
    (8388607, b"\xf2\xff\xff\x7f"), (-8388608, b"\xf2\x00\x00\x80"),
    (8388608, b"\xf3\x00\x00\x80\x00"),                        # 32-bit
    (2**31 - 1, b"\xf3\xff\xff\xff\x7f"), (-(2**31), b"\xf3\x00\x00\x00\x80"),
    (2**31, b"\xf4\x00\x00\x00\x80\x00\x00\x00\x00"),          # 64-bit
    (-(2**31) - 1, b"\xf4\xff\xff\xff\x7f\xff\xff\xff\xff"),
    (INT64_MAX, b"\xf4" + b"\xff" * 7 + b"\x7f"),
    (INT64_MIN, b"\xf4" + b"\x00" * 7 + b"\x80"),
]


@pytest.mark.exercise("06-lp-encode-integer")
@pytest.mark.parametrize(("value", "encoded"), INTEGERS)
def test_each_integer_takes_the_narrowest_encoding_at_its_boundary(lp, value, encoded):
    assert lp.lp_encode_integer_get_type(value) == encoded
    assert lp.lp_encode_element(value) == encoded
    assert lp.lp_encode_element(b"%d" % value) == encoded  # a canonical string


@pytest.mark.exercise("06-lp-encode-integer")
@pytest.mark.parametrize(("value", "encoded"), INTEGERS)
def test_each_integer_decodes_back_to_itself_as_an_int(lp, value, encoded):
    blob = lp.lp_from_entries([value])
    assert blob == header(7 + len(encoded) + 1, 1) + encoded + bytes([len(encoded)]) + EOF
    assert lp.lp_get(blob, 6) == value
    assert lp.lp_entries(blob, strings=True) == [b"%d" % value]


@pytest.mark.parametrize("text", [
    b"007", b"-0", b"+1", b" 1", b"1 ", b"00", b"-", b"", b"1e3", b"0x10", b"1_000",
    b"9223372036854775808", b"-9223372036854775809", b"12345678901234567890",
    b"\xef\xbc\x91",  # a fullwidth digit one
])
def test_strings_that_are_not_canonical_integers_stay_strings(lp, text):
    assert lp.lp_string_to_int64(text) is None
    assert lp.lp_encode_element(text) == bytes([0x80 | len(text)]) + text
    assert lp.lp_entries(lp.lp_from_entries([text])) == [text]


@pytest.mark.parametrize(("text", "value"), [
    (b"0", 0), (b"-1", -1), (b"10", 10), (b"9223372036854775807", INT64_MAX),
    (b"-9223372036854775808", INT64_MIN),
])
def test_canonical_integer_strings_are_read_as_integers(lp, text, value):
    assert lp.lp_string_to_int64(text) == value


@pytest.mark.parametrize(("size", "head"), [
    (0, b"\x80"), (1, b"\x81"), (63, b"\xbf"),                # 6-bit length
    (64, b"\xe0\x40"), (255, b"\xe0\xff"), (4095, b"\xef\xff"),  # 12-bit
    (4096, b"\xf0\x00\x10\x00\x00"), (70000, b"\xf0\x70\x11\x01\x00"),  # 32-bit
])
def test_each_string_length_takes_the_narrowest_header(lp, size, head):
    text = b"s" * size
    assert lp.lp_encode_element(text) == head + text
    assert lp.lp_entries(lp.lp_from_entries([text, b"after"])) == [text, b"after"]


# -- the backlen ---------------------------------------------------------------

@pytest.mark.exercise("06-lp-encode-backlen")
@pytest.mark.parametrize(("size", "encoded"), [
    (0, b"\x00"), (1, b"\x01"), (127, b"\x7f"),
    (128, b"\x01\x80"), (16382, b"\x7f\xfe"),
    # Redis compares with `<`: 16383 fits 14 bits but takes three bytes.
    (16383, b"\x00\xff\xff"), (16384, b"\x01\x80\x80"),
    (2097150, b"\x7f\xff\xfe"), (2097151, b"\x00\xff\xff\xff"),
    (268435454, b"\x7f\xff\xff\xfe"), (268435455, b"\x00\xff\xff\xff\xff"),
    (2**32 - 1, b"\x0f\xff\xff\xff\xff"),
])
def test_backlen_takes_one_to_five_bytes_as_lp_encode_backlen_does(lp, size, encoded):
    assert lp.lp_encode_backlen(size) == encoded
    assert lp.lp_backlen_size(size) == len(encoded)
    assert lp.lp_decode_backlen(b"junk" + encoded, 3 + len(encoded)) == size


def test_a_backlen_that_continues_past_five_bytes_decodes_as_invalid(lp):
    assert lp.lp_decode_backlen(b"\x80" * 6, 5) is None


@pytest.mark.exercise("06-lp-encode-backlen")
@pytest.mark.parametrize(("text_size", "backlen_size"), [
    (125, 1), (126, 2),        # entry sizes 127 and 128 (12-bit header)
    (16377, 2), (16378, 3),    # entry sizes 16382 and 16383 (32-bit header)
])
def test_an_entrys_backlen_grows_with_the_entry(lp, text_size, backlen_size):
    text = b"t" * text_size
    entry = lp.lp_encode_entry(text)
    encoded = len(lp.lp_encode_element(text))
    assert len(entry) == encoded + backlen_size
    blob = lp.lp_from_entries([b"first", text, b"last"])
    assert walk_backward(lp, blob) == [b"last", text, b"first"]


# -- building and editing -----------------------------------------------------

def test_an_empty_listpack_is_the_header_and_the_end_byte(lp):
    assert lp.lp_new() == b"\x07\x00\x00\x00\x00\x00\xff"
    assert lp.lp_first(lp.lp_new()) is None
    assert lp.lp_last(lp.lp_new()) is None
    assert lp.lp_length(lp.lp_new()) == 0
    assert lp.lp_from_entries([]) == lp.lp_new()


def test_appending_writes_header_entries_and_backlens_byte_for_byte(lp):
    blob = lp.lp_append(lp.lp_append(lp.lp_new(), b"hello"), b"1024")
    assert blob == header(17, 2) + b"\x85hello\x06" + b"\xc4\x00\x02" + EOF
    assert lp.lp_bytes(blob) == len(blob) == 17
    assert lp.lp_append_entries(lp.lp_new(), [b"hello", 1024]) == blob
    assert lp.lp_from_entries([b"hello", b"1024"]) == blob


@pytest.mark.parametrize(("index", "where", "expected"), [
    (0, "LP_BEFORE", [b"new", b"a", b"b", b"c"]),
    (0, "LP_AFTER", [b"a", b"new", b"b", b"c"]),
    (1, "LP_BEFORE", [b"a", b"new", b"b", b"c"]),
    (2, "LP_BEFORE", [b"a", b"b", b"new", b"c"]),
    (2, "LP_AFTER", [b"a", b"b", b"c", b"new"]),
])
def test_insert_before_or_after_head_middle_and_tail(lp, index, where, expected):
    blob = lp.lp_from_entries([b"a", b"b", b"c"])
    p = offsets(lp, blob)[index]
    blob = lp.lp_insert_string(blob, b"new", p, getattr(lp, where))
    assert blob == lp.lp_from_entries(expected)
    start = p if where == "LP_BEFORE" else offsets(lp, blob)[index + 1]
    assert lp.lp_get(blob, start) == b"new"


def test_prepend_and_append_reach_both_ends(lp):
    blob = lp.lp_prepend(lp.lp_append(lp.lp_from_entries([b"m"]), 5), b"x" * 100)
    assert blob == lp.lp_from_entries([b"x" * 100, b"m", 5])


@pytest.mark.parametrize("index", [0, 1, 2])
def test_replace_at_head_middle_and_tail_with_a_wider_narrower_or_same_size_entry(
        lp, index):
    for new in (b"x" * 300, 7, b"-12345678901", b"q", 123456):
        entries = [b"a", 100000, b"c"]
        blob = lp.lp_from_entries(entries)
        p = offsets(lp, blob)[index]
        blob = lp.lp_replace(blob, p, new)
        entries[index] = new
        assert blob == lp.lp_from_entries(entries)
        assert lp.lp_get(blob, p) == canonical(new)


@pytest.mark.parametrize("index", [0, 1, 2])
def test_delete_at_head_middle_and_tail(lp, index):
    entries = [b"a", 100000, b"c" * 80]
    blob = lp.lp_from_entries(entries)
    p = offsets(lp, blob)[index]
    blob = lp.lp_delete(blob, p)
    del entries[index]
    assert blob == lp.lp_from_entries(entries)
    # The next entry now starts where the deleted one did.
    assert (p == len(blob) - 1) if index == 2 else lp.lp_get(blob, p) == entries[index]


def test_deleting_the_last_entry_leaves_an_empty_listpack(lp):
    blob = lp.lp_from_entries([b"only"])
    assert lp.lp_delete(blob, 6) == lp.lp_new()


@pytest.mark.parametrize(("index", "num", "expected"), [
    (1, 2, [0, 3, 4]), (0, 5, []), (3, 10, [0, 1, 2]), (-2, 1, [0, 1, 2, 4]),
    (-5, 2, [2, 3, 4]), (2, 0, [0, 1, 2, 3, 4]), (5, 1, [0, 1, 2, 3, 4]),
    (-6, 1, [0, 1, 2, 3, 4]),
])
def test_delete_range_by_index(lp, index, num, expected):
    blob = lp.lp_from_entries(range(5))
    assert lp.lp_delete_range(blob, index, num) == lp.lp_from_entries(expected)


def test_delete_range_with_entry_stops_at_the_end(lp):
    blob = lp.lp_from_entries([b"a", b"b", b"c"])
    p = offsets(lp, blob)[1]
    assert lp.lp_delete_range_with_entry(blob, p, 2) == lp.lp_from_entries([b"a"])
    assert lp.lp_delete_range_with_entry(blob, p, 9) == lp.lp_from_entries([b"a"])
    assert lp.lp_delete_range_with_entry(blob, p, 0) == blob


def test_insert_entries_puts_a_pair_before_an_entry_in_one_copy(lp):
    blob = lp.lp_from_entries([b"a", 1, b"c", 3])
    p = offsets(lp, blob)[2]
    blob = lp.lp_insert_entries(blob, [b"b", b"2.5"], p)
    assert blob == lp.lp_from_entries([b"a", 1, b"b", b"2.5", b"c", 3])


def test_merge_appends_the_second_listpacks_entries(lp):
    first = lp.lp_from_entries([b"a", 1])
    second = lp.lp_from_entries([b"b" * 70, -2])
    assert lp.lp_merge(first, second) == lp.lp_from_entries([b"a", 1, b"b" * 70, -2])
    assert lp.lp_merge(lp.lp_new(), first) == first


# -- walking, seeking, finding ------------------------------------------------

MIXED = [b"hello", 7, b"", -4096, b"y" * 64, INT64_MIN, b"z" * 5000, b"007"]


def test_iteration_both_ways_sees_every_entry(lp):
    blob = lp.lp_from_entries(MIXED)
    expected = [canonical(e) for e in MIXED]
    assert walk_forward(lp, blob) == expected == lp.lp_entries(blob)
    assert walk_backward(lp, blob) == expected[::-1]
    assert lp.lp_length(blob) == len(MIXED)


def test_seek_by_positive_and_negative_index(lp):
    blob = lp.lp_from_entries(MIXED)
    where = offsets(lp, blob)
    for index in range(len(MIXED)):
        assert lp.lp_seek(blob, index) == where[index]
        assert lp.lp_seek(blob, index - len(MIXED)) == where[index]
    assert lp.lp_seek(blob, len(MIXED)) is None
    assert lp.lp_seek(blob, -len(MIXED) - 1) is None
    assert lp.lp_seek(lp.lp_new(), 0) is None


def test_the_count_saturates_at_65535_and_is_then_walked_for(lp):
    full = lp.lp_from_entries(range(65535))
    assert lp.lp_get_num_elements(full) == 65535 == lp.lp_length(full)
    almost = lp.lp_from_entries(range(65534))
    assert lp.lp_get_num_elements(almost) == 65534
    grown = lp.lp_append(almost, 1)
    assert grown == lp.lp_from_entries([*range(65534), 1])
    assert lp.lp_get_num_elements(grown) == 65535
    # Once unknown, a delete cannot know the count: it stays unknown.
    shrunk = lp.lp_delete(grown, 6)
    assert lp.lp_get_num_elements(shrunk) == 65535
    assert lp.lp_length(shrunk) == 65534
    assert lp.lp_validate_integrity(shrunk, True)


def test_seek_in_a_listpack_of_unknown_count(lp):
    blob = lp.lp_from_entries(range(66000))
    assert lp.lp_get(blob, lp.lp_seek(blob, 65999)) == 65999
    assert lp.lp_get(blob, lp.lp_seek(blob, -1)) == 65999
    assert lp.lp_get(blob, lp.lp_seek(blob, -66000)) == 0
    assert lp.lp_seek(blob, 66000) is None
    assert lp.lp_seek(blob, -66001) is None
    # Deleting keeps the count unknown, however few entries are left.
    two = lp.lp_from_entries([0, 65999])
    assert lp.lp_delete_range(blob, 1, 65998) == two[:4] + b"\xff\xff" + two[6:]


def test_find_compares_strings_as_bytes_and_integers_as_numbers(lp):
    blob = lp.lp_from_entries([b"012", 12, b"x", b"12x"])
    where = offsets(lp, blob)
    assert lp.lp_find(blob, 6, b"12") == where[1]
    assert lp.lp_find(blob, 6, b"012") == where[0]
    assert lp.lp_find(blob, 6, b"12x") == where[3]
    assert lp.lp_find(blob, 6, b"+12") is None
    assert lp.lp_find(blob, where[2], b"012") is None  # starts past it


def test_find_compares_strings_of_every_size_by_length_then_bytes(lp):
    long = b"y" * 100  # past 63 bytes: a 12-bit string entry
    blob = lp.lp_from_entries([b"ab", b"abc", b"abd", long, long + b"z", 7])
    where = offsets(lp, blob)
    assert lp.lp_find(blob, 6, b"abd") == where[2]
    assert lp.lp_find(blob, 6, b"a") is None
    assert lp.lp_find(blob, 6, b"") is None
    assert lp.lp_find(blob, 6, long + b"z") == where[4]
    assert lp.lp_find(blob, 6, long[:-1]) is None
    assert lp.lp_find(blob, 6, b"7") == where[5]  # read as an integer at last


def test_find_with_skip_looks_only_at_fields(lp):
    blob = lp.lp_from_entries([b"a", b"b", b"b", b"c", b"5", b"b"])
    where = offsets(lp, blob)
    assert lp.lp_find(blob, 6, b"b", 1) == where[2]
    assert lp.lp_find(blob, 6, b"b", 0) == where[1]
    assert lp.lp_find(blob, 6, b"c", 1) is None  # only ever a value
    assert lp.lp_find(blob, where[1], b"c", 1) == where[3]
    assert lp.lp_find_value(blob, b"b") == b"c"
    assert lp.lp_find_value(blob, b"5") == b"b"
    assert lp.lp_find_value(blob, b"c") is None
    assert lp.lp_find_value(lp.lp_new(), b"a") is None


def test_find_matches_an_integer_kept_as_a_string_as_redis_does(lp):
    # Redis never writes "12" as a string, but lpFind() compares bytes with
    # any string entry, so one crafted that way is still found.
    blob = header(11, 1) + b"\x8212\x03" + EOF
    assert lp.lp_validate_integrity(blob, True)
    assert lp.lp_find(blob, 6, b"12") == 6
    assert lp.lp_compare(blob, 6, b"12")


def test_compare_checks_one_entry(lp):
    blob = lp.lp_from_entries([b"abc", -7])
    p = lp.lp_next(blob, 6)
    assert lp.lp_compare(blob, 6, b"abc") and not lp.lp_compare(blob, 6, b"abd")
    assert lp.lp_compare(blob, p, b"-7") and not lp.lp_compare(blob, p, b"-07")
    assert not lp.lp_compare(blob, len(blob) - 1, b"")


def test_random_pairs_come_from_the_listpack(lp):
    pairs = [(b"f%d" % i, i * 1000) for i in range(10)]
    blob = lp.lp_from_entries([x for pair in pairs for x in pair])
    assert lp.lp_random_pair(blob, 10) in pairs
    many = lp.lp_random_pairs(blob, 50)
    assert len(many) == 50 and set(many) <= set(pairs)
    unique = lp.lp_random_pairs_unique(blob, 4)
    assert len(set(unique)) == 4 and unique == sorted(unique, key=pairs.index)
    assert lp.lp_random_pairs_unique(blob, 99) == pairs


def test_safe_to_add_stops_at_one_gigabyte(lp):
    blob = lp.lp_new()
    assert lp.lp_safe_to_add(blob, 2**30 - 7)
    assert not lp.lp_safe_to_add(blob, 2**30 - 6)
    assert lp.lp_safe_to_add(None, 2**30)


# -- validation ---------------------------------------------------------------

GOOD = [b"field", 1, b"x" * 200, -70000, b"last"]


def good(lp) -> bytes:
    return lp.lp_from_entries(GOOD)


def with_total(blob: bytes) -> bytes:
    """`blob` with its header's total fixed to its length."""
    return struct.pack("<I", len(blob)) + blob[4:]


def test_a_well_formed_listpack_validates_shallow_and_deep(lp):
    assert lp.lp_validate_integrity(good(lp), False)
    assert lp.lp_validate_integrity(good(lp), True)
    assert lp.lp_validate_integrity(lp.lp_new(), True)


@pytest.mark.parametrize("cut", [1, 2, 5, 100, 200])
def test_a_truncated_listpack_is_refused(lp, cut):
    short = good(lp)[:-cut]
    assert not lp.lp_validate_integrity(short, False)
    assert not lp.lp_validate_integrity(short, True)
    # Even with its header and end byte patched up, an entry now runs past.
    patched = with_total(short[:-1] + EOF)
    assert not lp.lp_validate_integrity(patched, True)


@pytest.mark.parametrize("blob", [b"", b"\x07\x00\x00", b"\x06\x00\x00\x00\x00\x00"])
def test_anything_shorter_than_an_empty_listpack_is_refused(lp, blob):
    assert not lp.lp_validate_integrity(blob, True)


@pytest.mark.parametrize("count", [0, 4, 6, 65534])
def test_a_wrong_count_is_refused_only_by_the_deep_check(lp, count):
    blob = good(lp)[:4] + struct.pack("<H", count) + good(lp)[6:]
    assert lp.lp_validate_integrity(blob, False)
    assert not lp.lp_validate_integrity(blob, True)


def test_an_unknown_count_is_accepted(lp):
    blob = good(lp)[:4] + b"\xff\xff" + good(lp)[6:]
    assert lp.lp_validate_integrity(blob, True)
    assert lp.lp_length(blob) == len(GOOD)


def test_a_wrong_total_is_refused(lp):
    blob = good(lp)
    assert not lp.lp_validate_integrity(struct.pack("<I", len(blob) + 1) + blob[4:], False)


def test_a_missing_end_byte_is_refused(lp):
    blob = good(lp)
    assert not lp.lp_validate_integrity(blob[:-1] + b"\x00", False)
    assert not lp.lp_validate_integrity(with_total(blob[:-1]), True)


def test_an_end_byte_before_the_end_is_refused(lp):
    blob = with_total(lp.lp_new()[:-1] + EOF + b"\x01\x01" + EOF)
    assert lp.lp_validate_integrity(blob, False)
    assert not lp.lp_validate_integrity(blob, True)


@pytest.mark.parametrize("backlen", [b"\x07", b"\x05", b"\x86", b"\x00"])
def test_a_backlen_that_disagrees_with_its_entry_is_refused(lp, backlen):
    blob = good(lp)
    assert blob[6:13] == b"\x85field\x06"
    assert not lp.lp_validate_integrity(blob[:12] + backlen + blob[13:], True)


@pytest.mark.parametrize("head", [
    b"\xef\xff",                # 12-bit length 4095
    b"\xf0\xff\xff\xff\xff",    # 32-bit length 4294967295
    b"\xf0\x00\x00\x00\x01",    # 32-bit length 16 MB
])
def test_a_string_length_past_the_end_is_refused(lp, head):
    blob = with_total(lp.lp_new()[:-1] + head + b"abc\x05" + EOF)
    assert not lp.lp_validate_integrity(blob, True)


@pytest.mark.parametrize("byte", [0xF5, 0xF9, 0xFE])
def test_an_unknown_encoding_byte_is_refused(lp, byte):
    blob = with_total(lp.lp_new()[:-1] + bytes([byte]) + b"\x01" + EOF)
    assert not lp.lp_validate_integrity(blob, True)


def test_an_integer_whose_bytes_run_into_the_end_byte_is_refused(lp):
    blob = with_total(lp.lp_new()[:-1] + b"\xf4\x01\x02" + EOF)
    assert not lp.lp_validate_integrity(blob, True)


def test_the_entry_callback_can_refuse_an_entry(lp):
    seen = []

    def no_integers(blob, p, count):
        seen.append((p, count))
        return not isinstance(lp.lp_get(blob, p), int)

    assert not lp.lp_validate_integrity(good(lp), True, no_integers)
    assert seen == [(6, 5), (13, 5)]
    assert lp.lp_validate_integrity(good(lp), True, lambda blob, p, count: True)


@given(data=st.data())
def test_no_corruption_of_a_listpack_makes_validation_raise(lp, data):
    entries = data.draw(st.lists(ELEMENTS, max_size=6))
    blob = bytearray(lp.lp_from_entries(entries))
    for _ in range(data.draw(st.integers(1, 3))):
        kind = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        at = data.draw(st.integers(0, len(blob)))
        if kind == "flip" and at < len(blob):
            blob[at] = data.draw(st.integers(0, 255))
        elif kind == "cut":
            del blob[at:at + data.draw(st.integers(1, 8))]
        else:
            blob[at:at] = data.draw(st.binary(min_size=1, max_size=4))
    if data.draw(st.booleans()) and len(blob) >= 4:
        blob = bytearray(with_total(bytes(blob)))
    blob = bytes(blob)
    if lp.lp_validate_integrity(blob, True):
        # Valid by the rules, so every reader can walk it both ways.
        forward = walk_forward(lp, blob)
        assert forward == lp.lp_entries(blob)
        assert walk_backward(lp, blob) == forward[::-1]
        assert lp.lp_length(blob) == len(forward)


@given(blob=st.binary(max_size=40))
def test_random_bytes_never_make_validation_raise(lp, blob):
    assert lp.lp_validate_integrity(blob, True) in (True, False)
    assert lp.lp_validate_integrity(with_total(blob + EOF), True) in (True, False)


# -- a model: random edits against a Python list ------------------------------

ELEMENTS = st.one_of(
    st.integers(INT64_MIN, INT64_MAX),
    st.integers(-40000, 40000),
    st.integers(-40000, 40000).map(lambda i: b"%d" % i),
    st.binary(max_size=70),
    st.sampled_from([b"007", b"-0", b"+1", b" 1", b"9223372036854775808",
                     b"-9223372036854775808", b"a" * 63, b"b" * 64, b"c" * 4095,
                     b"d" * 4096, b"e" * 16378]),
)

OPERATIONS = st.one_of(
    st.tuples(st.just("append"), ELEMENTS),
    st.tuples(st.just("prepend"), ELEMENTS),
    st.tuples(st.just("insert"), st.integers(0, 30), ELEMENTS,
              st.sampled_from(["LP_BEFORE", "LP_AFTER"])),
    st.tuples(st.just("replace"), st.integers(0, 30), ELEMENTS),
    st.tuples(st.just("delete"), st.integers(0, 30)),
    st.tuples(st.just("delete_range"), st.integers(-30, 30), st.integers(0, 5)),
    st.tuples(st.just("insert_entries"), st.integers(0, 30), st.lists(ELEMENTS, max_size=3)),
)


def apply(lp, blob, model, op):
    kind, *args = op
    if kind == "append":
        model.append(args[0])
        return lp.lp_append(blob, args[0])
    if kind == "prepend":
        model.insert(0, args[0])
        return lp.lp_prepend(blob, args[0])
    if kind == "delete_range":
        index, num = args
        start = index + len(model) if index < 0 else index
        if 0 <= start < len(model):
            del model[start:start + num]
        return lp.lp_delete_range(blob, index, num)
    if kind == "insert_entries":
        index, entries = args[0] % (len(model) + 1), args[1]
        model[index:index] = entries
        p = lp.lp_seek(blob, index) if index < len(model) - len(entries) else len(blob) - 1
        return lp.lp_insert_entries(blob, entries, p)
    if not model:
        return blob
    index = args[0] % len(model)
    p = lp.lp_seek(blob, index)
    if kind == "insert":
        ele, where = args[1], getattr(lp, args[2])
        model.insert(index + (where == lp.LP_AFTER), ele)
        return lp.lp_insert_string(blob, ele, p, where)
    if kind == "replace":
        model[index] = args[1]
        return lp.lp_replace(blob, p, args[1])
    del model[index]
    return lp.lp_delete(blob, p)


@given(ops=st.lists(OPERATIONS, max_size=25))
def test_random_edits_match_a_python_list_and_always_validate(lp, ops):
    blob, model = lp.lp_new(), []
    for op in ops:
        blob = apply(lp, blob, model, op)
        expected = [canonical(e) for e in model]
        assert lp.lp_validate_integrity(blob, True)
        assert lp.lp_entries(blob) == expected
        assert walk_backward(lp, blob) == expected[::-1]
        assert lp.lp_length(blob) == len(model)
        # Every path to the same entries gives the same bytes.
        assert blob == lp.lp_from_entries(model)
