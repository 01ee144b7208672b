"""What a command writes to the append-only file: propagation.

Each test starts a server with appendonly yes in a directory of its own,
sends commands, and reads the commands of the last incr file (the
manifest names it). A command goes in only if it changed the dataset,
and as what it did, in a form that means the same whenever the file is
loaded: relative times become absolute (SET ... PXAT, PEXPIREAT), random
picks become the members picked (SPOP as SREM), blocking pops the pop
they were, an expired key a DEL. Several commands from one call (EXEC)
are wrapped in MULTI ... EXEC. The times are compared to within a
second (support.aof_log.At); everything else byte for byte.

appendfsync always: the file is written (and synced) before a reply is
sent, so it can be read as soon as the reply is in.
"""

import pytest
from support.aof_log import AofServer, At, commands
from support.replies import info_field
from support.servers import wait_until
from support.wire import command, decode

FAR = 4_000_000_000  # a Unix time in s, in 2096
FAR_MS = FAR * 1000


@pytest.fixture
def aof(start_server, tmp_path):
    proc = start_server(dir=str(tmp_path), appendonly="yes",
                        appendfsync="always", enable_debug_command="yes")
    server = AofServer(proc, tmp_path)
    yield server
    server.close()


def test_a_write_is_written_after_a_select_of_its_database(aof):
    aof.call("SET", "k", "v")
    assert aof.written() == commands("SELECT 0", "SET k v")


# SET and its relatives: expire times become absolute.

def test_set_with_ex_or_px_is_written_with_pxat_the_absolute_time(aof):
    aof.call("SET", "k", "v", "EX", "100")
    aof.call("SET", "p", "v", "px", "5000")
    assert aof.written() == [
        [b"SELECT", b"0"],
        [b"SET", b"k", b"v", b"PXAT", At(100_000)],
        [b"SET", b"p", b"v", b"PXAT", At(5000)]]


def test_set_with_exat_or_pxat_is_written_with_pxat_in_ms(aof):
    aof.call("SET", "k", "v", "EXAT", FAR)
    aof.call("SET", "p", "v", "PXAT", FAR_MS + 123)
    assert aof.written() == commands(
        "SELECT 0", f"SET k v PXAT {FAR_MS}", f"SET p v PXAT {FAR_MS + 123}")


def test_set_with_an_expire_drops_nx_xx_and_get(aof):
    aof.call("SET", "k", "v", "NX", "GET", "EXAT", FAR)
    aof.call("SET", "k", "w", "xx", "pxat", FAR_MS)
    assert aof.written() == commands(
        "SELECT 0", f"SET k v PXAT {FAR_MS}", f"SET k w PXAT {FAR_MS}")


def test_set_with_get_is_written_without_get(aof):
    aof.call("set", "k", "v", "get")
    aof.call("SET", "k", "w", "GET", "XX", "Get")
    assert aof.written() == commands("SELECT 0", "set k v", "SET k w XX")


def test_set_keepttl_is_written_as_it_came(aof):
    aof.call("SET", "k", "v", "EXAT", FAR)
    aof.call("SET", "k", "w", "KEEPTTL")
    assert aof.written() == commands(
        "SELECT 0", f"SET k v PXAT {FAR_MS}", "SET k w KEEPTTL")


def test_setex_and_psetex_are_written_as_set_with_pxat(aof):
    aof.call("SETEX", "k", "100", "v")
    aof.call("PSETEX", "p", "5000", "w")
    assert aof.written() == [
        [b"SELECT", b"0"],
        [b"SET", b"k", b"v", b"PXAT", At(100_000)],
        [b"SET", b"p", b"w", b"PXAT", At(5000)]]


def test_a_set_that_nx_or_xx_refused_is_not_written(aof):
    aof.call("SETNX", "k", "v")
    aof.call("SETNX", "k", "w")
    aof.call("SET", "k", "w", "NX", "EX", "10")
    aof.call("SET", "missing", "w", "XX")
    assert aof.written() == commands("SELECT 0", "SETNX k v")


def test_getex_with_an_expire_is_written_as_pexpireat(aof):
    aof.call("SET", "k", "v")
    aof.call("GETEX", "k", "EX", "100")
    aof.call("GETEX", "k", "PXAT", FAR_MS)
    assert aof.written() == [
        [b"SELECT", b"0"], [b"SET", b"k", b"v"],
        [b"PEXPIREAT", b"k", At(100_000)],
        [b"PEXPIREAT", b"k", str(FAR_MS).encode()]]


