"""A client that sends commands but never reads cannot make the server
buffer replies without bound (client-output-buffer-limit)."""

import socket

from support.wire import RawClient, command

MB = 1024 * 1024


def test_client_that_never_reads_is_dropped_at_the_hard_limit(start_server):
    proc = start_server(client_output_buffer_limit="normal 4mb 0 0")
    rss_before = proc.rss_bytes()
    hog = socket.socket()
    hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    hog.settimeout(30)  # a server that never drops it fails the test, not hangs it
    hog.connect(("127.0.0.1", proc.port))
    request = command("ECHO", b"z" * (256 * 1024))
    try:
        for _ in range(200):  # 50 MiB of replies owed, none of them read
            hog.sendall(request)
    except (BrokenPipeError, ConnectionResetError):
        pass  # dropped already, as it should be
    with RawClient(proc.port) as other:
        assert other.call("PING") == b"+PONG\r\n"
    # The server dropped the hog: reading ends in EOF or a reset, not 50 MiB.
    hog.settimeout(10)
    received = 0
    try:
        while chunk := hog.recv(1 << 20):
            received += len(chunk)
    except ConnectionResetError:
        pass
    hog.close()
    assert received < 50 * MB
    assert proc.rss_bytes() - rss_before < 40 * MB


def test_client_reading_its_replies_is_never_dropped(start_server):
    proc = start_server(client_output_buffer_limit="normal 4mb 0 0")
    with RawClient(proc.port) as reader:
        value = b"v" * (1 * MB)
        for _ in range(20):  # 20 MiB in all, but never 4 MiB at once
            assert reader.call("ECHO", value) == b"$%d\r\n%s\r\n" % (len(value), value)


def test_output_buffer_limit_shows_in_config_get(start_server):
    proc = start_server(client_output_buffer_limit="normal 4mb 0 0")
    with RawClient(proc.port) as client:
        reply = client.call("CONFIG", "GET", "client-output-buffer-limit")
    assert b"normal 4194304 0 0" in reply
