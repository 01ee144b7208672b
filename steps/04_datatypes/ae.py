"""ae.py: the event loop. Redis: src/ae.c, src/ae.h (poll layer: ae_epoll.c).

One thread serves every client: the loop asks the kernel which sockets are
ready, all at once, and calls the handler registered for each. A handler
never waits; it reads or writes what it can and returns to the loop.

Each turn of the loop (ae_process_events) runs, in this order:
  before_sleep        flush replies (networking.py)
  ae_api_poll         sleep until some socket is ready
  after_sleep
  file events         for each ready socket: its read handler, then its
                      write handler (or the reverse, with AE_BARRIER)
  time events         arrive in step 05, after the file events

Steps:
  03_eventloop  file events, ae_process_events, ae_main

Simplified: Redis indexes fixed arrays by fd (setsize, maxfd); a dict
keyed by fd does here. The poll layer (Redis's aeApi* functions, from
ae_epoll.c on Linux) is EpollPoll, on epoll itself; where there is no
epoll, SelectorPoll stands in, on selectors.DefaultSelector (kqueue on
macOS), as Redis's build would pick ae_kqueue.c there.
"""

import select
import selectors
from collections.abc import Callable
from dataclasses import dataclass

AE_NONE = 0  # no events registered
AE_READABLE = selectors.EVENT_READ  # 1: fire when the socket is readable
AE_WRITABLE = selectors.EVENT_WRITE  # 2: fire when the socket is writable
AE_BARRIER = 4  # with AE_WRITABLE: never write right after reading

AE_FILE_EVENTS = 1 << 0
AE_TIME_EVENTS = 1 << 1
AE_ALL_EVENTS = AE_FILE_EVENTS | AE_TIME_EVENTS
AE_DONT_WAIT = 1 << 2  # poll without sleeping
AE_CALL_BEFORE_SLEEP = 1 << 3
AE_CALL_AFTER_SLEEP = 1 << 4

FileProc = Callable[["EventLoop", int, object, int], None]


@dataclass(slots=True)
class FileEvent:
    """What to call when one fd is ready. Mirrors aeFileEvent."""

    mask: int = AE_NONE  # AE_READABLE | AE_WRITABLE | AE_BARRIER
    rfile_proc: FileProc | None = None
    wfile_proc: FileProc | None = None
    client_data: object = None  # handed to the handler: the client


NO_EVENT = FileEvent()  # stands for an fd whose events were deleted


# --8<-- [start:epoll_poll]
class EpollPoll:
    """The poll layer on Linux: one epoll instance. Mirrors aeApiState
    and the aeApi* functions of ae_epoll.c.

    Python: selectors.DefaultSelector would pick epoll too, but it wraps
    each ready fd in a key object and a tuple: asking epoll directly costs
    less than half as much per ready socket (0.16 µs against 0.34 µs).
    """

    name = "epoll"  # aeApiName()

    def __init__(self) -> None:
        self.epfd = select.epoll()

    def register(self, fd: int, mask: int) -> None:  # EPOLL_CTL_ADD
        self.epfd.register(fd, EPOLL_EVENTS[mask])

    def modify(self, fd: int, mask: int) -> None:  # EPOLL_CTL_MOD
        self.epfd.modify(fd, EPOLL_EVENTS[mask])

    def unregister(self, fd: int) -> None:  # EPOLL_CTL_DEL
        self.epfd.unregister(fd)

    def poll(self, timeout: float | None,
             most: int) -> list[tuple[int, int]]:
        """epoll_wait(): up to `most` ready fds, each with its AE mask."""
        return [(fd, AE_MASKS[events & EPOLL_REPORTED])
                for fd, events in self.epfd.poll(timeout, most)]
# --8<-- [end:epoll_poll]


# epoll's event bits (Linux's sys/epoll.h), and AE masks to them and
# back. As in aeApiPoll(), an fd in error or hung up (EPOLLERR, EPOLLHUP)
# is ready for reading and writing alike: whichever handler is
# registered runs, and meets the error.
EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLERR, EPOLLHUP = 0x01, 0x02, 0x04, 0x08, 0x10
EPOLL_REPORTED = 0x1F  # the five bits above: epoll reports no other here
EPOLL_EVENTS = {AE_NONE: 0, AE_READABLE: EPOLLIN, AE_WRITABLE: EPOLLOUT,
                AE_READABLE | AE_WRITABLE: EPOLLIN | EPOLLOUT}
AE_MASKS = [(AE_READABLE if events & (EPOLLIN | EPOLLERR | EPOLLHUP) else 0)
            | (AE_WRITABLE if events & (EPOLLOUT | EPOLLERR | EPOLLHUP) else 0)
            for events in range(EPOLL_REPORTED + 1)]


class SelectorPoll(selectors.DefaultSelector):
    """The poll layer where there is no epoll (kqueue on macOS): the
    selector's register, modify and unregister take AE masks as they are
    (its EVENT_READ and EVENT_WRITE are 1 and 2), and poll() turns its
    (key, mask) pairs into (fd, mask) ones."""

    name = selectors.DefaultSelector.__name__.removesuffix("Selector").lower()

    def poll(self, timeout: float | None,
             most: int) -> list[tuple[int, int]]:
        return [(key.fd, mask) for key, mask in self.select(timeout)]


@dataclass(slots=True)
class EventLoop:
    """The loop's state. Mirrors aeEventLoop."""

    api: EpollPoll | SelectorPoll  # aeApiState: the epoll instance
    events: dict[int, FileEvent]  # registered file events, by fd
    fired: list[tuple[int, int]]  # (fd, mask) pairs the last poll returned
    stop: bool = False
    before_sleep: Callable[["EventLoop"], None] | None = None
    after_sleep: Callable[["EventLoop"], None] | None = None