def test_getex_with_a_time_already_past_is_written_as_del(aof):
    aof.call("SET", "k", "v")
    assert aof.call("GETEX", "k", "EXAT", "1") == b"$1\r\nv\r\n"
    assert aof.written() == commands("SELECT 0", "SET k v", "DEL k")


def test_getex_persist_is_written_as_persist_if_it_removed_a_ttl(aof):
    aof.call("SET", "k", "v", "EXAT", FAR)
    aof.call("GETEX", "k", "PERSIST")
    aof.call("GETEX", "k", "PERSIST")  # no TTL left: changes nothing
    aof.call("GETEX", "k")
    aof.call("GETEX", "missing", "EX", "10")
    assert aof.written() == commands(
        "SELECT 0", f"SET k v PXAT {FAR_MS}", "PERSIST k")


def test_getdel_is_written_as_del_and_getset_as_set(aof):
    aof.call("SET", "k", "v")
    aof.call("GETSET", "k", "w")
    aof.call("GETDEL", "k")
    aof.call("GETDEL", "k")
    assert aof.written() == commands("SELECT 0", "SET k v", "SET k w",
                                     "DEL k")


def test_incrbyfloat_is_written_as_set_of_the_result_keepttl(aof):
    aof.call("SET", "n", "10.5")
    assert aof.call("INCRBYFLOAT", "n", "0.1") == b"$4\r\n10.6\r\n"
    aof.call("INCRBYFLOAT", "m", "3e2")
    assert aof.written() == commands(
        "SELECT 0", "SET n 10.5", "SET n 10.6 KEEPTTL", "SET m 300 KEEPTTL")


def test_hincrbyfloat_is_written_as_hset_of_the_result(aof):
    aof.call("HSET", "h", "f", "1.5")
    aof.call("HINCRBYFLOAT", "h", "f", "1e1")
    aof.call("HINCRBYFLOAT", "h", "g", "-2")
    assert aof.written() == commands(
        "SELECT 0", "HSET h f 1.5", "HSET h f 11.5", "HSET h g -2")


# EXPIRE and its relatives: PEXPIREAT, or DEL for a time already past.

def test_expire_pexpire_and_expireat_are_written_as_pexpireat(aof):
    aof.call("SET", "k", "v")
    aof.call("EXPIRE", "k", "100")
    aof.call("PEXPIRE", "k", "5000")
    aof.call("EXPIREAT", "k", FAR)
    aof.call("pexpireat", "k", FAR_MS + 1)
    assert aof.written() == [
        [b"SELECT", b"0"], [b"SET", b"k", b"v"],
        [b"PEXPIREAT", b"k", At(100_000)],
        [b"PEXPIREAT", b"k", At(5000)],
        [b"PEXPIREAT", b"k", str(FAR_MS).encode()],
        [b"pexpireat", b"k", str(FAR_MS + 1).encode()]]


def test_expire_keeps_its_options_in_the_file(aof):
    aof.call("SET", "k", "v")
    aof.call("EXPIRE", "k", "100", "NX")
    aof.call("EXPIREAT", "k", FAR, "gt")
    assert aof.written() == [
        [b"SELECT", b"0"], [b"SET", b"k", b"v"],
        [b"PEXPIREAT", b"k", At(100_000), b"NX"],
        [b"PEXPIREAT", b"k", str(FAR_MS).encode(), b"gt"]]


def test_an_expire_already_past_is_written_as_del(aof):
    aof.call("MSET", "a", "1", "b", "2", "c", "3")
    aof.call("EXPIRE", "a", "-1")
    aof.call("EXPIREAT", "b", "1")
    aof.call("PEXPIRE", "c", "0")
    assert aof.written() == commands(
        "SELECT 0", "MSET a 1 b 2 c 3", "DEL a", "DEL b", "DEL c")


def test_an_expire_or_persist_that_changes_nothing_is_not_written(aof):
    aof.call("SET", "k", "v")
    aof.call("EXPIRE", "missing", "10")
    aof.call("EXPIRE", "k", "10", "XX")
    aof.call("PERSIST", "k")
    aof.call("PEXPIREAT", "k", FAR_MS)
    aof.call("PERSIST", "k")
    assert aof.written() == commands(
        "SELECT 0", "SET k v", f"PEXPIREAT k {FAR_MS}", "PERSIST k")


