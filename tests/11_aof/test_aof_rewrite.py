"""BGREWRITEAOF: its replies and errors, the new base file (an RDB, or
commands with aof-use-rdb-preamble no), the incr file opened at the fork
so that writes made meanwhile are kept, the manifest replaced and the
history deleted, a rewrite scheduled while a BGSAVE runs, the automatic
rewrite, and CONFIG SET appendonly at run time."""

import os
import re
import signal
import threading

import pytest
from support.aof import aof_files
from support.aof_files import (
    aof_dir,
    dataset,
    loaded_dataset,
    manifest,
    start,
    wait_for_rewrite_end,
    write_all,
)
from support.persistence import info, wait_for_bgsave_end
from support.servers import wait_until
from support.wire import RawClient

STARTED = b"+Background append only file rewriting started\r\n"
SCHEDULED = b"+Background append only file rewriting scheduled\r\n"
ALREADY = b"-ERR Background append only file rewriting already in " \
          b"progress\r\n"
AFTER_REWRITE = ["file appendonly.aof.2.base.rdb seq 2 type b",
                 "file appendonly.aof.2.incr.aof seq 2 type i"]


@pytest.fixture
def aof_server(target, tmp_path):
    """A server with appendonly yes in tmp_path, and a client."""
    proc = start(target, tmp_path)
    with RawClient(proc.port) as client:
        yield proc, client
    proc.stop()



def test_bgrewriteaof_writes_a_new_base_and_incr_and_deletes_the_old(
        aof_server, tmp_path):
    proc, client = aof_server
    write_all(client)
    assert client.call("BGREWRITEAOF") == STARTED
    fields = wait_for_rewrite_end(client)
    assert fields["aof_last_bgrewrite_status"] == "ok"
    assert manifest(tmp_path) == AFTER_REWRITE
    assert aof_files(tmp_path) == ["appendonly.aof.2.base.rdb",
                                   "appendonly.aof.2.incr.aof",
                                   "appendonly.aof.manifest"]
    assert not list(tmp_path.glob("temp-*"))
    log = proc.log_text()
    for line in (
            "Creating AOF incr file appendonly.aof.2.incr.aof on background "
            "rewrite",
            "Background append only file rewriting started by pid",
            "Successfully created the temporary AOF base file "
            "temp-rewriteaof-bg-",
            "Background AOF rewrite terminated with success",
            "Removing the history file appendonly.aof.1.incr.aof in the "
            "background",
            "Removing the history file appendonly.aof.1.base.rdb in the "
            "background",
            "Background AOF rewrite finished successfully"):
        wait_until(lambda line=line: line in proc.log_text(), 10,
                   message=line)
    assert re.search(r"Successfully renamed the temporary AOF base file "
                     r"temp-rewriteaof-bg-\d+\.aof into "
                     r"appendonly\.aof\.2\.base\.rdb", log)


def test_the_rewritten_files_load_the_same_dataset(target, aof_server,
                                                   tmp_path):
    proc, client = aof_server
    write_all(client)
    assert client.call("BGREWRITEAOF") == STARTED
    wait_for_rewrite_end(client)
    client.call("RPUSH", "l:small", "after the rewrite")
    expected = dataset(client)
    proc.stop()
    assert loaded_dataset(target, tmp_path) == expected


