"""intset.py on its own: slot widths at their boundaries, the upgrade that
rewrites every slot, removal, binary search and validation. The expected
bytes are packed here with struct, independently of intset.py;
test_encodings_oracle.py checks them against real Redis's DUMP."""

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.harness import modules_from

pytestmark = pytest.mark.internal

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
CODES = {2: "h", 4: "i", 8: "q"}


@pytest.fixture(scope="module")
def iset(target):
    with modules_from(target.directory) as load:
        yield load("intset")


def packed(encoding: int, members) -> bytes:
    members = sorted(members)
    return struct.pack(f"<II{len(members)}{CODES[encoding]}", encoding, len(members), *members)


def build(iset, values) -> bytes:
    blob = iset.intset_new()
    for value in values:
        blob, _ = iset.intset_add(blob, value)
    return blob


@pytest.mark.parametrize(("value", "encoding"), [
    (0, 2), (32767, 2), (-32768, 2), (32768, 4), (-32769, 4),
    (2**31 - 1, 4), (-(2**31), 4), (2**31, 8), (-(2**31) - 1, 8),
    (INT64_MAX, 8), (INT64_MIN, 8),
])
def test_each_value_needs_the_narrowest_slot_that_holds_it(iset, value, encoding):
    assert iset.intset_value_encoding(value) == encoding
    assert build(iset, [value]) == packed(encoding, [value])


def test_an_empty_intset_is_a_header_of_16_bit_slots(iset):
    assert iset.intset_new() == b"\x02\x00\x00\x00\x00\x00\x00\x00"
    assert iset.intset_len(iset.intset_new()) == 0
    assert iset.intset_blob_len(iset.intset_new()) == 8


def test_members_are_kept_sorted_whatever_the_order_they_arrive_in(iset):
    blob = build(iset, [5, -3, 100, 0, 42, -32768, 32767])
    assert blob == packed(2, [5, -3, 100, 0, 42, -32768, 32767])
    assert iset.intset_values(blob) == [-32768, -3, 0, 5, 42, 100, 32767]
    assert iset.intset_len(blob) == 7
    assert iset.intset_blob_len(blob) == len(blob) == 8 + 7 * 2


def test_adding_a_member_twice_reports_it_was_there(iset):
    blob = build(iset, [1, 2, 3])
    same, added = iset.intset_add(blob, 2)
    assert same == blob and added is False
    bigger, added = iset.intset_add(blob, 4)
    assert added is True and iset.intset_values(bigger) == [1, 2, 3, 4]


@pytest.mark.exercise("06-intset-upgrade")
def test_a_wider_positive_value_upgrades_every_slot_and_goes_last(iset):
    blob = build(iset, [1, -2, 3])
    blob, added = iset.intset_add(blob, 5_000_000_000)
    assert added and blob == packed(8, [-2, 1, 3, 5_000_000_000])


@pytest.mark.exercise("06-intset-upgrade")
def test_a_wider_negative_value_upgrades_every_slot_and_goes_first(iset):
    blob = build(iset, [1, -2, 3])
    blob, added = iset.intset_add(blob, -40000)
    assert added and blob == packed(4, [-40000, -2, 1, 3])
    blob, added = iset.intset_add(blob, INT64_MIN)
    assert added and blob == packed(8, [INT64_MIN, -40000, -2, 1, 3])


@pytest.mark.exercise("06-intset-upgrade")
def test_upgrading_an_empty_intset_just_widens_it(iset):
    blob, added = iset.intset_add(iset.intset_new(), 70000)
    assert added and blob == packed(4, [70000])


def test_remove_closes_the_gap_and_never_narrows(iset):
    blob = build(iset, [1, 2, 3, 2**40])
    blob, removed = iset.intset_remove(blob, 2)
    assert removed and blob == packed(8, [1, 3, 2**40])
    blob, removed = iset.intset_remove(blob, 2**40)
    assert removed and blob == packed(8, [1, 3])
    for gone in (2, 99, 2**62):
        same, removed = iset.intset_remove(blob, gone)
        assert same == blob and removed is False