# SPOP: the members it picked, as SREMs.

def popped(reply: bytes) -> list[bytes]:
    members = decode(reply)
    return members if isinstance(members, list) else [members]


def test_spop_is_written_as_srem_of_the_member_popped(aof):
    aof.call("SADD", "s", "a", "b", "c")
    member = popped(aof.call("SPOP", "s"))[0]
    assert aof.written() == [*commands("SELECT 0", "SADD s a b c"),
                             [b"SREM", b"s", member]]


@pytest.mark.parametrize("count", [2, 6])  # random picks; picks to keep
def test_spop_with_a_count_is_written_as_srems_in_multi_exec(aof, count):
    aof.call("SADD", "s", *"abcdefg")
    members = popped(aof.call("SPOP", "s", count))
    assert len(members) == count
    assert aof.written() == [
        *commands("SELECT 0", "SADD s a b c d e f g", "MULTI"),
        *([b"SREM", b"s", member] for member in members),
        [b"EXEC"]]


def test_spop_of_one_member_with_a_count_is_one_srem(aof):
    aof.call("SADD", "s", "1", "2", "3", "4", "5")
    members = popped(aof.call("SPOP", "s", "1"))
    assert aof.written() == [*commands("SELECT 0", "SADD s 1 2 3 4 5"),
                             [b"SREM", b"s", members[0]]]


def test_spop_of_the_whole_set_is_written_as_del(aof):
    aof.call("SADD", "s", "a", "b")
    aof.call("SPOP", "s", "5")
    aof.call("SPOP", "s", "5")
    aof.call("SPOP", "s")
    assert aof.written() == commands("SELECT 0", "SADD s a b", "DEL s")


def test_srandmember_is_not_written(aof):
    aof.call("SADD", "s", "a", "b")
    aof.call("SRANDMEMBER", "s")
    aof.call("SRANDMEMBER", "s", "-5")
    aof.call("SET", "end", "1")
    assert aof.written() == commands("SELECT 0", "SADD s a b", "SET end 1")


@pytest.mark.parametrize("store", [
    "SINTERSTORE d nokey", "SUNIONSTORE d nokey", "SDIFFSTORE d nokey",
    "ZUNIONSTORE d 1 nokey", "ZINTERSTORE d 1 nokey", "ZDIFFSTORE d 1 nokey",
    "ZRANGESTORE d nokey 0 -1"])
def test_an_empty_store_result_that_deletes_the_destination_is_written(
        aof, store):
    aof.call("SET", "d", "x")
    aof.call(*store.split())
    aof.call(*store.split())  # d is gone now: nothing changes, nothing written
    assert aof.written() == commands("SELECT 0", "SET d x", store)


# Lists and sorted sets: pops that chose their key or blocked.

def test_lmove_and_rpoplpush_are_written_as_they_came(aof):
    aof.call("RPUSH", "l", "a", "b", "c")
    aof.call("LMOVE", "l", "m", "left", "RIGHT")
    aof.call("RPOPLPUSH", "l", "m")
    aof.call("LMOVE", "missing", "m", "LEFT", "LEFT")
    assert aof.written() == commands(
        "SELECT 0", "RPUSH l a b c", "LMOVE l m left RIGHT", "RPOPLPUSH l m")


def test_lmpop_and_zmpop_are_written_as_pops_of_the_count_popped(aof):
    aof.call("RPUSH", "l", "a", "b", "c")
    aof.call("ZADD", "z", "1", "a", "2", "b")
    aof.call("LMPOP", "2", "missing", "l", "RIGHT", "COUNT", "10")
    aof.call("ZMPOP", "1", "z", "MAX")
    aof.call("zmpop", "1", "z", "min", "count", "5")
    assert aof.written() == commands(
        "SELECT 0", "RPUSH l a b c", "ZADD z 1 a 2 b", "RPOP l 3",
        "ZPOPMAX z 1", "ZPOPMIN z 1")


