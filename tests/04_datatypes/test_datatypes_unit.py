"""Unit tests of step 04's own code (not run against Redis): the long
double emulation behind INCRBYFLOAT, and the snapshots behind SCAN."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.wire import decode

pytestmark = pytest.mark.internal

TWO = Fraction(2)
TINIEST = TWO ** -16445  # the smallest subnormal long double
LARGEST = (2**64 - 1) * TWO ** (16384 - 64)


# Long doubles

@pytest.mark.parametrize(("exact", "rounded"), [
    (Fraction(2**64 + 1), Fraction(2**64)),  # a tie: to the even mantissa
    (Fraction(2**64 + 3), Fraction(2**64 + 4)),  # a tie, up to even
    (Fraction(2**64 + 5, 1) + Fraction(1, 2), Fraction(2**64 + 6)),
    (Fraction(1, 3), Fraction(round(TWO ** 65 / 3), 2**65)),
    (TINIEST, TINIEST), (TINIEST / 2, Fraction(0)), (TINIEST * 3 / 2, 2 * TINIEST),
    (LARGEST, LARGEST), (-LARGEST, -LARGEST),
    (Fraction(0), Fraction(0)), (Fraction(-5, 4), Fraction(-5, 4)),
])
def test_round_to_long_double(step_module, exact, rounded):
    assert step_module("util").round_to_long_double(exact) == rounded


@pytest.mark.parametrize("exact", [TWO ** 16384, LARGEST + TWO ** (16384 - 65),
                                   -(TWO ** 16400)])
def test_round_to_long_double_overflows_to_none(step_module, exact):
    assert step_module("util").round_to_long_double(exact) is None


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_double_is_a_long_double(step_module, x):
    util = step_module("util")
    assert util.round_to_long_double(Fraction(x)) == Fraction(x)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_ld2string_prints_like_printf_17f_then_strips(step_module, x):
    """For a double, Python's "%.17f" is exact and rounds ties to even,
    as glibc's printf does."""
    text = f"{abs(x):.17f}".rstrip("0").rstrip(".")
    if x < 0 and text != "0":
        text = "-" + text
    assert step_module("util").ld2string(Fraction(x)) == text.encode()


@pytest.mark.parametrize(("text", "value"), [
    (b"1", Fraction(1)), (b"-2.5", Fraction(-5, 2)), (b".5", Fraction(1, 2)),
    (b"5.", Fraction(5)), (b"+1e3", Fraction(1000)), (b"0x1.8p1", Fraction(3)),
    (b"0X10", Fraction(16)), (b"-0x.8", Fraction(-1, 2)), (b"0e99999999999", 0),
    (b"1e-4950", Fraction(10) ** -4950),
    (b"0." + b"0" * 5000 + b"1e5000", Fraction(1, 10)),  # 5007 bytes
])
def test_string2ld_values(step_module, text, value):
    util = step_module("util")
    assert util.string2ld(text) == util.round_to_long_double(Fraction(value))


@pytest.mark.parametrize("text", [
    b"", b" 1", b"1 ", b"nan", b"-nan", b"1e", b"e5", b".", b"0x", b"1_000",
    b"1e5000", b"-1e5000", b"1e-5000", b"0x1p20000", b"1" * 5120, b"1\x00",
    b"1e" + b"9" * 5000, b"0x1p-99999999999"])
def test_string2ld_refuses(step_module, text):
    assert step_module("util").string2ld(text) is None


@pytest.mark.parametrize("text", [b"inf", b"+INF", b"Infinity", b"-inf"])
def test_string2ld_infinities(step_module, text):
    value = step_module("util").string2ld(text)
    assert value == (float("-inf") if text.startswith(b"-") else float("inf"))


def test_ld_add_of_an_infinity_is_none(step_module):
    util = step_module("util")
    assert util.ld_add(float("inf"), Fraction(1)) is None
    assert util.ld_add(float("inf"), float("-inf")) is None
    assert util.ld_add(LARGEST, LARGEST) is None
    assert util.ld_add(Fraction(1), Fraction(2)) == 3


@pytest.mark.parametrize(("value", "text"), [
    (Fraction(0), b"0"), (Fraction(-1, 10**20), b"0"), (Fraction(-3, 2), b"-1.5"),
    (Fraction(10**30), b"1" + b"0" * 30), (Fraction(1, 2**18), b"0.00000381469726562"),
])
def test_ld2string(step_module, value, text):
    assert step_module("util").ld2string(value) == text


def test_ld2string_of_the_largest_long_double(step_module):
    text = step_module("util").ld2string(LARGEST)
    assert len(text) == 4933 and text.startswith(b"11897314953572317650")


# SCAN's snapshots

class FakeClient:
    def __init__(self):
        self.replies = []

    def add_reply(self, data: bytes) -> None:
        self.replies.append(data)


def scan_once(db, source, cursor: int, count: int = 10):
    c = FakeClient()
    db.scan_generic(c, cursor, source, db.ScanOptions(count=count),
                    lambda name: (name,) if name in source else ())
    next_cursor, names = decode(b"".join(c.replies))
    return int(next_cursor), names


def test_a_small_collection_comes_whole_with_cursor_0(step_module):
    db = step_module("db")
    cursor, names = scan_once(db, {b"a", b"b"}, 0)
    assert cursor == 0 and sorted(names) == [b"a", b"b"]
    assert not db.scan_table.snapshots


def test_a_finished_scan_forgets_its_snapshot(step_module):
    db = step_module("db")
    source = {b"%d" % i for i in range(25)}
    cursor, seen = 0, []
    for _ in range(3):
        cursor, names = scan_once(db, source, cursor)
        seen += names
    assert cursor == 0 and sorted(seen) == sorted(source)
    assert not db.scan_table.snapshots and db.scan_table.names == 0


def test_a_cursor_of_another_collection_starts_again(step_module):
    db = step_module("db")
    first, second = {b"a%d" % i for i in range(30)}, {b"b%d" % i for i in range(30)}
    cursor, _ = scan_once(db, first, 0)
    cursor, names = scan_once(db, second, cursor)
    assert all(name.startswith(b"b") for name in names)


def test_the_oldest_snapshots_go_when_they_hold_too_many_names(step_module,
                                                               monkeypatch):
    db = step_module("db")
    monkeypatch.setattr(db, "SCAN_SNAPSHOT_NAMES_MAX", 100)
    source = {b"%d" % i for i in range(40)}
    old, _ = scan_once(db, source, 0)
    for _ in range(2):
        scan_once(db, source, 0)
    assert db.scan_table.names == 80 and len(db.scan_table.snapshots) == 2
    cursor, names = scan_once(db, source, old)  # its snapshot is gone:
    assert len(names) == 10  # the scan starts again, from the beginning
    assert cursor >> db.SCAN_POSITION_BITS != old >> db.SCAN_POSITION_BITS


def test_the_newest_snapshot_stays_even_if_too_big(step_module, monkeypatch):
    db = step_module("db")
    monkeypatch.setattr(db, "SCAN_SNAPSHOT_NAMES_MAX", 10)
    source = {b"%d" % i for i in range(40)}
    cursor, seen = 0, []
    while True:
        cursor, names = scan_once(db, source, cursor)
        seen += names
        if cursor == 0:
            break
    assert sorted(seen) == sorted(source)
