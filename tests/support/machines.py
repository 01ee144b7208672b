"""The base of the hypothesis state machines that check a server against a
plain Python model of its data, one random command at a time.

A machine holds one connection to the server; its rules send a command,
update the model and assert that the reply matches it. Run one with

    run_state_machine_as_test(lambda: HashesMachine(server.port), settings=...)

index_range is a piece of model the list and sorted set machines share.
"""

from __future__ import annotations

from hypothesis.stateful import RuleBasedStateMachine
from support.replies import OK
from support.wire import RawClient, decode


class ServerModelMachine(RuleBasedStateMachine):
    """Connects to the server on `port` and empties database 0 (FLUSHDB).

    A subclass sets up its model in __init__ (after super().__init__(port))
    and adds its rules and invariants. `self.raw` is the connection, for
    byte-exact checks; `self.call` sends a command and decodes its reply.
    """

    def __init__(self, port: int):
        super().__init__()
        self.raw = RawClient(port)
        assert self.raw.call("FLUSHDB") == OK

    def teardown(self):
        self.raw.close()

    def call(self, *args):
        """Send one command; return its reply decoded (support.wire.decode)."""
        return decode(self.raw.call(*args))


def index_range(items: list, start: int, stop: int) -> list:
    """The items from index `start` to `stop`, both included, negative ones
    counting from the end: what LRANGE, LTRIM, ZRANGE and ZREMRANGEBYRANK
    take, written with Python's own slicing."""
    if start < 0:
        start = max(0, len(items) + start)
    if stop < 0:
        stop += len(items)
    return items[start:max(0, stop + 1)]
