"""The command table against a real redis-server's: for every command the
target knows, COMMAND INFO must report Redis's arity, flags, key positions
and ACL categories, and COMMAND DOCS Redis's group and version. (Against
real Redis this compares Redis with itself.)"""

import pytest
from support.wire import decode


def info_fields(entry: list) -> dict:
    """The facts of one COMMAND INFO entry that must match Redis."""
    name, arity, flags, first, last, step, categories = entry[:7]
    return {"arity": arity, "flags": set(flags), "keys": (first, last, step),
            "categories": set(categories)}


def subcommands(entry: list) -> dict[bytes, list]:
    return {sub[0]: sub for sub in entry[9]}


@pytest.fixture
def table(raw) -> dict[bytes, list]:
    """The target's command table, by name."""
    return {entry[0]: entry for entry in decode(raw.call("COMMAND"))}


def test_command_info_matches_redis_for_every_command(table, reference):
    mismatches = []
    for name, ours in table.items():
        (theirs,) = decode(reference.call("COMMAND", "INFO", name))
        assert theirs is not None, f"Redis has no command {name!r}"
        if info_fields(ours) != info_fields(theirs):
            mismatches.append((name, info_fields(ours), info_fields(theirs)))
        their_subs = subcommands(theirs)
        for sub_name, sub in subcommands(ours).items():
            if info_fields(sub) != info_fields(their_subs[sub_name]):
                mismatches.append((sub_name, info_fields(sub),
                                   info_fields(their_subs[sub_name])))
    assert mismatches == []


def test_command_info_of_named_commands_matches_command(raw, table):
    names = sorted(table)[:20]
    entries = decode(raw.call("COMMAND", "INFO", *names))
    assert [entry[0] for entry in entries] == names
    assert entries == [table[name] for name in names]


def test_command_count_counts_every_command(raw, table):
    assert decode(raw.call("COMMAND", "COUNT")) == len(table)


def test_command_docs_documents_every_command(raw, table, reference):
    docs = decode(raw.call("COMMAND", "DOCS"))
    docs = dict(zip(docs[::2], docs[1::2]))
    assert set(docs) == set(table)
    for name, doc in docs.items():
        fields = dict(zip(doc[::2], doc[1::2]))
        assert fields[b"summary"], name
        theirs = decode(reference.call("COMMAND", "DOCS", name))[1]
        theirs = dict(zip(theirs[::2], theirs[1::2]))
        assert (fields[b"group"], fields[b"since"]) == (
            theirs[b"group"], theirs[b"since"]), name


@pytest.mark.parametrize("name", ["get", "hset", "sintercard", "scan", "del"])
def test_command_docs_in_resp3_is_a_map(raw, name):
    raw.call("HELLO", "3")
    reply = raw.call("COMMAND", "DOCS", name)
    assert reply.startswith(b"%%1\r\n$%d\r\n%s\r\n%%" % (len(name), name.encode()))