def test_without_the_rdb_preamble_the_base_is_commands(target, tmp_path):
    proc = start(target, tmp_path, aof_use_rdb_preamble="no")
    with RawClient(proc.port) as client:
        write_all(client)
        assert client.call("BGREWRITEAOF") == STARTED
        wait_for_rewrite_end(client)
        expected = dataset(client)
    proc.stop()
    assert manifest(tmp_path)[0] == \
        "file appendonly.aof.2.base.aof seq 2 type b"
    base = (aof_dir(tmp_path) / "appendonly.aof.2.base.aof").read_bytes()
    assert base.startswith(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n")
    assert b"*3\r\n$9\r\nPEXPIREAT\r\n$5\r\ns:ttl\r\n" in base
    assert loaded_dataset(target, tmp_path) == expected


def test_a_second_bgrewriteaof_is_refused_while_one_runs(aof_server):
    _, client = aof_server
    write_all(client)
    client.call("CONFIG", "SET", "rdb-key-save-delay", "100000")
    assert client.call("BGREWRITEAOF") == STARTED
    assert client.call("BGREWRITEAOF") == ALREADY
    assert info(client)["aof_rewrite_in_progress"] == "1"
    client.call("CONFIG", "SET", "rdb-key-save-delay", "0")
    assert wait_for_rewrite_end(client)["aof_last_bgrewrite_status"] == "ok"


def test_bgrewriteaof_while_a_bgsave_runs_is_scheduled(aof_server,
                                                       tmp_path):
    _, client = aof_server
    write_all(client)
    client.call("CONFIG", "SET", "rdb-key-save-delay", "50000")
    assert client.call("BGSAVE") == b"+Background saving started\r\n"
    assert client.call("BGREWRITEAOF") == SCHEDULED
    assert info(client)["aof_rewrite_scheduled"] == "1"
    client.call("CONFIG", "SET", "rdb-key-save-delay", "0")
    wait_for_bgsave_end(client)
    fields = wait_for_rewrite_end(client)
    assert fields["aof_rewrites"] == "1"
    assert manifest(tmp_path) == AFTER_REWRITE


def test_bgrewriteaof_inside_a_transaction_is_scheduled(aof_server,
                                                        tmp_path):
    _, client = aof_server
    client.call("MULTI")
    client.call("BGREWRITEAOF")
    assert client.call("EXEC") == b"*1\r\n" + SCHEDULED
    wait_for_rewrite_end(client)
    assert manifest(tmp_path) == AFTER_REWRITE


def test_bgrewriteaof_with_appendonly_no_writes_only_a_base(start_server,
                                                            tmp_path):
    proc = start_server(dir=str(tmp_path))
    with RawClient(proc.port) as client:
        client.call("SET", "k", "v")
        assert client.call("BGREWRITEAOF") == STARTED
        fields = wait_for_rewrite_end(client)
        assert fields["aof_enabled"] == "0"
        assert fields["aof_rewrites"] == "1"
    assert manifest(tmp_path) == [
        "file appendonly.aof.1.base.rdb seq 1 type b"]


def test_writes_made_during_a_rewrite_are_all_kept(target, aof_server,
                                                   tmp_path):
    proc, client = aof_server
    write_all(client)
    stop = threading.Event()
    written = []

    def keep_writing():
        with RawClient(proc.port) as writer:
            i = 0
            while not stop.is_set():
                assert writer.call("RPUSH", "log", i) == b":%d\r\n" % (i + 1)
                written.append(i)
                i += 1

    thread = threading.Thread(target=keep_writing)
    thread.start()
    wait_until(lambda: len(written) > 100, 10)
    client.call("CONFIG", "SET", "rdb-key-save-delay", "10000")
    assert client.call("BGREWRITEAOF") == STARTED
    client.call("CONFIG", "SET", "rdb-key-save-delay", "0")
    wait_for_rewrite_end(client)
    count = len(written)
    wait_until(lambda: len(written) > count + 100, 10)
    stop.set()
    thread.join()
    expected = dataset(client)
    proc.stop()
    restored = loaded_dataset(target, tmp_path)
    assert restored == expected
    assert restored[(0, b"log")][2] == [b"%d" % i for i in written]


def test_a_server_killed_during_a_rewrite_loads_the_old_files(target,
                                                              aof_server,
                                                              tmp_path):
    proc, client = aof_server
    write_all(client)
    expected = dataset(client)
    client.call("CONFIG", "SET", "rdb-key-save-delay", "1000000")
    assert client.call("BGREWRITEAOF") == STARTED
    pid = int(wait_until(lambda: re.search(
        r"rewriting started by pid (\d+)", proc.log_text()), 10).group(1))
    proc.stop(signal.SIGKILL)
    os.kill(pid, signal.SIGKILL)
    assert manifest(tmp_path)[0] == \
        "file appendonly.aof.1.base.rdb seq 1 type b"
    assert loaded_dataset(target, tmp_path) == expected


def test_the_aof_is_rewritten_when_it_has_grown_enough(aof_server,
                                                       tmp_path):
    proc, client = aof_server
    client.call("CONFIG", "SET", "auto-aof-rewrite-min-size", "1000")
    client.call("CONFIG", "SET", "auto-aof-rewrite-percentage", "100")
    for i in range(40):
        client.call("SET", f"key:{i}", "x" * 40)
    wait_until(lambda: info(client)["aof_rewrites"] == "1", 10)
    wait_for_rewrite_end(client)
    assert "Starting automatic rewriting of AOF on" in proc.log_text()
    assert manifest(tmp_path) == AFTER_REWRITE


def test_appendonly_turned_on_at_run_time_writes_the_whole_dataset(
        target, start_server, tmp_path):
    proc = start_server(dir=str(tmp_path))
    with RawClient(proc.port) as client:
        write_all(client)
        client.call("CONFIG", "SET", "rdb-key-save-delay", "20000")
        assert client.call("CONFIG", "SET", "appendonly", "yes") == \
            b"+OK\r\n"
        assert info(client)["aof_enabled"] == "1"
        client.call("SET", "during", "the rewrite")
        client.call("CONFIG", "SET", "rdb-key-save-delay", "0")
        wait_for_rewrite_end(client)
        client.call("SET", "after", "it")
        expected = dataset(client)
    proc.stop()
    assert manifest(tmp_path) == [
        "file appendonly.aof.1.base.rdb seq 1 type b",
        "file appendonly.aof.1.incr.aof seq 1 type i"]
    assert loaded_dataset(target, tmp_path) == expected


def test_appendonly_turned_off_at_run_time_stops_writing(aof_server,
                                                         tmp_path):
    _, client = aof_server
    client.call("SET", "k", "v")
    incr = aof_dir(tmp_path) / "appendonly.aof.1.incr.aof"
    size = incr.stat().st_size
    assert size > 0
    assert client.call("CONFIG", "SET", "appendonly", "no") == b"+OK\r\n"
    assert info(client)["aof_enabled"] == "0"
    client.call("SET", "k2", "v2")
    assert incr.stat().st_size == size


def test_bgsave_during_a_rewrite_is_refused_unless_scheduled(aof_server):
    _, client = aof_server
    write_all(client)
    client.call("CONFIG", "SET", "rdb-key-save-delay", "50000")
    assert client.call("BGREWRITEAOF") == STARTED
    assert client.call("BGSAVE") == (
        b"-ERR Another child process is active (AOF?): can't BGSAVE right "
        b"now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever "
        b"possible.\r\n")
    assert client.call("BGSAVE", "SCHEDULE") == \
        b"+Background saving scheduled\r\n"
    client.call("CONFIG", "SET", "rdb-key-save-delay", "0")
    wait_for_rewrite_end(client)
    fields = wait_until(lambda: (f := info(client))["rdb_saves"] == "1"
                        and f, 10)
    assert wait_for_bgsave_end(client)["rdb_last_bgsave_status"] == "ok"
    assert fields["aof_rewrites"] == "1"


def test_appendonly_turned_on_while_a_bgsave_runs_waits_for_it(
        start_server, tmp_path):
    proc = start_server(dir=str(tmp_path))
    with RawClient(proc.port) as client:
        write_all(client)
        client.call("CONFIG", "SET", "rdb-key-save-delay", "50000")
        assert client.call("BGSAVE") == b"+Background saving started\r\n"
        assert client.call("CONFIG", "SET", "appendonly", "yes") == \
            b"+OK\r\n"
        fields = info(client)
        assert (fields["aof_enabled"], fields["aof_rewrite_scheduled"],
                fields["aof_rewrite_in_progress"]) == ("1", "1", "0")
        assert client.call("CONFIG", "SET", "appendonly", "no") == \
            b"+OK\r\n"
        fields = info(client)
        assert (fields["aof_enabled"], fields["aof_rewrite_scheduled"]) == \
            ("0", "0")
        client.call("CONFIG", "SET", "rdb-key-save-delay", "0")
        assert wait_for_bgsave_end(client)["aof_rewrites"] == "0"
    assert "AOF was enabled but there is already another background " \
           "operation. An AOF background was scheduled to start when " \
           "possible." in proc.log_text()
