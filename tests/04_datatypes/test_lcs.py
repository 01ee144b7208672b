"""LCS: the longest common subsequence of the strings at two keys, its
length (LEN) or where its runs of matching bytes are (IDX), and its
errors, as Redis 7.0 computes and replies them in RESP2 and RESP3."""

import random

import pytest
from support.replies import (
    NOT_AN_INTEGER,
    SYNTAX_ERROR,
    arity,
    bulk,
    error,
    integer,
)

NOT_STRINGS = error("The specified keys must contain string values")
LEN_AND_IDX = error("If you want both the length and indexes, please just use IDX.")


def idx_reply(ranges: list[tuple], length: int, resp3: bool = False) -> bytes:
    """The reply of LCS ... IDX: each range is ((a_start, a_end),
    (b_start, b_end)) or, with WITHMATCHLEN, those plus the length."""
    out = [b"%2\r\n" if resp3 else b"*4\r\n", bulk("matches"), b"*%d\r\n" % len(ranges)]
    for match in ranges:
        out.append(b"*%d\r\n" % len(match))
        for part in match:
            if isinstance(part, tuple):
                out.append(b"*2\r\n" + integer(part[0]) + integer(part[1]))
            else:
                out.append(integer(part))
    out += [bulk("len"), integer(length)]
    return b"".join(out)


@pytest.fixture
def texts(raw):
    """The strings of Redis's documentation: their LCS is "mytext"."""
    raw.call("MSET", "key1", "ohmytext", "key2", "mynewtext")
    return raw


def test_lcs_replies_with_the_longest_common_subsequence(texts):
    assert texts.call("LCS", "key1", "key2") == bulk("mytext")
    assert texts.call("LCS", "key2", "key1") == bulk("mytext")


def test_lcs_len_replies_with_its_length_only(texts):
    assert texts.call("LCS", "key1", "key2", "LEN") == integer(6)
    assert texts.call("LCS", "key1", "key2", "len", "WITHMATCHLEN") == integer(6)


def test_lcs_idx_lists_the_matching_ranges_from_the_end_of_the_strings(texts):
    # "text" is bytes 4-7 of key1 and 5-8 of key2; "my" is 2-3 and 0-1.
    assert texts.call("LCS", "key1", "key2", "IDX") == idx_reply(
        [((4, 7), (5, 8)), ((2, 3), (0, 1))], 6)


def test_lcs_withmatchlen_adds_the_length_of_each_range(texts):
    assert texts.call("LCS", "key1", "key2", "IDX", "WITHMATCHLEN") == idx_reply(
        [((4, 7), (5, 8), 4), ((2, 3), (0, 1), 2)], 6)


def test_lcs_idx_is_a_map_in_resp3(raw3):
    raw3.call("MSET", "key1", "ohmytext", "key2", "mynewtext")
    assert raw3.call("LCS", "key1", "key2", "IDX", "WITHMATCHLEN") == idx_reply(
        [((4, 7), (5, 8), 4), ((2, 3), (0, 1), 2)], 6, resp3=True)
    assert raw3.call("LCS", "key1", "key2", "LEN") == integer(6)


