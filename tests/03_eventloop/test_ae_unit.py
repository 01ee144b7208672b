"""Unit tests of ae.py, our event loop (not run against Redis)."""

import socket

import pytest

pytestmark = [pytest.mark.internal, pytest.mark.exercise("03-file-events")]


def test_read_handler_runs_before_write_handler(ae, socket_pair):
    a, b = socket_pair
    el, calls = ae.ae_create_event_loop(), []
    ae.create_file_event(el, a.fileno(), ae.AE_READABLE, lambda *_: calls.append("read"), None)
    ae.create_file_event(el, a.fileno(), ae.AE_WRITABLE, lambda *_: calls.append("write"), None)
    b.send(b"x")
    assert ae.ae_process_events(el, ae.AE_FILE_EVENTS) == 1
    assert calls == ["read", "write"]


def test_barrier_runs_write_handler_first(ae, socket_pair):
    a, b = socket_pair
    el, calls = ae.ae_create_event_loop(), []
    ae.create_file_event(el, a.fileno(), ae.AE_READABLE, lambda *_: calls.append("read"), None)
    ae.create_file_event(el, a.fileno(), ae.AE_WRITABLE | ae.AE_BARRIER,
                         lambda *_: calls.append("write"), None)
    b.send(b"x")
    ae.ae_process_events(el, ae.AE_FILE_EVENTS)
    assert calls == ["write", "read"]


def test_same_handler_for_both_runs_once(ae, socket_pair):
    a, b = socket_pair
    el, calls = ae.ae_create_event_loop(), []

    def both(el_, fd, data, mask):
        calls.append(mask)

    ae.create_file_event(el, a.fileno(), ae.AE_READABLE | ae.AE_WRITABLE, both, None)
    b.send(b"x")
    ae.ae_process_events(el, ae.AE_FILE_EVENTS)
    assert calls == [ae.AE_READABLE | ae.AE_WRITABLE]


def test_handler_gets_its_client_data(ae, socket_pair):
    a, b = socket_pair
    el, seen = ae.ae_create_event_loop(), []
    ae.create_file_event(el, a.fileno(), ae.AE_READABLE,
                         lambda el_, fd, data, mask: seen.append((fd, data, mask)), "client-7")
    b.send(b"x")
    ae.ae_process_events(el, ae.AE_FILE_EVENTS)
    assert seen == [(a.fileno(), "client-7", ae.AE_READABLE)]


def test_write_handler_deleted_by_read_handler_does_not_run(ae, socket_pair):
    a, b = socket_pair
    el, calls = ae.ae_create_event_loop(), []

    def read(el_, fd, data, mask):
        calls.append("read")
        ae.delete_file_event(el_, fd, ae.AE_WRITABLE)

    ae.create_file_event(el, a.fileno(), ae.AE_READABLE, read, None)
    ae.create_file_event(el, a.fileno(), ae.AE_WRITABLE, lambda *_: calls.append("write"), None)
    b.send(b"x")
    ae.ae_process_events(el, ae.AE_FILE_EVENTS)
    assert calls == ["read"]
    assert ae.get_file_events(el, a.fileno()) == ae.AE_READABLE


def test_fd_deleted_by_an_earlier_handler_in_the_same_turn_is_skipped(ae):
    pairs = [socket.socketpair() for _ in range(2)]
    try:
        el, calls = ae.ae_create_event_loop(), []
        fds = [p[0].fileno() for p in pairs]

        def read(el_, fd, data, mask):
            calls.append(fd)
            for other in fds:  # whoever runs first removes the other one
                if other != fd:
                    ae.delete_file_event(el_, other, ae.AE_READABLE)

        for fd in fds:
            ae.create_file_event(el, fd, ae.AE_READABLE, read, None)
        for _, b in pairs:
            b.send(b"x")
        ae.ae_process_events(el, ae.AE_FILE_EVENTS)
        assert len(calls) == 1
    finally:
        for a, b in pairs:
            a.close()
            b.close()


def test_delete_file_event_removes_the_registration(ae, socket_pair):
    a, b = socket_pair
    el = ae.ae_create_event_loop()
    ae.create_file_event(el, a.fileno(), ae.AE_READABLE, lambda *_: None, None)
    ae.delete_file_event(el, a.fileno(), ae.AE_READABLE)
    assert ae.get_file_events(el, a.fileno()) == ae.AE_NONE
    b.send(b"x")
    assert ae.ae_process_events(el, ae.AE_FILE_EVENTS | ae.AE_DONT_WAIT) == 0


def test_deleting_writable_also_drops_the_barrier(ae, socket_pair):
    a, _ = socket_pair
    el = ae.ae_create_event_loop()
    ae.create_file_event(el, a.fileno(), ae.AE_READABLE, lambda *_: None, None)
    ae.create_file_event(el, a.fileno(), ae.AE_WRITABLE | ae.AE_BARRIER, lambda *_: None, None)
    ae.delete_file_event(el, a.fileno(), ae.AE_WRITABLE)
    assert ae.get_file_events(el, a.fileno()) == ae.AE_READABLE


def test_before_and_after_sleep_hooks_surround_the_poll(ae, socket_pair):
    a, b = socket_pair
    el, calls = ae.ae_create_event_loop(), []
    el.before_sleep = lambda el_: calls.append("before")
    el.after_sleep = lambda el_: calls.append("after")
    ae.create_file_event(el, a.fileno(), ae.AE_READABLE, lambda *_: calls.append("read"), None)
    b.send(b"x")
    ae.ae_process_events(el, ae.AE_ALL_EVENTS | ae.AE_CALL_BEFORE_SLEEP | ae.AE_CALL_AFTER_SLEEP)
    assert calls == ["before", "after", "read"]


def test_no_event_flags_means_nothing_is_done(ae):
    el = ae.ae_create_event_loop()
    el.before_sleep = lambda el_: pytest.fail("before_sleep must not run")
    assert ae.ae_process_events(el, ae.AE_CALL_BEFORE_SLEEP) == 0


def test_ae_stop_ends_ae_main_after_the_turn(ae, socket_pair):
    a, b = socket_pair
    el, turns = ae.ae_create_event_loop(), []

    def read(el_, fd, data, mask):
        a.recv(10)
        turns.append(1)
        if len(turns) == 3:
            ae.ae_stop(el_)
        else:
            b.send(b"x")

    ae.create_file_event(el, a.fileno(), ae.AE_READABLE, read, None)
    b.send(b"x")
    ae.ae_main(el)
    assert len(turns) == 3