def ae_create_event_loop() -> EventLoop:
    """Mirrors aeCreateEventLoop() in ae.c."""
    return EventLoop(EpollPoll() if hasattr(select, "epoll")
                     else SelectorPoll(), {}, [])


# --8<-- [start:create_file_event]
def create_file_event(el: EventLoop, fd: int, mask: int, proc: FileProc,
                      client_data: object) -> None:
    """Call `proc` when fd is ready for `mask`. Mirrors aeCreateFileEvent().

    Masks add up: an fd registered for reading that asks for writing too
    is watched for both (epoll: EPOLL_CTL_ADD first, EPOLL_CTL_MOD after).
    """
    fe = el.events.get(fd)
    if fe is None:
        fe = el.events[fd] = FileEvent()
        el.api.register(fd, mask & (AE_READABLE | AE_WRITABLE))
    else:
        el.api.modify(fd, (fe.mask | mask) & (AE_READABLE | AE_WRITABLE))
    fe.mask |= mask
    if mask & AE_READABLE:
        fe.rfile_proc = proc
    if mask & AE_WRITABLE:
        fe.wfile_proc = proc
    fe.client_data = client_data
# --8<-- [end:create_file_event]


# --8<-- [start:delete_file_event]
def delete_file_event(el: EventLoop, fd: int, mask: int) -> None:
    """Stop watching fd for `mask`. Mirrors aeDeleteFileEvent()."""
    fe = el.events.get(fd)
    if fe is None:
        return
    if mask & AE_WRITABLE:
        mask |= AE_BARRIER  # the barrier only means something with writes
    fe.mask &= ~mask
    if fe.mask & (AE_READABLE | AE_WRITABLE):
        el.api.modify(fd, fe.mask & (AE_READABLE | AE_WRITABLE))
    else:
        el.api.unregister(fd)
        del el.events[fd]
# --8<-- [end:delete_file_event]


def ae_get_api_name(el: EventLoop) -> str:
    """The poll layer's name, for INFO. Mirrors aeGetApiName()."""
    return el.api.name


def get_file_events(el: EventLoop, fd: int) -> int:
    """The mask fd is registered for. Mirrors aeGetFileEvents()."""
    return el.events.get(fd, NO_EVENT).mask


# --8<-- [start:ae_api_poll]
def ae_api_poll(el: EventLoop, timeout: float | None) -> list[tuple]:
    """Wait until some fd is ready; return (fd, mask) pairs.

    Mirrors aeApiPoll() in ae_epoll.c. `timeout` is in seconds; None
    waits for ever. A socket in error or hung up is reported as ready
    for both: the handler's read or write then sees the error.
    """
    # Room for every registered fd, as Redis's setsize gives epoll_wait().
    el.fired = el.api.poll(timeout, max(len(el.events), 1))
    return el.fired
# --8<-- [end:ae_api_poll]


# --8<-- [start:ae_process_events]
def ae_process_events(el: EventLoop, flags: int) -> int:
    """Sleep until sockets are ready, then run their handlers.

    Mirrors aeProcessEvents() in ae.c; returns the number of events
    processed. Step 05 adds time events: the poll then sleeps no longer
    than the next timer, and due timers run after the file events.
    """
    if not flags & (AE_FILE_EVENTS | AE_TIME_EVENTS):
        return 0
    timeout = 0 if flags & AE_DONT_WAIT else None

    if el.before_sleep and flags & AE_CALL_BEFORE_SLEEP:
        el.before_sleep(el)
    fired = ae_api_poll(el, timeout)
    if el.after_sleep and flags & AE_CALL_AFTER_SLEEP:
        el.after_sleep(el)

    for fd, mask in fired:
        process_file_event(el, fd, mask)
    return len(fired)
# --8<-- [end:ae_process_events]


# --8<-- [start:process_file_event]
def process_file_event(el: EventLoop, fd: int, mask: int) -> None:
    """Run the handlers of one ready fd: read first, then write.

    Reading first lets a reply computed from the query go out in the same
    turn. AE_BARRIER inverts the order; Redis sets it when a reply must
    not leave before beforeSleep() has fsynced the append-only file.
    The registration is looked up again before each call, because the
    handler that ran first may have deleted it (or freed the client).
    """
    # BEGIN EXERCISE 03-file-events
    fe = el.events.get(fd, NO_EVENT)
    invert = fe.mask & AE_BARRIER
    fired = False
    if not invert and fe.mask & mask & AE_READABLE:
        fe.rfile_proc(el, fd, fe.client_data, mask)
        fired = True
    fe = el.events.get(fd, NO_EVENT)
    if fe.mask & mask & AE_WRITABLE and not (
            fired and fe.wfile_proc == fe.rfile_proc):
        fe.wfile_proc(el, fd, fe.client_data, mask)
        fired = True
    if invert:
        fe = el.events.get(fd, NO_EVENT)
        if fe.mask & mask & AE_READABLE and not (
                fired and fe.wfile_proc == fe.rfile_proc):
            fe.rfile_proc(el, fd, fe.client_data, mask)
    # END EXERCISE 03-file-events
# --8<-- [end:process_file_event]


# --8<-- [start:ae_main]
def ae_main(el: EventLoop) -> None:
    """Turn the loop until ae_stop() is called. Mirrors aeMain()."""
    el.stop = False
    while not el.stop:
        ae_process_events(el, AE_ALL_EVENTS | AE_CALL_BEFORE_SLEEP
                          | AE_CALL_AFTER_SLEEP)
# --8<-- [end:ae_main]


def ae_stop(el: EventLoop) -> None:
    """Make ae_main() return after the current turn. Mirrors aeStop()."""
    el.stop = True
