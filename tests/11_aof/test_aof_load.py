"""Loading the append-only files at start-up: directories a real
redis-server 7.0.15 wrote (an RDB base or a commands base, incr files,
MULTI/EXEC), a torn last command trimmed (aof-load-truncated yes) or
refused (no), a corrupt middle refused with Redis's messages and exit
status 1, and what appendonly yes loads instead of dump.rdb."""

import pytest
from support.aof import REAL_REDIS, copy_dir
from support.aof_files import (
    aof_dir,
    incr_file,
    loaded_dataset,
    manifest,
    real_redis_dir,
    run_until_exit,
    start,
)
from support.wire import RawClient

BAD_FORMAT = ("Bad file format reading the append only file {}: make a "
              "backup of your AOF file, then use ./redis-check-aof --fix "
              "<filename.manifest>")
TORN = b'*3\r\n$3\r\nSET\r\n$4\r\ntorn\r\n$5\r\nhal'


@pytest.fixture(scope="module")
def redis_dirs(tmp_path_factory):
    """Directories redis-server wrote, each with the dataset it held:
    (directory, dataset), by name."""
    made = {}
    for name, config in (("preamble", {}),
                         ("commands", {"aof_use_rdb_preamble": "no"})):
        directory = tmp_path_factory.mktemp(name)
        expected = real_redis_dir(
            directory, rewrite=True,
            after_rewrite=[("RPUSH", "l:small", "after"),
                           ("MULTI",), ("INCR", "s:int"),
                           ("HSET", "h:new", "f", "v"), ("EXEC",)],
            **config)
        made[name] = directory, expected
    return made



@pytest.mark.parametrize("base", ["preamble", "commands"])
def test_a_directory_redis_wrote_loads_with_every_type_encoding_and_ttl(
        target, redis_dirs, tmp_path, base):
    source, expected = redis_dirs[base]
    directory = copy_dir(source, tmp_path / "d")
    suffix = "rdb" if base == "preamble" else "aof"
    assert manifest(directory)[0] == \
        f"file appendonly.aof.2.base.{suffix} seq 2 type b"
    assert loaded_dataset(target, directory) == expected


def test_a_torn_tail_after_what_redis_wrote_is_cut_and_the_rest_loads(
        target, redis_dirs, tmp_path):
    source, expected = redis_dirs["commands"]
    directory = copy_dir(source, tmp_path / "d")
    incr = incr_file(directory)
    whole = incr.read_bytes()
    incr.write_bytes(whole + TORN)
    assert loaded_dataset(target, directory) == expected
    assert incr.read_bytes() == whole


def test_the_load_logs_each_file_then_the_whole(target, redis_dirs,
                                                  tmp_path):
    directory = copy_dir(redis_dirs["preamble"][0], tmp_path / "d")
    proc = start(target, directory)
    proc.stop()
    log = proc.log_text()
    for line in ("Reading RDB base file on AOF loading...",
                 "DB loaded from base file appendonly.aof.2.base.rdb: ",
                 "DB loaded from incr file appendonly.aof.2.incr.aof: ",
                 "DB loaded from append only file: ",
                 "Opening AOF incr file appendonly.aof.2.incr.aof on "
                 "server start"):
        assert line in log


def write_incr(directory, *commands: bytes) -> None:
    incr_file(directory).write_bytes(b"".join(commands))


def cmd(*args: str) -> bytes:
    out = b"*%d\r\n" % len(args)
    for arg in args:
        out += b"$%d\r\n%s\r\n" % (len(arg), arg.encode())
    return out


def incr_dir(target, tmp_path, *commands: bytes):
    """A directory that redis-server started (its empty base file), with
    `commands` as its incr file."""
    directory = tmp_path / "d"
    directory.mkdir()
    start(REAL_REDIS, directory).stop()
    write_incr(directory, *commands)
    return directory


def test_commands_run_in_the_order_of_the_file(target, tmp_path):
    directory = incr_dir(
        target, tmp_path, cmd("SELECT", "0"), cmd("SET", "k", "1"),
        cmd("INCRBY", "k", "41"), cmd("RPUSH", "l", "a", "b"),
        cmd("SELECT", "2"), cmd("SET", "k", "db2"))
    proc = start(target, directory)
    with RawClient(proc.port) as client:
        assert client.call("GET", "k") == b"$2\r\n42\r\n"
        assert client.call("LRANGE", "l", 0, -1) == \
            b"*2\r\n$1\r\na\r\n$1\r\nb\r\n"
        client.call("SELECT", 2)
        assert client.call("GET", "k") == b"$3\r\ndb2\r\n"
    proc.stop()


