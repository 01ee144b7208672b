"""The benchmark driver's parts. The entry point is tools/bench.py.

  servers.py     targets (real Redis, our steps), starting them, /proc readings
  wire.py        a small RESP client, and pipelined loading of many keys
  throughput.py  redis-benchmark runs: requests/s, latency, CPU per request
  baseline.py    for scale: a naive asyncio server (naive_asyncio/) on SET, GET
  clients.py     10,000 idle clients: memory per client, fresh-client PING
  memory.py      bytes per key: 1,000,000 strings, 100,000 small hashes
  expiry.py      active expiry of keys set with PX, and the cron's idle CPU
  profiling.py   py-spy's view of one step under a pipelined benchmark
  goals.py       the table of ratios ours/redis, with the issues' targets

Every measurement runs real Redis and our steps on the same machine in the
same run, and is reported as a ratio ours/redis: absolute numbers depend on
the machine, ratios much less.
"""
