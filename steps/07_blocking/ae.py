"""ae.py: the event loop. Redis: src/ae.c, src/ae.h (poll layer: ae_epoll.c).

One thread serves every client: the loop asks the kernel which sockets are
ready, all at once, and calls the handler registered for each. A handler
never waits; it reads or writes what it can and returns to the loop.

Each turn of the loop (ae_process_events) runs, in this order:
  before_sleep        flush replies (networking.py)
  ae_api_poll         sleep until some socket is ready, or until the
                      nearest timer is due
  after_sleep
  file events         for each ready socket: its read handler, then its
                      write handler (or the reverse, with AE_BARRIER)
  time events         the timers that are due (server_cron)

The comment above aeProcessEvents() in ae.c says time events come first;
the code has always run them after the file events, as here.

Steps:
  03_eventloop  file events, ae_process_events, ae_main
  05_expiry     time events; the poll never sleeps past the next timer

Simplified: Redis indexes fixed arrays by fd (setsize, maxfd); a dict
keyed by fd does here. The poll layer (Redis's aeApi* functions, from
ae_epoll.c on Linux) is EpollPoll, on epoll itself; where there is no
epoll, SelectorPoll stands in, on selectors.DefaultSelector (kqueue on
macOS), as Redis's build would pick ae_kqueue.c there.
"""

import select
import selectors
import time
from collections.abc import Callable
from dataclasses import dataclass, field

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

AE_NOMORE = -1  # a timer returning this is deleted, not rescheduled
AE_DELETED_EVENT_ID = -1  # the id of a timer waiting to be removed

FileProc = Callable[["EventLoop", int, object, int], None]
TimeProc = Callable[["EventLoop", int, object], int]


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


@dataclass(slots=True, eq=False)
class TimeEvent:
    """A timer. Mirrors aeTimeEvent."""

    id: int  # AE_DELETED_EVENT_ID once deleted
    when: int  # when it is due, in monotonic microseconds
    time_proc: TimeProc  # returns ms until its next run, or AE_NOMORE
    finalizer_proc: Callable[["EventLoop", object], None] | None
    client_data: object
    refcount: int = 0  # > 0 while time_proc runs: don't free it then


@dataclass(slots=True)
class EventLoop:
    """The loop's state. Mirrors aeEventLoop."""

    api: EpollPoll | SelectorPoll  # aeApiState: the epoll instance
    events: dict[int, FileEvent]  # registered file events, by fd
    fired: list[tuple[int, int]]  # (fd, mask) pairs the last poll returned
    time_events: list[TimeEvent] = field(default_factory=list)  # unsorted
    time_event_next_id: int = 0
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
    waits for ever. epoll counts in milliseconds and Python rounds the
    timeout up, as Redis does, so the loop never wakes before a timer is
    due. A socket in error or hung up is reported as ready for both: the
    handler's read or write then sees the error.
    """
    # Room for every registered fd, as Redis's setsize gives epoll_wait().
    el.fired = el.api.poll(timeout, max(len(el.events), 1))
    return el.fired
# --8<-- [end:ae_api_poll]


def monotonic_us() -> int:
    """The monotonic clock in microseconds. Mirrors getMonotonicUs().

    Timers use it, not the wall clock, so setting the system time
    neither fires them early nor holds them back.
    """
    return time.monotonic_ns() // 1000


# --8<-- [start:ae_create_time_event]
def ae_create_time_event(el: EventLoop, milliseconds: int, proc: TimeProc,
                         client_data: object,
                         finalizer: Callable | None = None) -> int:
    """Call `proc` in `milliseconds`; return the timer's id.

    Mirrors aeCreateTimeEvent(). The proc's return value is the delay
    until its next run, in ms, or AE_NOMORE to be deleted.
    """
    te = TimeEvent(el.time_event_next_id, monotonic_us() + milliseconds * 1000,
                   proc, finalizer, client_data)
    el.time_event_next_id += 1
    el.time_events.insert(0, te)  # Redis pushes new timers on the head
    return te.id
# --8<-- [end:ae_create_time_event]


def ae_delete_time_event(el: EventLoop, id: int) -> bool:
    """Mark a timer deleted; False if there is none with that id.

    Mirrors aeDeleteTimeEvent(): the timer is only marked here and
    removed on the next pass of process_time_events(), so a timer can
    safely delete itself, or another one, while the timers run.
    """
    for te in el.time_events:
        if te.id == id:
            te.id = AE_DELETED_EVENT_ID
            return True
    return False


# --8<-- [start:us_until_earliest_timer]
def us_until_earliest_timer(el: EventLoop) -> int:
    """Microseconds until the nearest timer is due (0 if late), -1 if none.

    Mirrors usUntilEarliestTimer(): a scan of every timer, O(N) because
    they are unsorted; Redis has about one (server_cron), so that's fine.
    As in 7.0, timers marked deleted still count.
    """
    if not el.time_events:
        return -1
    earliest = el.time_events[0].when
    for te in el.time_events:
        if te.when < earliest:
            earliest = te.when
    return max(0, earliest - monotonic_us())
# --8<-- [end:us_until_earliest_timer]


# --8<-- [start:process_time_events]
def process_time_events(el: EventLoop) -> int:
    """Run every timer that is due; return how many ran.

    Mirrors processTimeEvents() in ae.c. Timers created by a timer during
    this pass wait for the next pass (max_id), and deleted ones are freed
    here, once they are no longer running.
    """
    # BEGIN EXERCISE 05-time-events
    processed = 0
    max_id = el.time_event_next_id - 1
    now = monotonic_us()
    for te in list(el.time_events):
        if te.id == AE_DELETED_EVENT_ID:
            if te.refcount == 0:
                el.time_events.remove(te)
                if te.finalizer_proc:
                    te.finalizer_proc(el, te.client_data)
                now = monotonic_us()
            continue
        if te.id > max_id or te.when > now:
            continue
        te.refcount += 1
        retval = te.time_proc(el, te.id, te.client_data)
        te.refcount -= 1
        processed += 1
        now = monotonic_us()
        if retval == AE_NOMORE:
            te.id = AE_DELETED_EVENT_ID
        else:
            te.when = now + retval * 1000
    return processed
    # END EXERCISE 05-time-events
# --8<-- [end:process_time_events]


# --8<-- [start:ae_process_events]
def ae_process_events(el: EventLoop, flags: int) -> int:
    """Sleep until sockets are ready or a timer is due, then run them.

    Mirrors aeProcessEvents() in ae.c (7.0 order); returns the number of
    events processed. File events come first, then time events: a timer
    may run late by the time the handlers take, never early.
    """
    if not flags & (AE_FILE_EVENTS | AE_TIME_EVENTS):
        return 0
    # Never sleep past the nearest timer, or server_cron (and with it
    # active expiry) runs late. None means: until a socket is ready.
    timeout = 0 if flags & AE_DONT_WAIT else None
    if flags & AE_TIME_EVENTS and not flags & AE_DONT_WAIT:
        us_until_timer = us_until_earliest_timer(el)
        if us_until_timer >= 0:
            timeout = us_until_timer / 1_000_000

    if el.before_sleep and flags & AE_CALL_BEFORE_SLEEP:
        el.before_sleep(el)
    fired = ae_api_poll(el, timeout)
    if el.after_sleep and flags & AE_CALL_AFTER_SLEEP:
        el.after_sleep(el)

    for fd, mask in fired:
        process_file_event(el, fd, mask)
    processed = len(fired)
    if flags & AE_TIME_EVENTS:
        processed += process_time_events(el)
    return processed
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
