"""KEYS and SCAN MATCH: Redis's own glob dialect (stringmatchlen in util.c).

The black-box tests compare the server with `oracle_match` below, a plain
recursive transcription of Redis's rules written for these tests. Run
against a real redis-server, they check the oracle; run against a step,
they check the step. The internal tests check util.stringmatchlen().
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.wire import decode


def oracle_match(pattern: bytes, string: bytes) -> bool:
    """Redis's stringmatchlen(), recursion and all, for these tests."""
    give_up = [False]  # Redis's skipLongerMatches

    def signed(byte: int) -> int:
        return byte - 256 if byte > 127 else byte

    def match(p: int, s: int, nesting: int) -> bool:
        if nesting > 1000:  # since the fix for CVE-2024-31228
            return False
        while p < len(pattern) and s < len(string):
            ch = pattern[p]
            if ch == ord("*"):
                while p + 1 < len(pattern) and pattern[p + 1] == ord("*"):
                    p += 1
                if p + 1 == len(pattern):
                    return True
                for start in range(s, len(string)):
                    if match(p + 1, start, nesting + 1):
                        return True
                    if give_up[0]:
                        return False
                give_up[0] = True
                return False
            if ch == ord("?"):
                pass
            elif ch == ord("["):
                p, ok = bracket(p + 1, string[s])
                if not ok:
                    return False
            else:
                if ch == ord("\\") and p + 1 < len(pattern):
                    p += 1
                if pattern[p] != string[s]:
                    return False
            p += 1
            s += 1
            if s == len(string):
                while p < len(pattern) and pattern[p] == ord("*"):
                    p += 1
                break
        return p == len(pattern) and s == len(string)

    def bracket(p: int, byte: int) -> tuple[int, bool]:
        negate = p < len(pattern) and pattern[p] == ord("^")
        if negate:
            p += 1
        hit = False
        while True:
            rest = len(pattern) - p
            if rest >= 2 and pattern[p] == ord("\\"):
                p += 1
                hit = hit or pattern[p] == byte
            elif rest and pattern[p] == ord("]"):
                break
            elif rest == 0:
                p -= 1
                break
            elif rest >= 3 and pattern[p + 1] == ord("-"):
                low, high = signed(pattern[p]), signed(pattern[p + 2])
                low, high = min(low, high), max(low, high)
                hit = hit or low <= signed(byte) <= high
                p += 2
            else:
                hit = hit or pattern[p] == byte
            p += 1
        return p, hit != negate

    return match(0, 0, 0)


KEYS = [b"", b"a", b"b", b"ab", b"abc", b"a*c", b"a?c", b"a]c", b"a-c",
        b"hello", b"hallo", b"hxllo", b"heeeello", b"\\", b"a\\b",
        b"^", b"z", b"\xe9t\xe9", b"\x80", b"]", b"[", b"a[b", b"\x00x"]

# (pattern, why it is interesting); the expected keys come from the oracle.
PATTERNS = [
    (b"*", "all keys, even the empty one: KEYS skips matching"),
    (b"**", "a pattern of stars never matches the empty key"),
    (b"h?llo", "? is one byte"),
    (b"h*llo", "* is any run, including none"),
    (b"h[ae]llo", "a set"),
    (b"h[^e]llo", "a negated set"),
    (b"h[a-b]llo", "a range"),
    (b"[c-a]*", "a reversed range is swapped"),
    (b"a\\*c", "an escaped star is literal"),
    (b"a[\\]]c", "an escaped ] inside a set"),
    (b"a[]c", "[] never matches: ] closes at once"),
    (b"a[b", "an unclosed [ runs to the end of the pattern"),
    (b"[^", "an unclosed negated set matches any byte"),
    (b"a[b-]", "a range whose end is ]: the set is unclosed"),
    (b"\\", "a trailing backslash is literal"),
    (b"a\\", "a backslash that escapes nothing"),
    (b"[\x80-\xff]*", "C's char is signed: \\x80-\\xff holds only bytes >= 0x80"),
    (b"[a-\xe9]*", "a range across 0x80 is swapped: bytes >= 0x80 are negative"),
    (b"*\x00x", "NUL bytes are ordinary bytes"),
    (b"a*b*c", "several stars"),
    (b"*a", "a star before the last byte"),
]


