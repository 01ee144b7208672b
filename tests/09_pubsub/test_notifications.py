"""Keyspace notifications: notify-keyspace-events names the classes of
events to publish, and each event goes out on __keyspace@<db>__:<key>
(K) and __keyevent@<db>__:<event> (E). These tests spell out what real
Redis does, case by case; test_notifications_oracle.py compares every
command's events with a real redis-server."""

import subprocess

import pytest
from support.keyspace_events import EventListener, notifications
from support.replies import OK, bulk, error
from support.servers import free_port, wait_until
from support.wire import RawClient, decode

INVALID_CLASS = error(
    "CONFIG SET failed (possibly related to argument "
    "'notify-keyspace-events') - Invalid event class character. Use "
    "'Ag$lshzxeKEtmdn'.")


def classes(raw) -> bytes:
    """What CONFIG GET notify-keyspace-events reads."""
    name, value = decode(raw.call("CONFIG", "GET", "notify-keyspace-events"))
    assert name == b"notify-keyspace-events"
    return value


@pytest.fixture
def reset_classes(raw):
    """Put notify-keyspace-events back to none after the test: the
    server is shared."""
    yield
    assert raw.call("CONFIG", "SET", "notify-keyspace-events", "") == OK


# CONFIG SET and GET notify-keyspace-events

def test_no_class_is_on_by_default(raw):
    assert classes(raw) == b""


@pytest.mark.parametrize(("given", "read_back"), [
    ("KEA", b"AKE"), ("AKE", b"AKE"), ("Ex", b"xE"), ("", b""),
    ("g$lshzxetd", b"A"), ("glshz", b"glshz"), ("zhslg", b"glshz"),
    ("KEAm", b"AKEm"), ("mKE", b"KEm"), ("Kn", b"nK"), ("EEEKKK", b"KE"),
    ("x", b"x"), ("Kgm$", b"g$Km"), ("Ane", b"A"),
])
def test_classes_read_back_in_redis_canonical_order(raw, reset_classes,
                                                    given, read_back):
    assert raw.call("CONFIG", "SET", "notify-keyspace-events", given) == OK
    assert classes(raw) == read_back


@pytest.mark.exercise("09-notify-keyspace-event")
def test_a_with_n_reads_back_as_a_alone_but_n_stays_on(server, raw,
                                                       reset_classes):
    """CONFIG GET shows "A" when all the classes A stands for are on,
    and then lists no other event class: n, which A leaves out, is on
    but not shown."""
    assert raw.call("CONFIG", "SET", "notify-keyspace-events", "KAn") == OK
    assert classes(raw) == b"AK"
    with EventListener(server.port) as listener:
        assert raw.call("SET", "k", "v") == OK
        assert listener.events(raw) == [(b"__keyspace@0__:k", b"new"),
                                        (b"__keyspace@0__:k", b"set")]


@pytest.mark.parametrize("value", ["KEq", "K E", "a", "k", "KEA?", "*"])
def test_an_unknown_class_character_is_refused_and_changes_nothing(
        raw, reset_classes, value):
    assert raw.call("CONFIG", "SET", "notify-keyspace-events", "Ex") == OK
    assert raw.call("CONFIG", "SET", "notify-keyspace-events",
                    value) == INVALID_CLASS
    assert classes(raw) == b"xE"


def test_the_classes_end_at_a_nul_byte(raw, reset_classes):
    assert raw.call("CONFIG", "SET", "notify-keyspace-events",
                    b"Kg\x00?") == OK
    assert classes(raw) == b"gK"


def test_config_set_with_another_parameter_undoes_both_on_a_bad_class(
        raw, reset_classes):
    assert raw.call("CONFIG", "SET", "hz", "20", "notify-keyspace-events",
                    "Kq") == INVALID_CLASS
    assert decode(raw.call("CONFIG", "GET", "hz"))[1] == b"10"
    assert classes(raw) == b""