def test_lcs_minmatchlen_leaves_out_shorter_ranges_but_not_their_length(texts):
    assert texts.call("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4") == idx_reply(
        [((4, 7), (5, 8))], 6)
    assert texts.call("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "5") == idx_reply([], 6)


def test_lcs_negative_minmatchlen_counts_as_zero(texts):
    assert texts.call("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "-3") == idx_reply(
        [((4, 7), (5, 8)), ((2, 3), (0, 1))], 6)


def test_lcs_follows_redis_walk_when_two_subsequences_tie(raw):
    # "a" and "b" are both longest; walking back from the end, Redis
    # drops a byte of the second string first, so it finds "b".
    raw.call("MSET", "x", "ab", "y", "ba")
    assert raw.call("LCS", "x", "y") == bulk("b")
    assert raw.call("LCS", "x", "y", "IDX") == idx_reply([((1, 1), (0, 0))], 1)


def test_lcs_range_that_reaches_the_start_of_one_string(raw):
    raw.call("MSET", "x", "xabcx", "y", "abc")
    assert raw.call("LCS", "x", "y", "IDX") == idx_reply([((1, 3), (0, 2))], 3)
    raw.call("MSET", "x", "same", "y", "same")
    assert raw.call("LCS", "x", "y", "IDX") == idx_reply([((0, 3), (0, 3))], 4)


def test_lcs_is_binary_safe(raw):
    raw.call("MSET", "x", b"\x00a\r\nb", "y", b"a\r\n\x00b")
    assert raw.call("LCS", "x", "y") == bulk(b"a\r\nb")


def test_lcs_of_missing_keys_is_the_empty_string(texts):
    assert texts.call("LCS", "key1", "nokey") == b"$0\r\n\r\n"
    assert texts.call("LCS", "nokey", "other", "LEN") == integer(0)
    assert texts.call("LCS", "nokey", "key2", "IDX") == idx_reply([], 0)


def test_lcs_of_strings_with_nothing_in_common(raw):
    raw.call("MSET", "x", "abc", "y", "xyz")
    assert raw.call("LCS", "x", "y") == b"$0\r\n\r\n"
    assert raw.call("LCS", "x", "y", "IDX", "WITHMATCHLEN") == idx_reply([], 0)


@pytest.mark.parametrize("options", [
    ["IDX", "LEN"], ["LEN", "IDX"], ["len", "MINMATCHLEN", "2", "idx"],
])
def test_lcs_with_both_len_and_idx_is_an_error(texts, options):
    assert texts.call("LCS", "key1", "key2", *options) == LEN_AND_IDX
    assert texts.call("LCS", "nokey", "nokey", *options) == LEN_AND_IDX


@pytest.mark.parametrize(("options", "reply"), [
    (["FOO"], SYNTAX_ERROR),
    (["MINMATCHLEN"], SYNTAX_ERROR),
    (["IDX", "MINMATCHLEN"], SYNTAX_ERROR),
    (["MINMATCHLEN", "two"], NOT_AN_INTEGER),
    (["MINMATCHLEN", "1.5", "IDX"], NOT_AN_INTEGER),
])
def test_lcs_option_errors(texts, options, reply):
    assert texts.call("LCS", "key1", "key2", *options) == reply


def test_lcs_of_a_key_of_another_type_is_an_error_checked_before_the_options(raw):
    raw.call("SET", "s", "abc")
    raw.call("RPUSH", "l", "abc")
    assert raw.call("LCS", "s", "l") == NOT_STRINGS
    assert raw.call("LCS", "l", "nokey") == NOT_STRINGS
    assert raw.call("LCS", "s", "l", "IDX", "LEN", "FOO") == NOT_STRINGS


def test_lcs_refuses_a_table_bigger_than_proto_max_bulk_len(raw):
    # 4 bytes a cell for (11585 + 1) ** 2 cells: just over 512 MB.
    raw.call("MSET", "x", "a" * 11585, "y", "b" * 11585)
    assert raw.call("LCS", "x", "y", "LEN") == error(
        "Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")


def test_lcs_needs_two_keys(raw):
    assert raw.call("LCS", "key1") == arity("lcs")


def test_lcs_matches_redis_on_random_strings(raw, reference):
    rng = random.Random(7)
    for _ in range(30):
        a = "".join(rng.choice("abc") for _ in range(rng.randrange(40)))
        b = "".join(rng.choice("abc") for _ in range(rng.randrange(40)))
        for client in (raw, reference):
            client.call("MSET", "a", a, "b", b)
        for options in ([], ["LEN"], ["IDX", "WITHMATCHLEN"], ["IDX", "MINMATCHLEN", "2"]):
            command = ["LCS", "a", "b", *options]
            assert raw.call(*command) == reference.call(*command), (a, b, options)


def test_redis_py_lcs(r):
    r.mset({"key1": "ohmytext", "key2": "mynewtext"})
    assert r.lcs("key1", "key2") == b"mytext"
    assert r.lcs("key1", "key2", len=True) == 6
    assert r.lcs("key1", "key2", idx=True, minmatchlen=4, withmatchlen=True) == [
        b"matches", [[[4, 7], [5, 8], 4]], b"len", 6]