def test_a_value_wider_than_the_encoding_is_never_found_or_removed(iset):
    blob = build(iset, [1, 2])
    assert not iset.intset_find(blob, 2**40)
    assert iset.intset_remove(blob, 2**40) == (blob, False)


def test_find_and_search_use_a_binary_search(iset):
    members = list(range(-1000, 1000, 7))
    blob = build(iset, members)
    for pos, value in enumerate(members):
        assert iset.intset_find(blob, value)
        assert iset.intset_search(blob, value) == (True, pos)
        assert not iset.intset_find(blob, value + 1)
        assert iset.intset_search(blob, value + 1) == (False, pos + 1)
    assert iset.intset_search(blob, -5000) == (False, 0)
    assert iset.intset_search(blob, 5000) == (False, len(members))
    assert iset.intset_search(iset.intset_new(), 1) == (False, 0)


def test_get_reads_a_slot_and_none_past_the_end(iset):
    blob = build(iset, [30, 10, 20])
    assert [iset.intset_get(blob, pos) for pos in range(4)] == [10, 20, 30, None]
    assert iset.intset_get(blob, -1) is None


def test_random_returns_a_member(iset):
    blob = build(iset, [7, 8, 9])
    assert {iset.intset_random(blob) for _ in range(100)} <= {7, 8, 9}


# -- validation ---------------------------------------------------------------

def test_a_well_formed_intset_validates(iset):
    blob = build(iset, [1, 2, 2**35])
    assert iset.intset_validate_integrity(blob, False)
    assert iset.intset_validate_integrity(blob, True)


def test_an_empty_intset_is_refused_as_redis_never_saves_one(iset):
    assert not iset.intset_validate_integrity(iset.intset_new(), False)


@pytest.mark.parametrize("blob", [
    b"", b"\x02\x00\x00\x00\x01\x00\x00",                    # no whole header
    struct.pack("<IIh", 3, 1, 5),                            # encoding 3
    struct.pack("<IIi", 1, 1, 5),                            # encoding 1
    struct.pack("<II2h", 2, 3, 1, 2),                        # length 3, two slots
    struct.pack("<II2h", 2, 1, 1, 2),                        # length 1, two slots
    struct.pack("<II2h", 2, 2, 1, 2) + b"\x00",              # a stray byte
])
def test_a_header_that_does_not_match_the_slots_is_refused(iset, blob):
    assert not iset.intset_validate_integrity(blob, False)


@pytest.mark.parametrize("members", [[2, 1], [1, 1], [1, 3, 2], [5, 6, 6]])
def test_unsorted_or_repeated_members_are_refused_by_the_deep_check(iset, members):
    blob = struct.pack(f"<II{len(members)}h", 2, len(members), *members)
    assert iset.intset_validate_integrity(blob, False)
    assert not iset.intset_validate_integrity(blob, True)


@given(blob=st.binary(max_size=40))
def test_random_bytes_never_make_validation_raise(iset, blob):
    assert iset.intset_validate_integrity(blob, True) in (True, False)


# -- a model: random adds and removes against a Python set --------------------

VALUES = st.one_of(st.integers(-40, 40), st.integers(-70000, 70000),
                   st.integers(INT64_MIN, INT64_MAX))


@given(ops=st.lists(st.tuples(st.booleans(), VALUES), max_size=40))
def test_random_adds_and_removes_match_a_python_set(iset, ops):
    blob, model, encoding = iset.intset_new(), set(), 2
    for add, value in ops:
        if add:
            blob, changed = iset.intset_add(blob, value)
            assert changed == (value not in model)
            model.add(value)
            encoding = max(encoding, 2 if -2**15 <= value < 2**15 else
                           4 if -2**31 <= value < 2**31 else 8)
        else:
            blob, changed = iset.intset_remove(blob, value)
            assert changed == (value in model)
            model.discard(value)
        assert blob == packed(encoding, model)
        assert iset.intset_validate_integrity(blob, True) == bool(model)
        assert all(iset.intset_find(blob, v) for v in model)
