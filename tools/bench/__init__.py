"""The benchmark driver's parts. The entry point is tools/bench.py.

  servers.py     targets (real Redis, our steps, the peer), starting them,
                 /proc readings
  wire.py        a small RESP client, and pipelined loading of many keys
  throughput.py  redis-benchmark runs: requests/s, latency, CPU per request
  clients.py     10,000 idle clients: memory per client, fresh-client PING
  memory.py      bytes per key: 1,000,000 strings, and small values of each
                 type (hashes, sets of integers, sorted sets, lists)
  expiry.py      active expiry of keys set with PX, and the cron's idle CPU
  blocking.py    1,000 clients blocked in BLPOP: CPU per idle second with
                 and without them; LPUSH→BLPOP hand-off latency
  fanout.py      one PUBLISH to 1,000 subscribers: deliveries per second,
                 server CPU per delivered message
  snapshot.py    BGSAVE of 1,000,000 small keys: time, file size, the
                 parent's GET/SET latency while the child writes, and
                 copy-on-write bytes
  aof.py         SET with the append-only file, appendfsync everysec and
                 always, and without it: requests/s, CPU per request, what
                 the log costs each server, the log's bytes per SET
  profiling.py   py-spy's view of one step under a pipelined benchmark
  request_cost.py
                 a tool of its own, not a section: the Python one request
                 costs a step, timed in-process with a connection that never
                 blocks (no kernel, repeatable to about 1 %)
  goals.py       the table of ratios ours/redis (and ours/naive_selectors),
                 with the issues' targets
  peers/naive_selectors.py
                 the peer, vendored unchanged (CI's clean clone has no
                 ../shared/peers/, where it came from with issue 15): the
                 server a competent Python programmer writes in an afternoon
                 (selectors/epoll, one thread, find(CRLF) parsing, dict
                 dispatch, replies joined per read), given to the project as
                 the bar a server built the way Redis is built should clear;
                 not a model to copy. `python naive_selectors.py PORT`; RESP2
                 only (HELLO gets an error); PING ECHO SET GET INCR LPUSH
                 RPUSH LPOP RPOP DBSIZE FLUSHALL FLUSHDB CONFIG COMMAND.

Every measurement runs real Redis and our steps on the same machine in the
same run, and is reported as a ratio ours/redis: absolute numbers depend on
the machine, ratios much less. The peer runs in the throughput section
only, taking turns with them; its other figures would say nothing (it has
no expiry, no cron, no INFO).
"""