def test_a_transaction_in_the_file_is_replayed(target, tmp_path):
    directory = incr_dir(
        target, tmp_path, cmd("SELECT", "0"), cmd("MULTI"),
        cmd("SET", "a", "1"), cmd("INCR", "a"), cmd("EXEC"))
    proc = start(target, directory)
    with RawClient(proc.port) as client:
        assert client.call("GET", "a") == b"$1\r\n2\r\n"
    proc.stop()


def test_a_key_past_its_time_is_kept_until_the_file_is_loaded(target,
                                                              tmp_path):
    # No key expires while loading: the APPEND finds "v", and the key,
    # whose time is long past, is gone only once loading is over.
    directory = incr_dir(
        target, tmp_path, cmd("SELECT", "0"),
        cmd("SET", "k", "v", "PXAT", "1000"), cmd("APPEND", "k", "x"),
        cmd("SET", "kept", "v"))
    proc = start(target, directory)
    with RawClient(proc.port) as client:
        assert client.call("EXISTS", "k") == b":0\r\n"
        assert client.call("DBSIZE") == b":1\r\n"
    proc.stop()


@pytest.mark.exercise("11-load-truncated")
def test_a_torn_last_command_is_trimmed_and_the_file_cut_there(target,
                                                               tmp_path):
    whole = cmd("SELECT", "0") + cmd("SET", "k", "v")
    directory = incr_dir(target, tmp_path, whole, TORN)
    name = incr_file(directory).name
    proc = start(target, directory)
    with RawClient(proc.port) as client:
        assert client.call("GET", "k") == b"$1\r\nv\r\n"
        assert client.call("EXISTS", "torn") == b":0\r\n"
    proc.stop()
    log = proc.log_text()
    assert (f"!!! Warning: short read while loading the AOF file {name}!!!"
            in log)
    assert f"!!! Truncating the AOF {name} at offset {len(whole)} !!!" in log
    assert (f"AOF {name} loaded anyway because aof-load-truncated is "
            "enabled") in log
    assert incr_file(directory).read_bytes().startswith(whole)


@pytest.mark.exercise("11-load-truncated")
def test_a_torn_last_command_is_refused_with_aof_load_truncated_no(
        target, tmp_path):
    directory = incr_dir(target, tmp_path, cmd("SELECT", "0"),
                         cmd("SET", "k", "v"), TORN)
    name = incr_file(directory).name
    status, log = run_until_exit(target, directory,
                                 aof_load_truncated="no")
    assert status == 1
    assert (f"Unexpected end of file reading the append only file {name}. "
            "You can: 1) Make a backup of your AOF file, then use "
            "./redis-check-aof --fix <filename.manifest>. 2) Alternatively "
            "you can set the 'aof-load-truncated' configuration option to "
            "yes and restart the server.") in log


@pytest.mark.exercise("11-load-truncated")
def test_a_transaction_without_exec_at_the_end_is_reverted(target,
                                                           tmp_path):
    before = cmd("SELECT", "0") + cmd("SET", "k", "v")
    directory = incr_dir(target, tmp_path, before, cmd("MULTI"),
                         cmd("SET", "in-multi", "1"))
    name = incr_file(directory).name
    proc = start(target, directory)
    with RawClient(proc.port) as client:
        assert client.call("DBSIZE") == b":1\r\n"
    proc.stop()
    log = proc.log_text()
    assert (f"Revert incomplete MULTI/EXEC transaction in AOF file {name}"
            in log)
    assert f"!!! Truncating the AOF {name} at offset {len(before)} !!!" in log
    assert incr_file(directory).read_bytes().startswith(before)


@pytest.mark.parametrize("bad", [b"x3\r\n", b"*2\r\n$3\r\nGET\r\n+k\r\n"])
def test_a_bad_format_in_the_middle_is_refused(target, tmp_path, bad):
    directory = incr_dir(target, tmp_path, cmd("SELECT", "0"), bad,
                         cmd("SET", "k", "v"))
    status, log = run_until_exit(target, directory)
    assert status == 1
    assert BAD_FORMAT.format(incr_file(directory).name) in log


