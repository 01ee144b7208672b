"""Unit tests of ae.py's time events (not run against Redis)."""

import socket
import time

import pytest

pytestmark = [pytest.mark.internal, pytest.mark.exercise("05-time-events")]


@pytest.fixture
def ae(step_module):
    return step_module("ae")


def turn(ae, el, flags=None):
    return ae.ae_process_events(el, flags if flags is not None else ae.AE_ALL_EVENTS)


def test_timer_fires_once_due_and_not_before(ae):
    el, fired = ae.ae_create_event_loop(), []
    started = time.monotonic()
    ae.ae_create_time_event(el, 50, lambda *_: fired.append(time.monotonic()) or ae.AE_NOMORE,
                            None)
    assert turn(ae, el) == 1  # the poll sleeps until the timer is due
    assert fired and fired[0] - started >= 0.05


def test_timer_is_rescheduled_by_its_return_value(ae):
    el, fired = ae.ae_create_event_loop(), []

    def every_20ms(el_, id_, data):
        fired.append(time.monotonic())
        return 20 if len(fired) < 3 else ae.AE_NOMORE

    ae.ae_create_time_event(el, 0, every_20ms, None)
    while len(fired) < 3:
        turn(ae, el)
    gaps = [b - a for a, b in zip(fired, fired[1:])]
    assert all(gap >= 0.02 for gap in gaps)
    turn(ae, el, ae.AE_TIME_EVENTS | ae.AE_DONT_WAIT)  # frees the finished timer
    assert el.time_events == []


def test_ae_nomore_deletes_the_timer_and_runs_its_finalizer(ae):
    el, log = ae.ae_create_event_loop(), []
    ae.ae_create_time_event(el, 0, lambda *_: log.append("run") or ae.AE_NOMORE, "data",
                            lambda el_, data: log.append(("finalizer", data)))
    turn(ae, el)
    turn(ae, el, ae.AE_TIME_EVENTS | ae.AE_DONT_WAIT)
    assert log == ["run", ("finalizer", "data")]


def test_ids_count_up_and_timers_run_newest_first(ae):
    el, order = ae.ae_create_event_loop(), []
    ids = [ae.ae_create_time_event(el, 0, lambda el_, id_, d: order.append(id_) or ae.AE_NOMORE,
                                   None) for _ in range(3)]
    assert ids == [0, 1, 2]
    turn(ae, el, ae.AE_TIME_EVENTS | ae.AE_DONT_WAIT)
    assert order == [2, 1, 0]  # Redis pushes new timers on the head of its list


def test_timer_deleted_from_inside_another_handler_does_not_run(ae):
    el, ran = ae.ae_create_event_loop(), []
    victim = ae.ae_create_time_event(el, 0, lambda *_: ran.append("victim") or ae.AE_NOMORE,
                                     None)

    def killer(el_, id_, data):
        ran.append("killer")
        assert ae.ae_delete_time_event(el_, victim)
        return ae.AE_NOMORE

    ae.ae_create_time_event(el, 0, killer, None)  # newer: runs first
    turn(ae, el, ae.AE_TIME_EVENTS | ae.AE_DONT_WAIT)
    assert ran == ["killer"]


def test_timer_may_delete_itself(ae):
    el, runs = ae.ae_create_event_loop(), []

    def once(el_, id_, data):
        runs.append(id_)
        ae.ae_delete_time_event(el_, id_)
        return 10

    ae.ae_create_time_event(el, 0, once, None)
    for _ in range(3):
        turn(ae, el, ae.AE_TIME_EVENTS | ae.AE_DONT_WAIT)
    assert runs == [0]
    assert el.time_events == []


def test_timer_created_by_a_timer_waits_for_the_next_pass(ae):
    el, ran = ae.ae_create_event_loop(), []

    def parent(el_, id_, data):
        ran.append("parent")
        ae.ae_create_time_event(el_, 0, lambda *_: ran.append("child") or ae.AE_NOMORE, None)
        return ae.AE_NOMORE

    ae.ae_create_time_event(el, 0, parent, None)
    turn(ae, el, ae.AE_TIME_EVENTS | ae.AE_DONT_WAIT)
    assert ran == ["parent"]
    turn(ae, el, ae.AE_TIME_EVENTS | ae.AE_DONT_WAIT)
    assert ran == ["parent", "child"]


def test_deleting_an_unknown_timer_returns_false(ae):
    assert ae.ae_delete_time_event(ae.ae_create_event_loop(), 42) is False


def test_poll_timeout_is_the_time_to_the_nearest_timer(ae):
    el = ae.ae_create_event_loop()
    assert ae.us_until_earliest_timer(el) == -1
    ae.ae_create_time_event(el, 500, lambda *_: ae.AE_NOMORE, None)
    ae.ae_create_time_event(el, 100, lambda *_: ae.AE_NOMORE, None)
    assert 0 < ae.us_until_earliest_timer(el) <= 100_000


def test_file_events_run_before_time_events_in_a_turn(ae):
    a, b = socket.socketpair()
    try:
        el, order = ae.ae_create_event_loop(), []
        ae.ae_create_time_event(el, 0, lambda *_: order.append("timer") or ae.AE_NOMORE, None)
        ae.create_file_event(el, a.fileno(), ae.AE_READABLE,
                             lambda *_: order.append("file"), None)
        b.send(b"x")
        assert turn(ae, el) == 2
        assert order == ["file", "timer"]
    finally:
        a.close()
        b.close()


def test_a_busy_socket_does_not_starve_the_timer(ae):
    """The poll timeout keeps timers on time while sockets are busy."""
    a, b = socket.socketpair()
    try:
        el, fired = ae.ae_create_event_loop(), []
        ae.ae_create_time_event(el, 30, lambda *_: fired.append(1) or ae.AE_NOMORE, None)
        ae.create_file_event(el, a.fileno(), ae.AE_READABLE, lambda *_: a.recv(1), None)
        deadline = time.monotonic() + 2
        while not fired and time.monotonic() < deadline:
            b.send(b"x")
            turn(ae, el)
        assert fired
    finally:
        a.close()
        b.close()
