"""INFO: "# Section" headers and "field:value" lines, CRLF, as Redis."""

import re
import select

import pytest
from support.replies import info, info_field

SECTIONS = ["Server", "Clients", "Memory", "Stats", "Keyspace"]


def test_default_info_has_the_sections_in_redis_order(raw):
    headers = re.findall(r"^# (\w+)\r$", info(raw), re.MULTILINE)
    assert [h for h in headers if h in SECTIONS] == SECTIONS


def test_every_line_is_a_header_a_field_or_a_blank_separator(raw):
    text = info(raw)
    assert text.endswith("\r\n")
    for line in text.split("\r\n")[:-1]:
        assert line == "" or line.startswith("# ") or re.fullmatch(r"\w+:.*", line), line


def test_info_keyspace_counts_keys_and_expires(raw):
    raw.call("SET", "a", "1")
    raw.call("SET", "b", "1", "EX", "100")
    raw.call("SELECT", "3")
    raw.call("SET", "c", "1")
    text = info(raw, "keyspace")
    assert text.startswith("# Keyspace\r\n")
    assert re.search(r"^db0:keys=2,expires=1,avg_ttl=\d+\r$", text, re.MULTILINE)
    assert re.search(r"^db3:keys=1,expires=0,avg_ttl=0\r$", text, re.MULTILINE)
    raw.call("FLUSHDB")


def test_empty_keyspace_section_is_just_its_header(raw):
    assert raw.call("INFO", "keyspace") == b"$12\r\n# Keyspace\r\n\r\n"


def test_several_sections_at_once_come_in_redis_order(raw):
    headers = re.findall(r"^# (\w+)\r$", info(raw, "stats", "server"), re.MULTILINE)
    assert headers == ["Server", "Stats"]


def test_unknown_section_is_empty(raw):
    assert raw.call("INFO", "nosuchsection") == b"$0\r\n\r\n"


def test_section_names_are_case_insensitive(raw):
    assert info(raw, "KEYSPACE").startswith("# Keyspace")


def test_resp3_reply_is_a_verbatim_string(raw):
    raw.call("HELLO", "3")
    assert raw.call("INFO", "keyspace") == b"=16\r\ntxt:# Keyspace\r\n\r\n"


@pytest.mark.parametrize(("section", "fields"), [
    ("server", ["redis_version", "redis_mode", "process_id", "tcp_port", "uptime_in_seconds",
                "hz", "configured_hz"]),
    ("clients", ["connected_clients", "maxclients", "blocked_clients"]),
    ("memory", ["used_memory", "used_memory_human", "used_memory_rss",
                "used_memory_rss_human", "used_memory_peak", "used_memory_peak_human",
                "maxmemory", "maxmemory_human", "maxmemory_policy",
                "mem_fragmentation_ratio"]),
    ("stats", ["total_connections_received", "total_commands_processed", "expired_keys",
               "expired_stale_perc", "expired_time_cap_reached_count", "keyspace_hits",
               "keyspace_misses", "total_error_replies"]),
])
def test_the_fields_a_user_looks_for_are_there(raw, section, fields):
    text = info(raw, section)
    for field in fields:
        assert re.search(rf"^{field}:\S+\r$", text, re.MULTILINE), field


@pytest.mark.skipif(not hasattr(select, "epoll"),
                    reason="Redis and the steps use epoll only on Linux")
def test_multiplexing_api_names_the_poll_layer(raw):
    # Redis's aeApiName() from ae_epoll.c; ours from ae_get_api_name().
    assert info_field(raw, "server", "multiplexing_api") == "epoll"


def test_hits_and_misses_count_reads(raw):
    def stat(name):
        return int(re.search(rf"{name}:(\d+)", info(raw, "stats"))[1])

    hits, misses = stat("keyspace_hits"), stat("keyspace_misses")
    raw.call("SET", "k", "v")
    raw.call("GET", "k")
    raw.call("GET", "nope")
    assert (stat("keyspace_hits"), stat("keyspace_misses")) == (hits + 1, misses + 1)


def test_scan_counts_a_hit_per_key_only_when_it_filters_by_type(raw):
    def hits():
        return int(re.search(r"keyspace_hits:(\d+)", info(raw, "stats"))[1])

    raw.call("SET", "a", "1")
    raw.call("RPUSH", "b", "x")
    raw.call("SET", "c", "3")
    before = hits()
    raw.call("SCAN", "0", "MATCH", "[ab]")
    assert hits() == before
    raw.call("SCAN", "0", "MATCH", "[ab]", "TYPE", "string")
    assert hits() == before + 2


def test_redis_cli_info_keyspace(cli, raw):
    raw.call("SET", "k", "v")
    assert cli("info", "keyspace").stdout.splitlines() == [
        "# Keyspace", "db0:keys=1,expires=0,avg_ttl=0"]


def test_redis_py_info_parses_it(r):
    r.set("k", "v", ex=100)
    parsed = r.info("keyspace")
    assert parsed["db0"]["keys"] == 1
    assert parsed["db0"]["expires"] == 1
    assert r.info()["redis_version"] == "7.0.15"


def headers(raw, *sections: str) -> list[str]:
    return re.findall(r"^# (\w+)\r$", info(raw, *sections), re.MULTILINE)


def test_default_sections_have_errorstats_but_not_commandstats(raw):
    for default in [(), ("default",), ("DEFAULT",)]:
        found = headers(raw, *default)
        assert "Errorstats" in found and "Commandstats" not in found, default


def test_all_and_everything_add_commandstats(raw):
    for every in ["all", "everything", "ALL"]:
        found = headers(raw, every)
        assert [h for h in found if h in SECTIONS + ["Commandstats", "Errorstats"]] == [
            "Server", "Clients", "Memory", "Stats", "Commandstats", "Errorstats", "Keyspace"]


def test_default_and_a_named_section_add_up(raw):
    found = headers(raw, "default", "commandstats")
    assert found.index("Stats") < found.index("Commandstats") < found.index("Errorstats")


MEMORY_FIELDS = ["used_memory", "used_memory_human", "used_memory_rss", "used_memory_rss_human",
                 "used_memory_peak", "used_memory_peak_human", "maxmemory", "maxmemory_human",
                 "maxmemory_policy", "mem_fragmentation_ratio"]


def human(n: int) -> str:
    """Redis's bytesToHuman(): 1023B, 1.00K, 21.83M..."""
    for unit, size in (("G", 1024**3), ("M", 1024**2), ("K", 1024)):
        if n >= size:
            return f"{n / size:.2f}{unit}"
    return f"{n}B"


def test_memory_fields_come_in_redis_order_and_format(raw):
    lines = info(raw, "memory").split("\r\n")
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    assert [f for f in fields if f in MEMORY_FIELDS] == MEMORY_FIELDS
    for name in ["used_memory", "used_memory_rss", "used_memory_peak"]:
        assert int(fields[name]) > 0, name
        assert fields[name + "_human"] == human(int(fields[name])), name
    assert int(fields["used_memory_peak"]) >= int(fields["used_memory"])
    assert (fields["maxmemory"], fields["maxmemory_human"]) == ("0", "0B")
    assert fields["maxmemory_policy"] == "noeviction"
    assert re.fullmatch(r"\d+\.\d\d", fields["mem_fragmentation_ratio"])


def test_total_error_replies_counts_every_error(raw):
    before = int(info_field(raw, "stats", "total_error_replies"))
    raw.call("NOSUCHCOMMAND")
    raw.call("GET")
    raw.call("SET", "k", "v")
    raw.call("LPUSH", "k", "x")
    assert int(info_field(raw, "stats", "total_error_replies")) == before + 3
