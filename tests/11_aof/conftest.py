"""Fixtures of step 11's in-process tests."""

import pytest


@pytest.fixture
def aof(step_module):
    return step_module("aof")


@pytest.fixture
def commands(step_module):
    """The AOF's states and fsync policies are there, as in server.h."""
    return step_module("commands")
