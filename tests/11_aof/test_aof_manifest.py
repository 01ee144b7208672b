"""The AOF directory of 7.0: its file names, the manifest's text, the base
file made at the first start, the incr file reopened at the next, and a
manifest that can't be read stopping the server with Redis's lines. The
names and the text are compared with what redis-server 7.0.15 writes for
the same start, in a directory of its own."""

import pytest
from support.aof import (
    BASE,
    INCR,
    MANIFEST,
    aof_files,
    read_incr,
    read_manifest,
    ready,
    real_redis_on,
    start_expecting_exit,
)
from support.wire import RawClient

FIRST_MANIFEST = (b"file appendonly.aof.1.base.rdb seq 1 type b\n"
                  b"file appendonly.aof.1.incr.aof seq 1 type i\n")


def test_a_first_start_makes_a_base_an_incr_file_and_their_manifest(
        start_server, tmp_path):
    proc = ready(start_server(dir=str(tmp_path), appendonly="yes"))
    assert aof_files(tmp_path) == [BASE, INCR, MANIFEST]
    assert read_manifest(tmp_path) == FIRST_MANIFEST
    log = proc.log_text()
    assert ("Creating AOF base file appendonly.aof.1.base.rdb on server "
            "start") in log
    assert ("Creating AOF incr file appendonly.aof.1.incr.aof on server "
            "start") in log
    assert read_incr(tmp_path) == b""  # nothing written yet


def test_the_directory_is_the_one_redis_makes_for_the_same_start(
        start_server, tmp_path):
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.mkdir()
    theirs.mkdir()
    ready(start_server(dir=str(ours), appendonly="yes")).stop()
    with real_redis_on(theirs, appendonly="yes") as proc:
        ready(proc)
    assert aof_files(ours) == aof_files(theirs)
    assert read_manifest(ours) == read_manifest(theirs)


def test_the_base_file_is_an_empty_rdb_file_marked_aof_base(start_server,
                                                              tmp_path):
    ready(start_server(dir=str(tmp_path), appendonly="yes"))
    base = (tmp_path / "appendonlydir" / BASE).read_bytes()
    assert base.startswith(b"REDIS0010")
    assert b"\xfa\x08aof-base\xc0\x01" in base  # AUX aof-base = 1
    assert base[-9] == 0xFF  # EOF, then the checksum: no keys


def test_appendfilename_and_appenddirname_name_the_files(start_server,
                                                         tmp_path):
    ready(start_server(dir=str(tmp_path), appendonly="yes",
                 appendfilename="log.aof", appenddirname="journal"))
    assert aof_files(tmp_path, "journal") == [
        "log.aof.1.base.rdb", "log.aof.1.incr.aof", "log.aof.manifest"]
    assert read_manifest(tmp_path, "journal", "log.aof.manifest") == (
        b"file log.aof.1.base.rdb seq 1 type b\n"
        b"file log.aof.1.incr.aof seq 1 type i\n")


def test_without_the_rdb_preamble_the_base_file_ends_in_aof(start_server,
                                                           tmp_path):
    ready(start_server(dir=str(tmp_path), appendonly="yes",
                 aof_use_rdb_preamble="no"))
    assert read_manifest(tmp_path) == (
        b"file appendonly.aof.1.base.aof seq 1 type b\n"
        b"file appendonly.aof.1.incr.aof seq 1 type i\n")


@pytest.mark.parametrize("name,quoted", [
    ("my log", b'"my log'),
    ('a"b\tc\x01', b'"a\\"b\\tc\\x01'),
])
def test_a_name_with_spaces_or_escapes_is_quoted_in_the_manifest(
        start_server, tmp_path, name, quoted):
    ready(start_server(dir=str(tmp_path), appendonly="yes",
                       appendfilename=name))
    assert read_manifest(tmp_path, name=name + ".manifest") == (
        b"file " + quoted + b'.1.base.rdb" seq 1 type b\n'
        b"file " + quoted + b'.1.incr.aof" seq 1 type i\n')