@pytest.mark.parametrize(("blocking", "written"), [
    ("BLPOP missing l 0", "LPOP l"),
    ("BRPOP l 0", "RPOP l"),
    ("BLMPOP 0 1 l LEFT COUNT 2", "LPOP l 2"),
    ("BLMPOP 0 1 l RIGHT COUNT 9", "RPOP l 3"),
    ("BLMOVE l m RIGHT left 0", "LMOVE l m RIGHT left"),
    ("BRPOPLPUSH l m 0", "RPOPLPUSH l m"),
])
def test_a_blocking_list_pop_served_at_once_is_written_as_a_pop(
        aof, blocking, written):
    aof.call("RPUSH", "l", "a", "b", "c")
    aof.call(*blocking.split())
    assert aof.written() == commands("SELECT 0", "RPUSH l a b c", written)


@pytest.mark.parametrize(("blocking", "written"), [
    ("BZPOPMIN z 0", "ZPOPMIN z"),
    ("BZPOPMAX missing z 0", "ZPOPMAX z"),
    ("BZMPOP 0 1 z MIN COUNT 5", "ZPOPMIN z 2"),
])
def test_a_blocking_zset_pop_served_at_once_is_written_as_a_pop(
        aof, blocking, written):
    aof.call("ZADD", "z", "1", "a", "2", "b")
    aof.call(*blocking.split())
    assert aof.written() == commands("SELECT 0", "ZADD z 1 a 2 b", written)


def blocked_clients(aof) -> int:
    return int(info_field(aof.client, "clients", "blocked_clients"))


@pytest.mark.parametrize(("blocking", "push", "written"), [
    ("BLPOP q 0", "RPUSH q a b", "LPOP q"),
    ("BRPOP q 0", "RPUSH q a b", "RPOP q"),
    ("BLMPOP 0 1 q LEFT COUNT 5", "RPUSH q a b", "LPOP q 2"),
    ("BLMOVE q d RIGHT LEFT 0", "RPUSH q a", "LMOVE q d right left"),
    ("BRPOPLPUSH q d 0", "RPUSH q a", "RPOPLPUSH q d"),
    ("BZPOPMIN z 0", "ZADD z 1 a 2 b", "ZPOPMIN z"),
    ("BZMPOP 0 1 z MAX COUNT 5", "ZADD z 1 a", "ZPOPMAX z 1"),
])
def test_a_blocked_pop_served_later_is_written_after_the_push(
        aof, blocking, push, written):
    waiter = aof.connect()
    waiter.send(command(*blocking.split()))
    wait_until(lambda: blocked_clients(aof) == 1, timeout=10,
               message="the client never blocked")
    aof.call(*push.split())
    assert not waiter.read_reply().startswith(b"-")
    assert aof.written() == commands("SELECT 0", push, written)


def test_a_blocked_blmove_is_served_in_its_clients_database(aof):
    waiter = aof.connect()
    waiter.call("SELECT", "5")
    waiter.send(command("BLMOVE", "q", "d", "LEFT", "LEFT", "0"))
    wait_until(lambda: blocked_clients(aof) == 1, timeout=10,
               message="the client never blocked")
    aof.call("SELECT", "5")
    aof.call("LPUSH", "q", "x")
    assert waiter.read_reply() == b"$1\r\nx\r\n"
    assert aof.written() == commands("SELECT 5", "LPUSH q x",
                                     "LMOVE q d left left")


# Expiry: a key found expired, or reclaimed by active expiry, is a DEL.

def test_a_key_found_expired_by_a_read_is_written_as_del(aof):
    aof.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    aof.call("SET", "k", "v", "PXAT", "1")  # long past: expired already
    assert aof.call("GET", "k") == b"$-1\r\n"
    assert aof.call("GET", "k") == b"$-1\r\n"
    assert aof.written() == commands("SELECT 0", "SET k v PXAT 1", "DEL k")


@pytest.mark.exercise("11-propagate-pending-commands")
def test_a_write_to_a_key_found_expired_comes_after_its_del_in_multi(aof):
    aof.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    aof.call("SET", "k", "v", "PXAT", "1")
    aof.call("INCR", "k")
    assert aof.written() == commands(
        "SELECT 0", "SET k v PXAT 1", "MULTI", "DEL k", "INCR k", "EXEC")


def test_del_of_keys_found_expired_writes_their_dels_not_its_own(aof):
    aof.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    aof.call("SET", "a", "1", "PXAT", "1")
    aof.call("SET", "b", "1", "PXAT", "1")
    assert aof.call("DEL", "a", "b", "c") == b":0\r\n"
    assert aof.written() == commands(
        "SELECT 0", "SET a 1 PXAT 1", "SET b 1 PXAT 1",
        "MULTI", "DEL a", "DEL b", "EXEC")


