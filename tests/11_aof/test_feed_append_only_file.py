"""feed_append_only_file(), called in-process: what one write adds to
server.aof_buf, the buffer before_sleep writes to the incr file. A
SELECT comes first when the database is not the one the file last
selected; the bytes are kept only while the AOF is on, or being switched
on with its first rewrite running. The files these bytes make are
compared with redis-server's in test_aof_write.py."""

import pytest
from support.wire import command

pytestmark = [pytest.mark.internal,
              pytest.mark.exercise("11-feed-append-only-file")]

SELECT_0 = command("SELECT", "0")


@pytest.fixture
def srv(step_module, aof, commands):
    srv = step_module("server").Server(aof_state=commands.AOF_ON)
    srv.mstime = 1_700_000_000_123
    return srv


def test_the_first_write_selects_its_database(aof, srv):
    aof.feed_append_only_file(srv, 0, [b"SET", b"k", b"v"])
    assert srv.aof_buf == SELECT_0 + command("SET", "k", "v")
    assert srv.aof_selected_db == 0


def test_writes_to_the_same_database_select_it_once(aof, srv):
    aof.feed_append_only_file(srv, 0, [b"SET", b"a", b"1"])
    aof.feed_append_only_file(srv, 0, [b"DEL", b"a"])
    assert srv.aof_buf == (SELECT_0 + command("SET", "a", "1")
                              + command("DEL", "a"))


def test_a_write_to_another_database_selects_it_first(aof, srv):
    aof.feed_append_only_file(srv, 0, [b"SET", b"a", b"1"])
    aof.feed_append_only_file(srv, 12, [b"INCR", b"n"])
    aof.feed_append_only_file(srv, 0, [b"INCR", b"n"])
    assert srv.aof_buf == (
        SELECT_0 + command("SET", "a", "1") + b"*2\r\n$6\r\nSELECT\r\n"
        b"$2\r\n12\r\n" + command("INCR", "n") + SELECT_0
        + command("INCR", "n"))
    assert srv.aof_selected_db == 0


def test_what_the_buffer_held_is_kept(aof, srv):
    srv.aof_buf += b"not yet written"
    aof.feed_append_only_file(srv, 0, [b"SET", b"k", b"v"])
    assert srv.aof_buf.startswith(b"not yet written" + SELECT_0)


def test_with_timestamps_a_ts_line_starts_each_new_second(aof, srv):
    srv.aof_timestamp_enabled = True
    aof.feed_append_only_file(srv, 0, [b"SET", b"a", b"1"])
    aof.feed_append_only_file(srv, 0, [b"SET", b"b", b"2"])
    srv.mstime += 1000
    aof.feed_append_only_file(srv, 0, [b"SET", b"c", b"3"])
    assert srv.aof_buf == (
        b"#TS:1700000000\r\n" + SELECT_0 + command("SET", "a", "1")
        + command("SET", "b", "2") + b"#TS:1700000001\r\n"
        + command("SET", "c", "3"))


@pytest.mark.parametrize(("state", "child", "kept"), [
    ("AOF_OFF", "CHILD_TYPE_NONE", False),
    ("AOF_WAIT_REWRITE", "CHILD_TYPE_NONE", False),
    ("AOF_WAIT_REWRITE", "CHILD_TYPE_RDB", False),
    ("AOF_WAIT_REWRITE", "CHILD_TYPE_AOF", True),
])
def test_while_the_aof_is_off_or_waits_for_its_rewrite_nothing_is_kept(
        aof, srv, commands, step_module, state, child, kept):
    srv.aof_state = getattr(commands, state)
    srv.child_type = getattr(step_module("server"), child)
    aof.feed_append_only_file(srv, 0, [b"SET", b"k", b"v"])
    assert srv.aof_buf == (SELECT_0 + command("SET", "k", "v")
                              if kept else b"")