def keys_matching(raw, pattern: bytes) -> set[bytes]:
    return set(decode(raw.call("KEYS", pattern)))


def load_keys(raw, keys) -> None:
    raw.call("MSET", *[x for key in keys for x in (key, b"v")])


@pytest.mark.exercise("04-stringmatchlen")
@pytest.mark.parametrize(("pattern", "why"), PATTERNS,
                         ids=[why for _, why in PATTERNS])
def test_keys_follows_redis_glob_rules(raw, pattern, why):
    load_keys(raw, KEYS)
    expected = set(KEYS) if pattern == b"*" else {
        key for key in KEYS if oracle_match(pattern, key)}
    assert keys_matching(raw, pattern) == expected


def test_keys_with_an_exact_name_finds_only_that_key(raw):
    load_keys(raw, [b"user:1", b"user:10", b"user:2"])
    assert decode(raw.call("KEYS", "user:1")) == [b"user:1"]


def test_keys_on_an_empty_database_is_an_empty_array(raw):
    assert raw.call("KEYS", "*") == b"*0\r\n"


@pytest.mark.exercise("04-stringmatchlen")
def test_keys_with_many_stars_does_not_take_forever(raw):
    # Without Redis's skipLongerMatches, this is exponential.
    load_keys(raw, [b"a" * 60])
    assert raw.call("KEYS", b"*a" * 30 + b"b") == b"*0\r\n"


@pytest.mark.exercise("04-stringmatchlen")
def test_a_pattern_nesting_more_than_1000_stars_matches_nothing(raw):
    # Redis recurses at each star; since the fix for CVE-2024-31228 (in
    # Debian's 7.0.15) it gives up beyond 1000 levels. A final star
    # does not recurse.
    load_keys(raw, [b"ab" * 1002])
    assert decode(raw.call("KEYS", b"a*" * 1001)) == [b"ab" * 1002]
    assert raw.call("KEYS", b"a*" * 1002) == b"*0\r\n"


GLOB_BYTES = b"ab*?[]^-\\\xe9\x80"
patterns = st.lists(st.sampled_from(GLOB_BYTES), max_size=8).map(bytes)
names = st.lists(st.sampled_from(b"ab-]^*\\\xe9\x80"), max_size=6).map(bytes)


@pytest.mark.exercise("04-stringmatchlen")
@settings(max_examples=150)
@given(pattern=patterns, keys=st.sets(names, min_size=1, max_size=6))
def test_keys_matches_like_redis_for_any_pattern(raw, pattern, keys):
    raw.call("FLUSHDB")
    load_keys(raw, keys)
    expected = set(keys) if pattern == b"*" else {
        key for key in keys if oracle_match(pattern, key)}
    assert keys_matching(raw, pattern) == expected


@settings(max_examples=50)
@given(pattern=patterns, keys=st.sets(names, min_size=1, max_size=6))
def test_scan_match_uses_the_same_rules(raw, pattern, keys):
    raw.call("FLUSHDB")
    load_keys(raw, keys)
    cursor, found = b"0", set()
    while True:
        cursor, batch = decode(raw.call("SCAN", cursor, "MATCH", pattern))
        found.update(batch)
        if cursor == b"0":
            break
    expected = set(keys) if pattern == b"*" else {
        key for key in keys if oracle_match(pattern, key)}
    assert found == expected


# Unit tests of util.stringmatchlen().

@pytest.mark.internal
@pytest.mark.parametrize(("pattern", "why"), PATTERNS,
                         ids=[why for _, why in PATTERNS])
def test_stringmatchlen_agrees_with_the_oracle(step_module, pattern, why):
    util = step_module("util")
    for key in KEYS:
        assert util.stringmatchlen(pattern, key) == oracle_match(pattern, key)


@pytest.mark.internal
@settings(max_examples=2000)
@given(pattern=patterns, string=names)
def test_stringmatchlen_agrees_with_the_oracle_on_any_input(
        step_module, pattern, string):
    util = step_module("util")
    assert util.stringmatchlen(pattern, string) == oracle_match(pattern, string)


@pytest.mark.internal
def test_stringmatchlen_empty_string_matches_only_the_empty_pattern(
        step_module):
    util = step_module("util")
    assert util.stringmatchlen(b"", b"")
    assert not util.stringmatchlen(b"*", b"")
    assert not util.stringmatchlen(b"?", b"")