@pytest.mark.exercise("11-propagate-pending-commands")
def test_scan_writes_the_dels_of_the_expired_keys_it_finds_alone(aof):
    aof.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    aof.call("SET", "a", "1", "PXAT", "1")
    aof.call("SET", "b", "1", "PXAT", "1")
    aof.call("SCAN", "0", "COUNT", "100")
    written = aof.written()
    assert written[:3] == commands("SELECT 0", "SET a 1 PXAT 1",
                                   "SET b 1 PXAT 1")
    assert sorted(written[3:]) == commands("DEL a", "DEL b")  # no MULTI


@pytest.mark.exercise("11-propagate-pending-commands")
def test_randomkey_writes_the_dels_of_the_expired_keys_it_picks_alone(aof):
    aof.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    aof.call("SET", "a", "1", "PXAT", "1")
    aof.call("SET", "b", "1", "PXAT", "1")
    assert aof.call("RANDOMKEY") == b"$-1\r\n"  # it tried both
    written = aof.written()
    assert sorted(written[3:]) == commands("DEL a", "DEL b")  # no MULTI


@pytest.mark.exercise("11-propagate-pending-commands")
def test_a_transaction_that_finds_keys_expired_wraps_their_dels_too(aof):
    aof.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    aof.call("SET", "a", "1", "PXAT", "1")
    aof.call("MULTI")
    aof.call("GET", "a")
    aof.call("SCAN", "0")
    aof.call("EXEC")
    assert aof.written() == commands("SELECT 0", "SET a 1 PXAT 1", "DEL a")
    aof.call("SET", "b", "1", "PXAT", "1")
    aof.call("MULTI")
    aof.call("GET", "b")
    aof.call("SET", "c", "1")
    aof.call("EXEC")
    assert aof.written()[3:] == commands(
        "SET b 1 PXAT 1", "MULTI", "DEL b", "SET c 1", "EXEC")


@pytest.mark.exercise("11-propagate-pending-commands")
def test_active_expiry_writes_a_del_for_each_key_alone(aof):
    aof.call("MULTI")
    for key in "abc":
        aof.call("SET", key, "1", "PXAT", "1")
    aof.call("EXEC")
    wait_until(lambda: aof.call("DBSIZE") == b":0\r\n", timeout=10,
               message="active expiry left keys")
    written = aof.written()
    assert written[:5] == commands("SELECT 0", "MULTI", "SET a 1 PXAT 1",
                                   "SET b 1 PXAT 1", "SET c 1 PXAT 1")
    assert written[5] == [b"EXEC"]
    assert sorted(written[6:]) == commands("DEL a", "DEL b", "DEL c")


# Transactions and databases.

@pytest.mark.exercise("11-propagate-pending-commands")
def test_exec_writes_its_writes_in_multi_exec(aof):
    aof.call("MULTI")
    aof.call("SET", "a", "1")
    aof.call("GET", "a")
    aof.call("INCR", "a")
    aof.call("LPUSH", "a", "x")  # WRONGTYPE at run time: not written
    aof.call("EXEC")
    assert aof.written() == commands(
        "SELECT 0", "MULTI", "SET a 1", "INCR a", "EXEC")


@pytest.mark.exercise("11-propagate-pending-commands")
def test_exec_with_one_write_writes_it_alone(aof):
    aof.call("MULTI")
    aof.call("SET", "a", "1")
    aof.call("GET", "a")
    aof.call("EXEC")
    assert aof.written() == commands("SELECT 0", "SET a 1")


def test_exec_with_only_reads_or_aborted_writes_nothing(aof):
    aof.call("MULTI")
    aof.call("GET", "a")
    aof.call("EXEC")
    aof.call("WATCH", "w")
    aof.call("MULTI")
    aof.call("SET", "x", "1")
    other = aof.connect()
    other.call("SET", "w", "changed")
    assert aof.call("EXEC") == b"*-1\r\n"
    assert aof.written() == commands("SELECT 0", "SET w changed")


