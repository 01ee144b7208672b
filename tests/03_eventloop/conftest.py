"""Fixtures of the event loop's unit tests (test_ae_unit.py, test_ae_poll.py)."""

import socket

import pytest


@pytest.fixture
def ae(step_module):
    """The step's ae.py, imported from the folder under test."""
    return step_module("ae")


@pytest.fixture
def socket_pair():
    """Two connected sockets, closed after the test."""
    a, b = socket.socketpair()
    yield a, b
    a.close()
    b.close()