def test_config_resetstat_leaves_the_classes_alone(raw, reset_classes):
    assert raw.call("CONFIG", "SET", "notify-keyspace-events", "El") == OK
    assert raw.call("CONFIG", "RESETSTAT") == OK
    assert classes(raw) == b"lE"


def test_config_get_by_pattern_finds_the_parameter(raw, reset_classes):
    assert raw.call("CONFIG", "SET", "notify-keyspace-events", "Kz") == OK
    assert decode(raw.call("CONFIG", "GET", "notify-*")) == [
        b"notify-keyspace-events", b"zK"]


@pytest.mark.exercise("09-notify-keyspace-event")
def test_the_command_line_sets_the_classes(start_server):
    proc = start_server(notify_keyspace_events="KEA")
    with RawClient(proc.port) as client:
        assert classes(client) == b"AKE"
        with EventListener(proc.port) as listener:
            assert client.call("DEL", "nope") == b":0\r\n"
            assert client.call("LPUSH", "l", "a") == b":1\r\n"
            assert listener.events(client) == [
                (b"__keyspace@0__:l", b"lpush"),
                (b"__keyevent@0__:lpush", b"l")]


def test_a_bad_class_on_the_command_line_stops_the_server(target):
    result = subprocess.run(
        target.command(free_port(), {"notify-keyspace-events": "KEq"}),
        capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***" in result.stderr
    assert ">>> 'notify-keyspace-events \"KEq\"'" in result.stderr
    assert ("Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
            in result.stderr.splitlines())


# The two channels

@pytest.mark.exercise("09-notify-keyspace-event")
def test_an_event_goes_to_the_keyspace_channel_then_the_keyevent_one(server):
    with notifications(server.port, "KEA") as listener, \
            RawClient(server.port) as raw:
        assert raw.call("SET", "greeting", "hi") == OK
        assert listener.events(raw) == [
            (b"__keyspace@0__:greeting", b"set"),
            (b"__keyevent@0__:set", b"greeting")]


@pytest.mark.exercise("09-notify-keyspace-event")
def test_k_alone_publishes_on_the_keyspace_channel_only(server):
    with notifications(server.port, "K$") as listener, \
            RawClient(server.port) as raw:
        assert raw.call("SET", "k", "v") == OK
        assert listener.events(raw) == [(b"__keyspace@0__:k", b"set")]


@pytest.mark.exercise("09-notify-keyspace-event")
def test_e_alone_publishes_on_the_keyevent_channel_only(server):
    with notifications(server.port, "E$") as listener, \
            RawClient(server.port) as raw:
        assert raw.call("SET", "k", "v") == OK
        assert listener.events(raw) == [(b"__keyevent@0__:set", b"k")]


@pytest.mark.exercise("09-notify-keyspace-event")
def test_classes_without_k_or_e_publish_nothing(server):
    with notifications(server.port, "Amn") as listener, \
            RawClient(server.port) as raw:
        assert raw.call("SET", "k", "v") == OK
        assert raw.call("GET", "nope") == b"$-1\r\n"
        assert listener.events(raw) == []


@pytest.mark.exercise("09-notify-keyspace-event")
def test_nothing_is_published_when_no_class_is_on(server, raw):
    with EventListener(server.port) as listener:
        assert raw.call("SET", "k", "v") == OK
        assert raw.call("DEL", "k") == b":1\r\n"
        assert listener.events(raw) == []


@pytest.mark.exercise("09-notify-keyspace-event")
def test_only_the_classes_on_are_published(server):
    with notifications(server.port, "Kl") as listener, \
            RawClient(server.port) as raw:
        assert raw.call("SET", "s", "v") == OK  # $: off
        assert raw.call("RPUSH", "l", "a") == b":1\r\n"  # l: on
        assert raw.call("DEL", "l") == b":1\r\n"  # g: off
        assert listener.events(raw) == [(b"__keyspace@0__:l", b"rpush")]


@pytest.mark.exercise("09-notify-keyspace-event")
def test_the_channel_names_the_database_of_the_key(server):
    with notifications(server.port, "KEg") as listener, \
            RawClient(server.port) as raw:
        assert raw.call("SELECT", "3") == OK
        assert raw.call("SET", "k", "v") == OK
        assert raw.call("MOVE", "k", "12") == b":1\r\n"
        assert raw.call("SELECT", "0") == OK
        assert listener.events(raw) == [
            (b"__keyspace@3__:k", b"move_from"),
            (b"__keyevent@3__:move_from", b"k"),
            (b"__keyspace@12__:k", b"move_to"),
            (b"__keyevent@12__:move_to", b"k")]


@pytest.mark.exercise("09-notify-keyspace-event")
def test_a_key_with_any_bytes_is_published_as_it_is(server):
    key = b"a\x00b\r\n\xff*"
    with notifications(server.port, "KEg") as listener, \
            RawClient(server.port) as raw:
        assert raw.call("SET", key, "v") == OK
        assert raw.call("DEL", key) == b":1\r\n"
        assert listener.events(raw) == [(b"__keyspace@0__:" + key, b"del"),
                                        (b"__keyevent@0__:del", key)]


@pytest.mark.exercise("09-notify-keyspace-event")
def test_a_subscriber_to_one_key_hears_that_key_only(server):
    with notifications(server.port, "KA"), RawClient(server.port) as sub, \
            RawClient(server.port) as raw:
        assert decode(sub.call("SUBSCRIBE", "__keyspace@0__:watched")) == [
            b"subscribe", b"__keyspace@0__:watched", 1]
        assert raw.call("SET", "other", "1") == OK
        assert raw.call("SET", "watched", "1") == OK
        assert raw.call("INCR", "watched") == b":2\r\n"
        assert decode(sub.read_reply()) == [
            b"message", b"__keyspace@0__:watched", b"set"]
        assert decode(sub.read_reply()) == [
            b"message", b"__keyspace@0__:watched", b"incrby"]


@pytest.mark.exercise("09-notify-keyspace-event")
def test_a_resp3_subscriber_gets_events_as_pushes(server):
    with notifications(server.port, "E$"), RawClient(server.port) as sub, \
            RawClient(server.port) as raw:
        assert sub.call("HELLO", "3").startswith(b"%")
        channel = "__keyevent@0__:append"
        assert sub.call("SUBSCRIBE", channel) == (
            b">3\r\n" + bulk("subscribe") + bulk(channel) + b":1\r\n")
        assert raw.call("APPEND", "k", "abc") == b":3\r\n"
        assert sub.read_reply() == (
            b">3\r\n" + bulk("message") + bulk(channel) + bulk("k"))


# The events that are not the command's name

@pytest.mark.exercise("09-notify-keyspace-event")
def test_keymiss_is_published_for_a_read_that_finds_nothing(server):
    with notifications(server.port, "Km") as listener, \
            RawClient(server.port) as raw:
        assert raw.call("GET", "nope") == b"$-1\r\n"
        assert raw.call("LPOP", "nope") == b"$-1\r\n"  # a write: no miss
        assert raw.call("OBJECT", "ENCODING", "nope") == b"$-1\r\n"
        assert raw.call("EXISTS", "a", "b") == b":0\r\n"
        assert listener.events(raw) == [(b"__keyspace@0__:nope", b"keymiss"),
                                        (b"__keyspace@0__:a", b"keymiss"),
                                        (b"__keyspace@0__:b", b"keymiss")]


@pytest.mark.exercise("09-notify-keyspace-event")
def test_new_is_published_when_a_key_comes_into_being(server):
    with notifications(server.port, "En$") as listener, \
            RawClient(server.port) as raw:
        assert raw.call("SET", "k", "v") == OK
        assert raw.call("SET", "k", "w") == OK
        assert raw.call("INCR", "n") == b":1\r\n"
        assert listener.events(raw) == [
            (b"__keyevent@0__:new", b"k"), (b"__keyevent@0__:set", b"k"),
            (b"__keyevent@0__:set", b"k"), (b"__keyevent@0__:new", b"n"),
            (b"__keyevent@0__:incrby", b"n")]


@pytest.mark.exercise("09-notify-keyspace-event")
def test_a_pop_that_empties_a_list_publishes_del_after_the_pop(server):
    with notifications(server.port, "KA") as listener, \
            RawClient(server.port) as raw:
        assert raw.call("RPUSH", "l", "a") == b":1\r\n"
        assert raw.call("LPOP", "l") == b"$1\r\na\r\n"
        assert listener.events(raw) == [(b"__keyspace@0__:l", b"rpush"),
                                        (b"__keyspace@0__:l", b"lpop"),
                                        (b"__keyspace@0__:l", b"del")]


@pytest.mark.exercise("09-notify-keyspace-event")
def test_rename_publishes_from_then_to(server):
    with notifications(server.port, "Eg") as listener, \
            RawClient(server.port) as raw:
        assert raw.call("SET", "old", "v") == OK
        assert raw.call("RENAME", "old", "new") == OK
        assert listener.events(raw) == [
            (b"__keyevent@0__:rename_from", b"old"),
            (b"__keyevent@0__:rename_to", b"new")]


@pytest.mark.exercise("09-notify-keyspace-event")
def test_active_expiry_publishes_expired(server):
    with notifications(server.port, "Ex") as listener, \
            RawClient(server.port) as raw:
        assert raw.call("SET", "k", "v", "PX", "1") == OK
        wait_until(lambda: raw.call("DBSIZE") == b":0\r\n", timeout=10,
                   message="the key never expired")
        assert listener.events(raw) == [(b"__keyevent@0__:expired", b"k")]


@pytest.mark.exercise("09-notify-keyspace-event")
def test_an_expired_key_publishes_expired_before_its_reads_keymiss(server):
    with notifications(server.port, "Kxm") as listener, \
            RawClient(server.port) as raw:
        assert raw.call("SET", "k", "v", "PX", "1") == OK
        # Wait until the key is dead, without reading it.
        wait_until(lambda: raw.call("PTTL", "k") == b":-2\r\n", timeout=10)
        assert listener.events(raw) == [(b"__keyspace@0__:k", b"expired"),
                                        (b"__keyspace@0__:k", b"keymiss")]


@pytest.mark.exercise("09-notify-keyspace-event")
def test_exec_publishes_the_events_of_the_commands_it_runs(server):
    with notifications(server.port, "E$") as listener, \
            RawClient(server.port) as raw, RawClient(server.port) as other:
        assert raw.call("MULTI") == OK
        assert raw.call("SET", "a", "1") == b"+QUEUED\r\n"
        assert raw.call("INCRBY", "a", "2") == b"+QUEUED\r\n"
        assert listener.events(other) == []
        assert decode(raw.call("EXEC")) == ["OK", 3]
        assert listener.events(raw) == [(b"__keyevent@0__:set", b"a"),
                                        (b"__keyevent@0__:incrby", b"a")]


@pytest.mark.exercise("09-notify-keyspace-event")
def test_a_bitfield_write_that_changes_nothing_publishes_nothing(server):
    """Redis counts a BITFIELD write as a change only if the string was
    made or grew, or the field's value is new: otherwise no setbit, and
    no WATCH is broken (steps 04 to 08 broke it)."""
    with notifications(server.port, "K$") as listener, \
            RawClient(server.port) as raw:
        assert decode(raw.call("BITFIELD", "bf", "SET", "u8", "0", "120")
                      ) == [0]
        assert raw.call("WATCH", "bf") == OK
        assert decode(raw.call("BITFIELD", "bf", "SET", "u8", "0", "120")
                      ) == [120]
        assert raw.call("MULTI") == OK
        assert raw.call("PING") == b"+QUEUED\r\n"
        assert decode(raw.call("EXEC")) == ["PONG"]
        assert listener.events(raw) == [(b"__keyspace@0__:bf", b"setbit")]
