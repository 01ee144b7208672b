"""MULTI queues, EXEC runs: the replies byte for byte, in RESP2 and RESP3,
and every error multi.c and processCommand() send."""

import pytest
from support.replies import NULL, NULL3, NULL_ARRAY, OK, WRONGTYPE, arity, bulk, error
from support.wire import RawClient

QUEUED = b"+QUEUED\r\n"
EXECABORT = b"-EXECABORT Transaction discarded because of previous errors.\r\n"


@pytest.mark.exercise("08-queue-multi-command")
def test_commands_after_multi_are_queued_not_run(raw, connect):
    assert raw.call("MULTI") == OK
    assert raw.call("SET", "k", "v") == QUEUED
    assert raw.call("INCR", "n") == QUEUED
    other = connect()
    assert other.call("EXISTS", "k", "n") == b":0\r\n"
    assert raw.call("DISCARD") == OK
    assert other.call("EXISTS", "k", "n") == b":0\r\n"


@pytest.mark.exercise("08-exec-command")
def test_exec_replies_an_array_of_the_queued_commands_replies(raw):
    raw.call("MULTI")
    for args in (("SET", "k", "v"), ("GET", "k"), ("INCR", "n"), ("GET", "nope")):
        assert raw.call(*args) == QUEUED
    assert raw.call("EXEC") == b"*4\r\n" + OK + bulk("v") + b":1\r\n" + NULL


@pytest.mark.exercise("08-exec-command")
def test_exec_replies_in_resp3_with_resp3_types(raw3):
    raw3.call("MULTI")
    raw3.call("HSET", "h", "f", "v")
    raw3.call("HGETALL", "h")
    raw3.call("GET", "nope")
    assert raw3.call("EXEC") == (b"*3\r\n:1\r\n%1\r\n" + bulk("f") + bulk("v") + NULL3)


@pytest.mark.exercise("08-exec-command")
def test_a_runtime_error_is_one_reply_and_the_other_commands_still_run(raw):
    raw.call("MULTI")
    raw.call("SET", "k", "v")
    raw.call("LPUSH", "k", "x")
    raw.call("INCR", "k")
    raw.call("SET", "k2", "after")
    assert raw.call("EXEC") == (b"*4\r\n" + OK + WRONGTYPE
                                + error("value is not an integer or out of range") + OK)
    assert raw.call("GET", "k2") == bulk("after")  # no rollback


def test_exec_without_multi_is_an_error(raw):
    assert raw.call("EXEC") == error("EXEC without MULTI")


def test_discard_without_multi_is_an_error(raw):
    assert raw.call("DISCARD") == error("DISCARD without MULTI")


def test_discard_forgets_the_queue(raw):
    raw.call("MULTI")
    raw.call("SET", "k", "v")
    assert raw.call("DISCARD") == OK
    assert raw.call("EXISTS", "k") == b":0\r\n"
    assert raw.call("EXEC") == error("EXEC without MULTI")


def test_nested_multi_is_an_error_that_does_not_abort_the_transaction(raw):
    raw.call("MULTI")
    assert raw.call("MULTI") == error("MULTI calls can not be nested")
    raw.call("SET", "k", "v")
    assert raw.call("EXEC") == b"*1\r\n" + OK


def test_watch_inside_multi_is_an_error_that_does_not_abort(raw):
    raw.call("MULTI")
    assert raw.call("WATCH", "k") == error("WATCH inside MULTI is not allowed")
    raw.call("SET", "k", "v")
    assert raw.call("EXEC") == b"*1\r\n" + OK


@pytest.mark.exercise("08-exec-command")
def test_an_unknown_command_makes_exec_abort(raw):
    raw.call("MULTI")
    raw.call("SET", "k", "v")
    assert raw.call("NOSUCH", "a") == error(
        "unknown command 'NOSUCH', with args beginning with: 'a' ")
    assert raw.call("EXEC") == EXECABORT
    assert raw.call("EXISTS", "k") == b":0\r\n"


@pytest.mark.exercise("08-exec-command")
def test_a_wrong_number_of_arguments_makes_exec_abort(raw):
    raw.call("MULTI")
    assert raw.call("GET") == arity("get")
    assert raw.call("SET", "k", "v") == QUEUED  # still answered QUEUED
    assert raw.call("EXEC") == EXECABORT
    assert raw.call("EXEC") == error("EXEC without MULTI")  # it ended


def test_a_no_multi_command_is_refused_and_aborts_the_transaction(raw):
    raw.call("MULTI")
    assert raw.call("SHUTDOWN") == error("Command not allowed inside a transaction")
    assert raw.call("EXEC") == EXECABORT