@pytest.mark.exercise("11-propagate-pending-commands")
def test_exec_selecting_another_database_writes_select_inside(aof):
    aof.call("MULTI")
    aof.call("SET", "a", "1")
    aof.call("SELECT", "1")
    aof.call("SET", "b", "2")
    aof.call("EXEC")
    aof.call("SET", "c", "3")
    assert aof.written() == commands(
        "SELECT 0", "MULTI", "SET a 1", "SELECT 1", "SET b 2", "EXEC",
        "SET c 3")


@pytest.mark.exercise("11-flush-append-only-file")
def test_a_select_is_written_only_before_a_write_in_another_database(aof):
    aof.call("SET", "a", "1")
    aof.call("SELECT", "3")
    aof.call("GET", "a")
    aof.call("SELECT", "4")
    aof.call("SET", "b", "2")
    aof.call("SELECT", "0")
    aof.call("SET", "c", "3")
    aof.call("SET", "d", "4")
    assert aof.written() == commands(
        "SELECT 0", "SET a 1", "SELECT 4", "SET b 2", "SELECT 0", "SET c 3",
        "SET d 4")


def test_flushall_and_flushdb_are_written_even_when_empty(aof):
    aof.call("FLUSHALL")
    aof.call("SELECT", "2")
    aof.call("FLUSHDB", "ASYNC")
    aof.call("FLUSHDB", "BAD")
    assert aof.written() == commands("SELECT 0", "FLUSHALL", "SELECT 2",
                                     "FLUSHDB ASYNC")


def test_swapdb_move_and_copy_are_written_as_they_came(aof):
    aof.call("SET", "a", "1", "EXAT", FAR)
    aof.call("MOVE", "a", "1")
    aof.call("MOVE", "missing", "1")
    aof.call("SELECT", "1")
    aof.call("COPY", "a", "b", "DB", "0")
    aof.call("COPY", "a", "b", "DB", "0")  # b exists: nothing copied
    aof.call("SWAPDB", "0", "1")
    assert aof.written() == commands(
        "SELECT 0", f"SET a 1 PXAT {FAR_MS}", "MOVE a 1", "SELECT 1",
        "COPY a b DB 0", "SWAPDB 0 1")


def test_restore_with_a_ttl_is_written_with_the_time_and_absttl(aof):
    aof.call("SET", "k", "v")
    payload = decode(aof.call("DUMP", "k"))
    aof.call("RESTORE", "r1", "100000", payload)
    aof.call("RESTORE", "r2", "0", payload)
    aof.call("RESTORE", "r3", FAR_MS, payload, "ABSTTL")
    aof.call("RESTORE", "r1", "1", payload, "REPLACE", "ABSTTL")
    aof.call("RESTORE", "r4", "1", payload, "ABSTTL")  # past: no key
    assert aof.written() == [
        *commands("SELECT 0", "SET k v"),
        [b"RESTORE", b"r1", At(100_000), payload, b"ABSTTL"],
        [b"RESTORE", b"r2", b"0", payload],
        [b"RESTORE", b"r3", str(FAR_MS).encode(), payload, b"ABSTTL"],
        [b"DEL", b"r1"]]


def test_sort_store_is_written_as_it_came_if_it_changed_something(aof):
    aof.call("RPUSH", "l", "3", "1", "2")
    aof.call("SORT", "l", "DESC", "STORE", "out")
    aof.call("SORT", "missing", "STORE", "none")
    aof.call("SORT", "missing", "STORE", "out")  # deletes out
    assert aof.written() == commands(
        "SELECT 0", "RPUSH l 3 1 2", "SORT l DESC STORE out",
        "SORT missing STORE out")


def test_reads_failed_writes_and_writes_that_change_nothing_are_not_written(
        aof):
    aof.call("SET", "k", "v")
    aof.call("SADD", "s", "a")
    for line in ("GET k", "EXISTS k", "SMEMBERS s", "INCR k",
                    "LPUSH k x", "SET k v BAD", "DEL missing",
                    "SADD s a", "SREM s zz", "LREM missing 0 x",
                    "ZADD z XX 1 a", "HDEL missing f", "PUBLISH ch msg",
                    "RENAMENX k k", "LPOP missing", "ZPOPMIN missing",
                    "PERSIST missing", "DEBUG SET-ACTIVE-EXPIRE 1",
                    "CONFIG SET maxmemory 0", "PING"):
        aof.call(*line.split())
    aof.call("SET", "end", "1")
    assert aof.written() == commands("SELECT 0", "SET k v", "SADD s a",
                                     "SET end 1")