def test_an_unknown_command_in_the_file_is_refused(target, tmp_path):
    directory = incr_dir(target, tmp_path, cmd("SELECT", "0"),
                         cmd("NOSUCHCOMMAND", "k"), cmd("SET", "k", "v"))
    status, log = run_until_exit(target, directory)
    assert status == 1
    assert ("Unknown command 'NOSUCHCOMMAND' reading the append only file "
            f"{incr_file(directory).name}") in log


@pytest.mark.exercise("11-load-truncated")
def test_a_truncated_file_that_is_not_the_last_one_is_refused(target,
                                                              tmp_path):
    directory = incr_dir(target, tmp_path, cmd("SELECT", "0"), TORN)
    lines = manifest(directory)
    second = "appendonly.aof.2.incr.aof"
    (aof_dir(directory) / second).write_bytes(cmd("SET", "k", "v"))
    (aof_dir(directory) / "appendonly.aof.manifest").write_text(
        "\n".join([*lines, f"file {second} seq 2 type i"]) + "\n")
    status, log = run_until_exit(target, directory)
    assert status == 1
    assert "Fatal error: the truncated file is not the last file" in log


def test_a_file_the_manifest_names_but_the_directory_lacks_is_fatal(
        target, tmp_path):
    directory = incr_dir(target, tmp_path, cmd("SELECT", "0"))
    incr_file(directory).unlink()
    status, log = run_until_exit(target, directory)
    assert status == 1
    assert "Unable to obtain the AOF file appendonly.aof.1.incr.aof " \
           "length. stat: No such file or directory" in log


def test_a_corrupt_rdb_base_is_refused(target, tmp_path):
    directory = incr_dir(target, tmp_path, cmd("SELECT", "0"))
    base = aof_dir(directory) / "appendonly.aof.1.base.rdb"
    base.write_bytes(base.read_bytes()[:-3])
    status, log = run_until_exit(target, directory)
    assert status == 1
    assert "Reading RDB base file on AOF loading..." in log
    assert "Short read or OOM loading DB. Unrecoverable error, aborting " \
           "now." in log


def test_an_empty_directory_starts_empty_and_writes_a_base(target,
                                                           tmp_path):
    proc = start(target, tmp_path)
    with RawClient(proc.port) as client:
        assert client.call("DBSIZE") == b":0\r\n"
    proc.stop()
    assert manifest(tmp_path) == [
        "file appendonly.aof.1.base.rdb seq 1 type b",
        "file appendonly.aof.1.incr.aof seq 1 type i"]


def test_appendonly_yes_loads_the_aof_and_not_dump_rdb(target, tmp_path):
    proc = start(target, tmp_path, appendonly="no")
    with RawClient(proc.port) as client:
        client.call("SET", "in-rdb", "1")
        assert client.call("SAVE") == b"+OK\r\n"
    proc.stop()
    proc = start(target, tmp_path)
    with RawClient(proc.port) as client:
        assert client.call("DBSIZE") == b":0\r\n"
    proc.stop()


def test_debug_loadaof_loads_the_files_again(target, tmp_path):
    # appendfsync always: under everysec, a write that meets a background
    # fsync is postponed (flushAppendOnlyFile), so the lines added here could
    # land before the two SETs, which DEBUG LOADAOF's forced flush writes last.
    proc = start(target, tmp_path, enable_debug_command="yes",
                 appendfsync="always")
    with RawClient(proc.port) as client:
        client.call("SET", "k", "v")
        client.call("SET", "gone", "soon")
        with incr_file(tmp_path).open("ab") as incr:
            incr.write(cmd("SET", "added", "behind its back")
                       + cmd("DEL", "gone"))
        assert client.call("DEBUG", "LOADAOF") == b"+OK\r\n"
        assert client.call("MGET", "k", "added", "gone") == \
            b"*3\r\n$1\r\nv\r\n$15\r\nbehind its back\r\n$-1\r\n"
    proc.stop()
    assert "Append Only File loaded by DEBUG LOADAOF" in proc.log_text()
