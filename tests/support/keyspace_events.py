"""Listen to keyspace events: a connection subscribed to all of them.

EventListener is a RESP2 connection that PSUBSCRIBEs to every keyspace
and keyevent channel (``__key*__:*``), and SUBSCRIBEs to one channel of
its own. To know that it has received every event a command caused, a
test publishes a mark on that channel from any connection, once the
command has replied: the server sends each subscriber its messages in
the order it publishes them, so every event comes before the mark.
That is the poll, and no sleep is needed.
"""

from __future__ import annotations

from contextlib import contextmanager

from support.wire import RawClient, decode

EVERY_KEY_CHANNEL = b"__key*__:*"
MARKS = b"events-listener-marks"


class EventListener:
    """A subscriber to every keyspace event, read in batches."""

    def __init__(self, port: int) -> None:
        self.client = RawClient(port)
        self.marks = 0
        assert decode(self.client.call("PSUBSCRIBE", EVERY_KEY_CHANNEL)) == [
            b"psubscribe", EVERY_KEY_CHANNEL, 1]
        assert decode(self.client.call("SUBSCRIBE", MARKS)) == [
            b"subscribe", MARKS, 2]

    def events(self, other: RawClient) -> list[tuple[bytes, bytes]]:
        """The events published since the last call, as (channel,
        message) pairs in order. `other` is a connection that is not in
        a transaction: it publishes the mark."""
        self.marks += 1
        mark = b"%d" % self.marks
        # At least this listener hears it (one just closed may too).
        assert other.call("PUBLISH", MARKS, mark) != b":0\r\n"
        received = []
        while True:
            message = decode(self.client.read_reply())
            if message == [b"message", MARKS, mark]:
                return received
            kind, pattern, channel, payload = message
            assert (kind, pattern) == (b"pmessage", EVERY_KEY_CHANNEL)
            received.append((channel, payload))

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> EventListener:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextmanager
def notifications(port: int, classes: str):
    """Turn notify-keyspace-events to `classes` for a block, and listen:
    yields an EventListener. The setting goes back to none (Redis's
    default) afterwards, since the server is shared with other tests."""
    with RawClient(port) as control:
        assert control.call("CONFIG", "SET", "notify-keyspace-events",
                            classes) == b"+OK\r\n"
        listener = EventListener(port)
        try:
            yield listener
        finally:
            listener.close()
            control.call("CONFIG", "SET", "notify-keyspace-events", "")
