"""INFO persistence's AOF fields, in 7.0's order, and how they change:
on and off, while a rewrite runs or waits, after it, and the size block
that only a server with appendonly yes shows."""

from support.aof_files import (
    aof_dir,
    manifest,
    start,
    wait_for_rewrite_end,
)
from support.persistence import info, wait_for_bgsave_end
from support.servers import wait_until
from support.wire import RawClient

AOF_FIELDS = [
    "aof_enabled", "aof_rewrite_in_progress", "aof_rewrite_scheduled",
    "aof_last_rewrite_time_sec", "aof_current_rewrite_time_sec",
    "aof_last_bgrewrite_status", "aof_rewrites",
    "aof_rewrites_consecutive_failures", "aof_last_write_status",
    "aof_last_cow_size", "module_fork_in_progress",
    "module_fork_last_cow_size"]
SIZE_FIELDS = ["aof_current_size", "aof_base_size", "aof_pending_rewrite",
               "aof_buffer_length", "aof_pending_bio_fsync",
               "aof_delayed_fsync"]


def aof_part(fields: dict) -> list[str]:
    names = list(fields)
    return names[names.index("aof_enabled"):]


def test_with_appendonly_no_the_fields_are_those_of_an_idle_aof(
        start_server, tmp_path):
    proc = start_server(dir=str(tmp_path))
    with RawClient(proc.port) as client:
        fields = info(client)
    assert aof_part(fields) == AOF_FIELDS
    assert {name: fields[name] for name in AOF_FIELDS[:9]} == {
        "aof_enabled": "0", "aof_rewrite_in_progress": "0",
        "aof_rewrite_scheduled": "0", "aof_last_rewrite_time_sec": "-1",
        "aof_current_rewrite_time_sec": "-1",
        "aof_last_bgrewrite_status": "ok", "aof_rewrites": "0",
        "aof_rewrites_consecutive_failures": "0",
        "aof_last_write_status": "ok"}


def test_with_appendonly_yes_the_sizes_follow(target, tmp_path):
    # A fresh start counts what it writes from then on: the base file it
    # created is not in the sizes. A restart counts the files it loaded.
    proc = start(target, tmp_path)
    with RawClient(proc.port) as client:
        client.call("SET", "k", "v")
        fresh = info(client)
    proc.stop()
    files = aof_dir(tmp_path)
    base = (files / "appendonly.aof.1.base.rdb").stat().st_size
    incr = (files / "appendonly.aof.1.incr.aof").stat().st_size
    assert aof_part(fresh) == AOF_FIELDS + SIZE_FIELDS
    assert fresh["aof_enabled"] == "1"
    assert (fresh["aof_base_size"], fresh["aof_current_size"]) == \
        ("0", str(incr))
    assert fresh["aof_pending_rewrite"] == "0"
    assert fresh["aof_buffer_length"] == "0"
    proc = start(target, tmp_path)
    with RawClient(proc.port) as client:
        restarted = info(client)
    proc.stop()
    assert (restarted["aof_base_size"], restarted["aof_current_size"]) == \
        (str(base), str(base + incr))


def test_the_fields_while_a_rewrite_runs_and_after(target, tmp_path):
    proc = start(target, tmp_path)
    with RawClient(proc.port) as client:
        for i in range(20):
            client.call("SET", f"k{i}", "v")
        client.call("CONFIG", "SET", "rdb-key-save-delay", "100000")
        client.call("BGREWRITEAOF")
        during = info(client)
        client.call("CONFIG", "SET", "rdb-key-save-delay", "0")
        after = wait_for_rewrite_end(client)
    proc.stop()
    assert during["aof_rewrite_in_progress"] == "1"
    assert int(during["aof_current_rewrite_time_sec"]) >= 0
    assert during["aof_rewrites"] == "1"
    assert after["aof_current_rewrite_time_sec"] == "-1"
    assert int(after["aof_last_rewrite_time_sec"]) >= 0
    assert after["aof_last_bgrewrite_status"] == "ok"
    base = (aof_dir(tmp_path) / "appendonly.aof.2.base.rdb").stat().st_size
    assert int(after["aof_base_size"]) == base
    assert int(after["aof_current_size"]) == base


def test_a_rewrite_waiting_for_a_bgsave_is_scheduled_and_pending(
        target, tmp_path):
    proc = start(target, tmp_path)
    with RawClient(proc.port) as client:
        for i in range(20):
            client.call("SET", f"k{i}", "v")
        client.call("CONFIG", "SET", "rdb-key-save-delay", "50000")
        client.call("BGSAVE")
        client.call("BGREWRITEAOF")
        waiting = info(client)
        client.call("CONFIG", "SET", "rdb-key-save-delay", "0")
        wait_for_bgsave_end(client)
        wait_for_rewrite_end(client)
    proc.stop()
    assert waiting["aof_rewrite_scheduled"] == "1"
    assert waiting["aof_pending_rewrite"] == "1"
    assert waiting["aof_rewrite_in_progress"] == "0"
    assert manifest(tmp_path)[0].startswith("file appendonly.aof.2.base")


def test_turning_appendonly_on_and_off_shows_in_aof_enabled(start_server,
                                                            tmp_path):
    proc = start_server(dir=str(tmp_path))
    with RawClient(proc.port) as client:
        client.call("CONFIG", "SET", "appendonly", "yes")
        fields = info(client)
        assert fields["aof_enabled"] == "1"
        assert aof_part(fields) == AOF_FIELDS + SIZE_FIELDS
        wait_until(lambda: info(client)["aof_rewrites"] == "1", 10)
        wait_for_rewrite_end(client)
        client.call("CONFIG", "SET", "appendonly", "no")
        fields = info(client)
    assert fields["aof_enabled"] == "0"
    assert aof_part(fields) == AOF_FIELDS
