"""Transactions through redis-py, as a learner writes them: pipeline()
(a transaction by default), the transaction() helper, and watch() with a
retry loop while another client races on the same key."""

import threading

import pytest
import redis


@pytest.mark.exercise("08-exec-command")
def test_a_default_pipeline_is_a_transaction(r):
    with r.pipeline() as pipe:
        pipe.set("k", "v").incr("n").get("k")
        assert pipe.execute() == [True, 1, b"v"]


def test_a_pipeline_with_a_runtime_error_raises_but_runs_the_rest(r):
    r.set("k", "v")
    with r.pipeline() as pipe:
        pipe.incr("k").set("after", "1")
        with pytest.raises(redis.ResponseError):
            pipe.execute()
    assert r.get("after") == b"1"


def test_a_pipeline_with_an_unknown_command_runs_nothing(r):
    with r.pipeline() as pipe:
        pipe.set("k", "v")
        pipe.execute_command("NOSUCH")
        with pytest.raises(redis.ResponseError, match="unknown command 'NOSUCH'"):
            pipe.execute()
    assert r.exists("k") == 0


def test_watch_then_a_write_by_another_client_raises_watch_error(r, server):
    other = redis.Redis(host=server.host, port=server.port, socket_timeout=10)
    with r.pipeline() as pipe:
        pipe.watch("k")
        other.set("k", "1")
        pipe.multi()
        pipe.set("k", "mine")
        with pytest.raises(redis.WatchError):
            pipe.execute()
    other.close()
    assert r.get("k") == b"1"


def test_transaction_helper_retries_until_no_one_raced(r, server):
    other = redis.Redis(host=server.host, port=server.port, socket_timeout=10)
    r.set("counter", 0)
    attempts = []

    def double(pipe):
        value = int(pipe.get("counter"))
        attempts.append(value)
        if len(attempts) == 1:
            other.incr("counter")  # a racing write between GET and EXEC
        pipe.multi()
        pipe.set("counter", value * 2)

    r.transaction(double, "counter")
    other.close()
    assert attempts == [0, 1]
    assert r.get("counter") == b"2"


def test_two_clients_racing_with_check_and_set_lose_no_increment(r, server):
    def increment_many(times: int) -> None:
        client = redis.Redis(host=server.host, port=server.port, socket_timeout=10)

        def incr(pipe):
            value = int(pipe.get("n") or 0)
            pipe.multi()
            pipe.set("n", value + 1)

        for _ in range(times):
            client.transaction(incr, "n")
        client.close()

    threads = [threading.Thread(target=increment_many, args=(100,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert r.get("n") == b"200"
