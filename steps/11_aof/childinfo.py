"""childinfo.py: what a forked child tells its parent. Redis: src/childinfo.c.

A BGSAVE child shares the parent's memory pages until one side writes to
a page: then the kernel copies it (copy-on-write). Before it exits, the
child measures how much memory it had to copy and sends the number to
the parent through a pipe opened before the fork; the parent reads it
when it reaps the child, and INFO persistence reports it as
rdb_last_cow_size (aof_last_cow_size for a rewrite child).

Steps:
  10_rdb        the pipe, the child's copy-on-write size
  11_aof        ... or an AOF rewrite child's (aof_last_cow_size)

Simplified: Redis's child also sends its progress (keys saved, current
copy-on-write) while it works, and the parent drains the pipe once a
second; ours sends one report, at the end. Where /proc/self/smaps does
not exist (macOS), the size reported is 0.
"""

import logging
import os
import struct

log = logging.getLogger(__name__)

# The reports we send: the copy-on-write size of a BGSAVE child, or of
# an AOF rewrite child (aof.py). Mirrors childInfoType.
CHILD_INFO_TYPE_RDB_COW_SIZE = 1
CHILD_INFO_TYPE_AOF_COW_SIZE = 2
# One report: its type, keys saved, copy-on-write bytes. Mirrors
# child_info_data; fixed-size, so a read knows when it has a whole one.
CHILD_INFO_FORMAT = struct.Struct("<iQQ")


def open_child_info_pipe(server) -> None:
    """Mirrors openChildInfoPipe(): before the fork, so both ends are
    inherited. The read end does not block: the parent only ever drains
    what is there."""
    try:
        server.child_info_pipe = os.pipe()
    except OSError:
        server.child_info_pipe = (-1, -1)  # no report, no harm
        return
    os.set_blocking(server.child_info_pipe[0], False)


def close_child_info_pipe(server) -> None:
    """Mirrors closeChildInfoPipe()."""
    for fd in server.child_info_pipe:
        if fd != -1:
            os.close(fd)
    server.child_info_pipe = (-1, -1)


# --8<-- [start:zmalloc_get_private_dirty]
def zmalloc_get_private_dirty() -> int:
    """Bytes of this process's pages that are its own and written to.

    Mirrors zmalloc_get_private_dirty(-1) in zmalloc.c: the sum of the
    Private_Dirty lines of /proc/self/smaps. In a forked child, a page
    is private and dirty once either process wrote to it after the fork:
    that is the copy-on-write cost of the snapshot.
    """
    total = 0
    try:
        with open("/proc/self/smaps", "rb") as smaps:
            for line in smaps:
                if line.startswith(b"Private_Dirty:"):
                    total += int(line.split()[1]) * 1024  # in kB
    except OSError:
        return 0
    return total
# --8<-- [end:zmalloc_get_private_dirty]


def send_child_cow_info(server, keys: int, pname: str,
                        info_type: int = CHILD_INFO_TYPE_RDB_COW_SIZE
                        ) -> None:
    """The child's report, written to the pipe. Mirrors
    sendChildCowInfo() and sendChildInfoGeneric()."""
    if server.child_info_pipe[1] == -1:
        return
    cow = zmalloc_get_private_dirty()
    log.info("Fork CoW for %s: current %d MB, peak %d MB, average %d MB",
             pname, cow >> 20, cow >> 20, cow >> 20)
    data = CHILD_INFO_FORMAT.pack(info_type, keys, cow)
    os.write(server.child_info_pipe[1], data)  # far below PIPE_BUF: whole


def receive_child_info(server) -> None:
    """Drain the pipe; the last report wins. Mirrors receiveChildInfo()
    and updateChildInfo(): rdb_last_cow_size is the peak reported."""
    if server.child_info_pipe[0] == -1:
        return
    while True:
        try:
            data = os.read(server.child_info_pipe[0], CHILD_INFO_FORMAT.size)
        except BlockingIOError:
            return
        if len(data) < CHILD_INFO_FORMAT.size:
            return  # empty: nothing sent (a short read cannot happen)
        info_type, _keys, cow = CHILD_INFO_FORMAT.unpack(data)
        server.stat_current_cow_peak = max(server.stat_current_cow_peak, cow)
        if info_type == CHILD_INFO_TYPE_RDB_COW_SIZE:
            server.stat_rdb_cow_bytes = server.stat_current_cow_peak
        elif info_type == CHILD_INFO_TYPE_AOF_COW_SIZE:
            server.stat_aof_cow_bytes = server.stat_current_cow_peak
