"""aof_fsync_if_needed(), called in-process after a write: under
appendfsync always an fsync at once, in the event loop; under everysec
a job for the fsync thread, at most once a second and never while one
runs; under no, nothing. The black-box view of the same (strace) is in
test_aof_fsync_crash.py."""

import errno
import logging
import os

import pytest

pytestmark = [pytest.mark.internal,
              pytest.mark.exercise("11-aof-fsync-if-needed")]

NOW = 1_700_000_000  # the server's clock, in seconds
WRITTEN = 120  # bytes written to the incr file so far


@pytest.fixture
def fsyncs(aof, monkeypatch):
    """The fds fsynced in the event loop."""
    done = []
    monkeypatch.setattr(aof, "redis_fsync", done.append)
    return done


@pytest.fixture
def srv(step_module, aof, tmp_path, commands):
    """A Server with its incr file open, bytes written and none synced;
    the fsync thread's queue exists, but no thread takes its jobs."""
    bio = step_module("bio")
    srv = step_module("server").Server(aof_state=commands.AOF_ON)
    srv.bio = [bio.BioWorker(t) for t in range(bio.BIO_NUM_OPS)]
    srv.aof_fd = os.open(tmp_path / "incr.aof", os.O_WRONLY | os.O_CREAT)
    srv.mstime = NOW * 1000 + 500
    srv.aof_last_fsync = NOW - 1
    srv.aof_last_incr_size = WRITTEN
    yield srv
    os.close(srv.aof_fd)


def fsync_jobs(srv, step_module) -> int:
    bio = step_module("bio")
    return bio.bio_pending_jobs_of_type(srv, bio.BIO_AOF_FSYNC)


def test_always_fsyncs_at_once_in_the_event_loop(aof, srv, fsyncs,
                                                 step_module, commands):
    srv.aof_fsync = commands.AOF_FSYNC_ALWAYS
    aof.aof_fsync_if_needed(srv, False)
    assert fsyncs == [srv.aof_fd]
    assert fsync_jobs(srv, step_module) == 0
    assert srv.aof_last_incr_fsync_offset == WRITTEN
    assert srv.aof_last_fsync == NOW


def test_always_fsyncs_again_within_the_same_second(aof, srv, fsyncs, commands):
    srv.aof_fsync = commands.AOF_FSYNC_ALWAYS
    aof.aof_fsync_if_needed(srv, False)
    srv.aof_last_incr_size += 30
    aof.aof_fsync_if_needed(srv, False)
    assert fsyncs == [srv.aof_fd, srv.aof_fd]
    assert srv.aof_last_incr_fsync_offset == WRITTEN + 30


def test_always_exits_when_the_fsync_fails(aof, srv, monkeypatch, caplog, commands):
    def failing(fd):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(aof, "redis_fsync", failing)
    srv.aof_fsync = commands.AOF_FSYNC_ALWAYS
    caplog.set_level(logging.WARNING)
    with pytest.raises(SystemExit) as stopped:
        aof.aof_fsync_if_needed(srv, False)
    assert stopped.value.code == 1
    assert ("Can't persist AOF for fsync error when the AOF fsync policy "
            "is 'always': Input/output error. Exiting...") in caplog.text


def test_everysec_hands_one_fsync_a_second_to_the_thread(aof, srv, fsyncs,
                                                         step_module, commands):
    srv.aof_fsync = commands.AOF_FSYNC_EVERYSEC
    aof.aof_fsync_if_needed(srv, False)
    assert fsync_jobs(srv, step_module) == 1
    assert fsyncs == []  # not in the event loop
    assert srv.aof_last_incr_fsync_offset == WRITTEN
    assert srv.aof_last_fsync == NOW
    srv.aof_last_incr_size += 30  # more, in the same second: no fsync
    aof.aof_fsync_if_needed(srv, False)
    assert fsync_jobs(srv, step_module) == 1
    assert srv.aof_last_incr_fsync_offset == WRITTEN


def test_everysec_queues_none_while_one_runs_and_waits_a_second(
        aof, srv, step_module, commands):
    srv.aof_fsync = commands.AOF_FSYNC_EVERYSEC
    aof.aof_fsync_if_needed(srv, True)
    assert fsync_jobs(srv, step_module) == 0
    assert srv.aof_last_incr_fsync_offset == 0
    assert srv.aof_last_fsync == NOW


def test_no_leaves_the_fsync_to_the_kernel(aof, srv, fsyncs, step_module, commands):
    srv.aof_fsync = commands.AOF_FSYNC_NO
    aof.aof_fsync_if_needed(srv, False)
    assert fsyncs == []
    assert fsync_jobs(srv, step_module) == 0
    assert srv.aof_last_incr_fsync_offset == 0
    assert srv.aof_last_fsync == NOW - 1


@pytest.mark.parametrize("policy", ["AOF_FSYNC_ALWAYS", "AOF_FSYNC_EVERYSEC"])
def test_no_appendfsync_on_rewrite_skips_the_fsync_while_a_child_runs(
        aof, srv, fsyncs, step_module, policy, commands):
    srv.aof_fsync = getattr(commands, policy)
    srv.aof_no_fsync_on_rewrite = True
    srv.child_type = step_module("rdb").CHILD_TYPE_AOF
    aof.aof_fsync_if_needed(srv, False)
    assert fsyncs == []
    assert fsync_jobs(srv, step_module) == 0
    assert srv.aof_last_incr_fsync_offset == 0
    srv.child_type = step_module("rdb").CHILD_TYPE_NONE
    aof.aof_fsync_if_needed(srv, False)
    assert srv.aof_last_incr_fsync_offset == WRITTEN
