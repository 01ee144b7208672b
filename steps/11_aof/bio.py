"""bio.py: background jobs, one thread per kind of job. Redis: src/bio.c.

Some system calls can take a long time for reasons the server cannot
control: fsync() on a busy disk can block for seconds, and close() of the
last descriptor of a big deleted file makes the kernel free all its
blocks. The event loop must never wait for them, so Redis hands each such
job to a thread that does nothing else, through a queue of its own. The
main thread only counts the jobs still pending, which is how
flush_append_only_file (aof.py) knows an fsync is still running.

A Python thread is the faithful port here, not a stand-in: os.fsync()
and os.close() release the GIL while the kernel works, so the event loop
runs on while the disk is busy.

Steps:
  11_aof  the close-file and AOF-fsync threads; bg_unlink

Simplified: Redis has a third thread, for lazy freeing (UNLINK, FLUSHALL
ASYNC); we free values in the main thread.
"""

import errno
import logging
import os
import queue
import threading
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

BIO_CLOSE_FILE = 0  # deferred close(2)
BIO_AOF_FSYNC = 1  # deferred AOF fsync
BIO_NUM_OPS = 2

C_OK, C_ERR = True, False  # server.aof_bio_fsync_status

# On Linux Redis's redis_fsync is fdatasync(): the data and the file's
# size, without the other metadata (times), which saves a disk write.
redis_fsync = getattr(os, "fdatasync", os.fsync)


@dataclass(slots=True)
class BioWorker:
    """One thread and its queue. Mirrors bio_jobs[type], bio_pending[type]
    and the thread that serves them."""

    type: int  # BIO_CLOSE_FILE or BIO_AOF_FSYNC
    jobs: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)
    pending: int = 0  # queued or running; read by the main thread
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(slots=True)
class BioJob:
    """Mirrors struct bio_job's fd_args."""

    fd: int
    need_fsync: bool = False


def bio_init(server) -> None:
    """Start one thread per kind of job. Mirrors bioInit(). The threads
    are daemons: exiting never waits for them, as exit() in C does not
    (a shutdown fsyncs the AOF itself first)."""
    server.bio = [BioWorker(t) for t in range(BIO_NUM_OPS)]
    for worker in server.bio:
        threading.Thread(target=bio_process_background_jobs,
                         args=(server, worker), daemon=True,
                         name=BIO_THREAD_NAMES[worker.type]).start()


BIO_THREAD_NAMES = {BIO_CLOSE_FILE: "bio_close_file",
                    BIO_AOF_FSYNC: "bio_aof_fsync"}


def bio_submit_job(server, type: int, job: BioJob) -> None:
    """Mirrors bioSubmitJob(): count the job, then queue it."""
    worker = server.bio[type]
    with worker.lock:
        worker.pending += 1
    worker.jobs.put(job)


def bio_create_close_job(server, fd: int, need_fsync: bool) -> None:
    """Close `fd` in the background, fsyncing it first if asked.
    Mirrors bioCreateCloseJob()."""
    bio_submit_job(server, BIO_CLOSE_FILE, BioJob(fd, need_fsync))


def bio_create_fsync_job(server, fd: int) -> None:
    """fsync `fd` in the background. Mirrors bioCreateFsyncJob()."""
    bio_submit_job(server, BIO_AOF_FSYNC, BioJob(fd))


def bio_pending_jobs_of_type(server, type: int) -> int:
    """Mirrors bioPendingJobsOfType(): queued jobs and the one running."""
    worker = server.bio[type]
    with worker.lock:
        return worker.pending


# --8<-- [start:bio_process_background_jobs]
def bio_process_background_jobs(server, worker: BioWorker) -> None:
    """A thread's whole life: take the next job, do it, count it done.
    Mirrors bioProcessBackgroundJobs().

    An fsync that fails is recorded in aof_bio_fsync_status, which
    refuses writes (MISCONF) until an fsync succeeds again. EBADF and
    EINVAL are no failure: the main thread may have closed the file
    since, and the descriptor may even name another file now.
    """
    while True:
        job = worker.jobs.get()  # pthread_cond_wait() on an empty list
        if worker.type == BIO_CLOSE_FILE:
            if job.need_fsync:
                fsync_ignoring_errors(job.fd)
            os.close(job.fd)
        else:
            bio_aof_fsync(server, job.fd)
        with worker.lock:
            worker.pending -= 1
# --8<-- [end:bio_process_background_jobs]


def fsync_ignoring_errors(fd: int) -> None:
    """The close job's fsync: Redis ignores its result."""
    try:
        redis_fsync(fd)
    except OSError:
        pass


def bio_aof_fsync(server, fd: int) -> None:
    """The BIO_AOF_FSYNC job, with its bookkeeping of failures."""
    try:
        redis_fsync(fd)
    except OSError as err:
        if err.errno not in (errno.EBADF, errno.EINVAL):
            last_status = server.aof_bio_fsync_status
            server.aof_bio_fsync_status = C_ERR
            server.aof_bio_fsync_errno = err.errno
            if last_status == C_OK:
                log.warning("Fail to fsync the AOF file: %s", err.strerror)
            return
    server.aof_bio_fsync_status = C_OK


def bg_unlink(server, filename: bytes) -> None:
    """Remove a file without waiting for the kernel to free its blocks.
    Mirrors bg_unlink() in replication.c: unlinking a file still open
    only drops its name; the close, done by the close-file thread, is
    what frees a big file's blocks."""
    try:
        fd = os.open(filename, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        try:
            os.unlink(filename)  # can't open it: unlink it in place
        except OSError:
            pass
        return
    try:
        os.unlink(filename)
    except OSError:
        os.close(fd)
        return
    bio_create_close_job(server, fd, need_fsync=False)
