"""A naive Redis-like server in Python, for scale: not one of the steps.

This is the server most of us would write first: asyncio streams, one
coroutine per client, one readline() per protocol line, a dict, and a
drain() after each reply. It knows PING, SET, GET and the CONFIG GET that
redis-benchmark sends, checks nothing, and closes on anything it doesn't
understand. tools/bench/baseline.py times it beside real Redis and our
last step, to show what the steps' mechanisms buy over it (the issue set
"ahead of a naive Python server" as a goal).
"""

import argparse
import asyncio

keyspace: dict[bytes, bytes] = {}


async def read_command(reader: asyncio.StreamReader) -> list[bytes]:
    """One "*<n>" request of n bulk strings; [] when the client left."""
    header = await reader.readline()
    if not header.startswith(b"*"):
        return []
    args = []
    for _ in range(int(header[1:])):
        length = int((await reader.readline())[1:])
        args.append((await reader.readexactly(length + 2))[:-2])
    return args


def execute(args: list[bytes]) -> bytes:
    name = args[0].upper()
    if name == b"SET":
        keyspace[args[1]] = args[2]
        return b"+OK\r\n"
    if name == b"GET":
        value = keyspace.get(args[1])
        return b"$-1\r\n" if value is None else b"$%d\r\n%s\r\n" % (len(value), value)
    if name == b"CONFIG":  # redis-benchmark asks for "save" and "appendonly"
        return b"*2\r\n$%d\r\n%s\r\n$0\r\n\r\n" % (len(args[2]), args[2])
    return b"+PONG\r\n"


async def serve_client(reader: asyncio.StreamReader,
                       writer: asyncio.StreamWriter) -> None:
    try:
        while args := await read_command(reader):
            writer.write(execute(args))
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
        pass
    writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(serve_client, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=6379)
    asyncio.run(main(parser.parse_args().port))
