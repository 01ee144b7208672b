"""Unit tests of ae.py's poll layer (not run against Redis): EpollPoll, on
epoll itself, and SelectorPoll, which stands in where there is no epoll.
Both are tested here, so the one a Linux machine never picks still works."""

import select

import pytest

pytestmark = pytest.mark.internal


@pytest.fixture(params=["EpollPoll", "SelectorPoll"])
def api(request, ae):
    if request.param == "EpollPoll" and not hasattr(select, "epoll"):
        pytest.skip("no epoll on this system")
    return getattr(ae, request.param)()


def test_poll_reports_a_readable_socket_with_ae_readable(ae, api, socket_pair):
    a, b = socket_pair
    api.register(a.fileno(), ae.AE_READABLE)
    assert api.poll(0, 8) == []
    b.send(b"x")
    assert api.poll(0, 8) == [(a.fileno(), ae.AE_READABLE)]


def test_modify_adds_writable_and_unregister_removes_the_fd(ae, api, socket_pair):
    a, b = socket_pair
    api.register(a.fileno(), ae.AE_READABLE)
    api.modify(a.fileno(), ae.AE_READABLE | ae.AE_WRITABLE)
    assert api.poll(0, 8) == [(a.fileno(), ae.AE_WRITABLE)]  # nothing to read
    b.send(b"x")
    assert api.poll(0, 8) == [(a.fileno(), ae.AE_READABLE | ae.AE_WRITABLE)]
    api.unregister(a.fileno())
    assert api.poll(0, 8) == []


def test_a_hung_up_peer_makes_the_socket_readable(ae, api, socket_pair):
    a, b = socket_pair
    api.register(a.fileno(), ae.AE_READABLE)
    b.close()
    [(fd, mask)] = api.poll(0, 8)
    assert fd == a.fileno() and mask & ae.AE_READABLE


def test_poll_waits_no_longer_than_its_timeout(ae, api, socket_pair):
    a, _ = socket_pair
    api.register(a.fileno(), ae.AE_READABLE)
    assert api.poll(0.01, 8) == []


def test_the_loop_runs_handlers_on_either_poll_layer(ae, api, socket_pair):
    a, b = socket_pair
    el, calls = ae.EventLoop(api, {}, []), []
    ae.create_file_event(el, a.fileno(), ae.AE_READABLE,
                         lambda el_, fd, data, mask: calls.append((fd, data, mask)), "client")
    b.send(b"x")
    assert ae.ae_process_events(el, ae.AE_FILE_EVENTS) == 1
    assert calls == [(a.fileno(), "client", ae.AE_READABLE)]
    assert el.fired == [(a.fileno(), ae.AE_READABLE)]


def test_the_loop_uses_epoll_where_there_is_one(ae):
    el = ae.ae_create_event_loop()
    expected = "epoll" if hasattr(select, "epoll") else ae.SelectorPoll.name
    assert ae.ae_get_api_name(el) == expected