@pytest.mark.internal
def test_the_manifest_reads_back_what_it_writes(step_module):
    aof = step_module("aof")
    am = aof.AofManifest(
        aof.AofInfo(b"b a\"se\n\xff.rdb", 7, "b"),
        [aof.AofInfo(b"i.aof", 8, "i"), aof.AofInfo(b"j.aof", 9, "i")],
        [aof.AofInfo(b"h\t.aof", 3, "h")], 7, 9)
    text = aof.get_aof_manifest_as_string(am)
    assert text.startswith(b'file "b a\\"se\\n\\xff.rdb" seq 7 type b\n'
                           b'file "h\\t.aof" seq 3 type h\n')
    assert aof.aof_load_manifest_from_file(text) == am


def test_a_restart_appends_to_the_last_incr_file(start_server, tmp_path):
    proc = ready(start_server(dir=str(tmp_path), appendonly="yes"))
    with RawClient(proc.port) as client:
        client.call("SET", "k", "1")
    proc.stop()
    before = read_incr(tmp_path)
    again = ready(start_server(dir=str(tmp_path), appendonly="yes"))
    assert ("Opening AOF incr file appendonly.aof.1.incr.aof on server "
            "start") in again.log_text()
    assert "Creating AOF" not in again.log_text()
    with RawClient(again.port) as client:
        client.call("SET", "k", "2")
    assert read_incr(tmp_path).startswith(before)
    assert aof_files(tmp_path) == [BASE, INCR, MANIFEST]
    assert read_manifest(tmp_path) == FIRST_MANIFEST


def test_appendonly_no_makes_no_directory(start_server, tmp_path):
    ready(start_server(dir=str(tmp_path)))
    assert not (tmp_path / "appendonlydir").exists()


BAD_MANIFESTS = [
    # (manifest, the lines Redis logs)
    (b"", ["Found an empty AOF manifest"]),
    (b"file a seq 1 type b\nfile b seq 2 type b\n",
     ["Reading the manifest file, at line 2", ">>> 'file b seq 2 type b'",
      "Found duplicate base file information"]),
    (b"file a seq 2 type i\nfile b seq 1 type i\n",
     ["Reading the manifest file, at line 2",
      "Found a non-monotonic sequence number"]),
    (b"file a seq 1 type x\n", ["Unknown AOF file type"]),
    (b"file a seq 1\n", [">>> 'file a seq 1'",
                         "Invalid AOF manifest file format"]),
    (b"file a/b seq 1 type b\n",
     ["File can't be a path, just a filename"]),
    (b"file a seq 1 type b", ["The AOF manifest file contains too long line"]),
]


@pytest.mark.parametrize("manifest,lines", BAD_MANIFESTS,
                         ids=[lines[-1] for _, lines in BAD_MANIFESTS])
def test_a_manifest_that_cannot_be_read_stops_the_server(
        target, tmp_path, manifest, lines):
    (tmp_path / "appendonlydir").mkdir()
    (tmp_path / "appendonlydir" / MANIFEST).write_bytes(manifest)
    status, log = start_expecting_exit(target, dir=str(tmp_path),
                                       appendonly="yes")
    assert status == 1
    assert "*** FATAL AOF MANIFEST FILE ERROR ***" in log
    for line in lines:
        assert line in log


def test_comments_and_unknown_keys_in_the_manifest_are_allowed(
        start_server, tmp_path):
    proc = ready(start_server(dir=str(tmp_path), appendonly="yes"))
    proc.stop()
    manifest = (b"# a comment\n"
                b"file appendonly.aof.1.base.rdb seq 1 type b color red\n"
                b"FILE appendonly.aof.1.incr.aof TYPE i SEQ 1\n")
    (tmp_path / "appendonlydir" / MANIFEST).write_bytes(manifest)
    again = ready(start_server(dir=str(tmp_path), appendonly="yes"))
    assert ("Opening AOF incr file appendonly.aof.1.incr.aof on server "
            "start") in again.log_text()
    assert read_manifest(tmp_path) == manifest  # not rewritten: unchanged