def test_exec_with_arguments_aborts_the_transaction_with_the_reason(raw):
    raw.call("MULTI")
    raw.call("SET", "k", "v")
    assert raw.call("EXEC", "x") == (
        b"-EXECABORT Transaction discarded because of: "
        b"wrong number of arguments for 'exec' command\r\n")
    assert raw.call("EXEC") == error("EXEC without MULTI")
    assert raw.call("EXISTS", "k") == b":0\r\n"


def test_exec_with_arguments_outside_multi_is_execabort_too(raw):
    assert raw.call("EXEC", "x") == (
        b"-EXECABORT Transaction discarded because of: "
        b"wrong number of arguments for 'exec' command\r\n")


def test_discard_with_arguments_is_a_plain_arity_error(raw):
    raw.call("MULTI")
    assert raw.call("DISCARD", "x") == arity("discard")
    assert raw.call("EXEC") == EXECABORT


def test_an_empty_transaction_replies_an_empty_array(raw):
    raw.call("MULTI")
    assert raw.call("EXEC") == b"*0\r\n"


def test_quit_inside_multi_is_run_not_queued(raw):
    raw.call("MULTI")
    assert raw.call("QUIT") == OK
    assert raw.read_until_closed() == b""


def test_a_pipelined_transaction_replies_in_order(raw):
    raw.send(b"".join(
        b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)
        for args in ([b"MULTI"], [b"INCR", b"n"], [b"INCR", b"n"], [b"EXEC"])))
    assert raw.read_replies(4) == [OK, QUEUED, QUEUED, b"*2\r\n:1\r\n:2\r\n"]


def test_commands_in_exec_are_counted_in_commandstats_as_their_own(raw):
    raw.call("CONFIG", "RESETSTAT")
    raw.call("MULTI")
    raw.call("SET", "k", "v")
    raw.call("INCR", "k")
    raw.call("EXEC")
    stats = raw.call("INFO", "commandstats").decode()
    assert "cmdstat_exec:calls=1," in stats
    assert "rejected_calls=0,failed_calls=0" in stats.split("cmdstat_exec:")[1].split("\r\n")[0]
    assert "failed_calls=1" in stats.split("cmdstat_incr:")[1].split("\r\n")[0]
    assert "cmdstat_set:calls=1," in stats
    assert "cmdstat_multi:calls=1," in stats


def test_execabort_counts_in_errorstats(raw):
    raw.call("CONFIG", "RESETSTAT")
    raw.call("MULTI")
    raw.call("NOSUCH")
    raw.call("EXEC")
    stats = raw.call("INFO", "errorstats").decode()
    assert "errorstat_EXECABORT:count=1" in stats
    assert "errorstat_ERR:count=1" in stats


def test_blocking_commands_inside_exec_time_out_at_once(raw):
    raw.call("MULTI")
    for args in (("BLPOP", "l", "0"), ("BRPOP", "l", "0"),
                 ("BLMOVE", "l", "m", "LEFT", "LEFT", "0"), ("BRPOPLPUSH", "l", "m", "0"),
                 ("BLMPOP", "0", "1", "l", "LEFT"), ("BZPOPMIN", "z", "0"),
                 ("BZMPOP", "0", "1", "z", "MIN")):
        assert raw.call(*args) == QUEUED
    assert raw.call("EXEC") == (b"*7\r\n" + NULL_ARRAY * 2 + NULL * 2 + NULL_ARRAY * 3)


def test_blocking_commands_inside_exec_reply_resp3_nulls(raw3):
    raw3.call("MULTI")
    raw3.call("BLPOP", "l", "0")
    raw3.call("BLMOVE", "l", "m", "LEFT", "LEFT", "0")
    assert raw3.call("EXEC") == b"*2\r\n" + NULL3 * 2


def test_a_blocking_command_with_data_pops_inside_exec(raw):
    raw.call("RPUSH", "l", "a")
    raw.call("MULTI")
    raw.call("BLPOP", "l", "0")
    assert raw.call("EXEC") == b"*1\r\n*2\r\n" + bulk("l") + bulk("a")


def test_exec_refused_for_want_of_auth_replies_execabort_with_the_reason(start_server):
    proc = start_server(requirepass="s3cret")
    with RawClient(proc.port) as client:
        assert client.call("MULTI") == b"-NOAUTH Authentication required.\r\n"
        assert client.call("EXEC") == (b"-EXECABORT Transaction discarded because of: "
                                       b"NOAUTH Authentication required.\r\n")
