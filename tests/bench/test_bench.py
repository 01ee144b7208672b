"""`make bench --quick`, as CI runs it: every benchmark works, on every step.

This checks that the driver measures what it says, for real Redis and each
step folder from 03 on, and that the book's page can be made from what it
wrote. It does not judge speed: timed assertions would fail on a busy
machine and tell nothing; the ratios are for `make bench` and the book.
Not parametrized by target: it starts every server itself, once.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
from mkdocs.config import load_config

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import bench_report  # noqa: E402  (tools/bench_report.py and tools/bench/)

from bench.goals import NAIVE_SECTION, build_rows, text_table  # noqa: E402
from bench.servers import NAIVE, BenchError  # noqa: E402

sys.path.remove(str(REPO / "tools"))
STEPS = sorted(p.name for p in (REPO / "steps").iterdir()
               if p.name[:2].isdigit() and int(p.name[:2]) >= 3
               and (p / "server.py").exists())
SECTIONS = ("machine", "plan", "targets", "peers", "capabilities", "throughput",
            "connections", "memory", "memory_model", "expiry", "cron", "blocking",
            "fanout", "snapshot", "aof", "profile")
NAIVE_CLAIMS = {"ping", "set", "get", "incr", "lpush", "rpush", "lpop", "rpop", "dbsize"}
# The quick run takes about 90 s on a quiet 2-core machine, and minutes while
# the rest of the suite runs beside it: a hung run still fails, well before CI's.
TOOL_TIMEOUT = 400
# One quick run serves every test here (a module fixture): on one xdist
# worker, or each worker would run the benchmark again.
pytestmark = [pytest.mark.timeout(TOOL_TIMEOUT + 60), pytest.mark.xdist_group("bench")]


def run_tool(*argv: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, *argv], cwd=REPO, capture_output=True,
                          text=True, timeout=TOOL_TIMEOUT)
    assert done.returncode == 0, f"{argv[0]} failed:\n{done.stdout[-3000:]}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """Run the quick benchmark once; return (results, its printed output, folder)."""
    folder = tmp_path_factory.mktemp("bench")
    done = run_tool("tools/bench.py", "--quick", "--out", str(folder / "results.json"))
    return json.loads((folder / "results.json").read_text()), done.stdout, folder


def test_results_have_every_section_and_the_machine(quick):
    results, _, _ = quick
    assert set(SECTIONS) <= set(results)
    machine = results["machine"]
    assert machine["cores"] > 0 and machine["cpu_model"]
    assert machine["python"] and machine["redis_server"].count(".") == 2
    assert results["plan"]["quick"] is True
    assert results["targets"] == ["redis", *STEPS]
    assert results["peers"] == ["naive_selectors"]


def test_every_server_was_asked_what_it_runs(quick):
    results, _, _ = quick
    caps = results["capabilities"]
    assert {"ping", "set", "get", "hset", "lrange", "dbsize", "set_px"} <= set(caps["redis"])
    assert all("ping" in caps[step] for step in STEPS)
    # It answers SET ... PX with +OK and ignores PX: not a capability.
    assert set(caps["naive_selectors"]) == NAIVE_CLAIMS


def test_throughput_runs_every_test_each_server_supports(quick):
    results, _, _ = quick
    runs = {(r["target"], r["test"], r["clients"], r["pipeline"]): r
            for r in results["throughput"]}
    for target, caps in results["capabilities"].items():
        tests = ["PING_INLINE", "PING_MBULK"] + [t.upper() for t in ("set", "get")
                                                 if t in caps]
        tests += ["LRANGE_100"] if "lrange" in caps else []
        for test in tests:
            for clients, pipeline in ((50, 1), (50, 16)):
                assert (target, test, clients, pipeline) in runs, (target, test, pipeline)
        assert (target, "PING_MBULK", 1, 1) in runs  # latency at -c 1
        assert ("get" in caps) == ((target, "GET", 1000, 1) in runs)
    for r in results["throughput"]:
        assert r["rps"] > 0 and r["requests"] > 0
        assert 0 < r["p50_ms"] <= r["p99_ms"]
        assert r["cpu_s"] >= 0
        if r["target"] != "redis":  # Python can't serve 2,000 requests in no time
            assert r["cpu_us_per_request"] > 0


def test_the_naive_server_takes_turns_with_redis_and_the_steps_in_throughput(quick):
    results, _, _ = quick
    records = results["throughput"]
    naive = {(r["test"], r["clients"], r["pipeline"]): r for r in records
             if r["target"] == "naive_selectors"}
    for test in ("PING_MBULK", "SET", "GET"):
        for pipeline in (1, 16):
            r = naive[test, 50, pipeline]
            assert r["rps"] > 0 and r["cpu_s"] > 0 and r["cpu_us_per_request"] > 0
    assert ("LRANGE_100", 50, 1) not in naive  # it has no LRANGE
    # In turns: for each test and mode, Redis, then the peer, then the steps.
    order = list(dict.fromkeys((r["test"], r["clients"], r["pipeline"], r["target"])
                               for r in records))
    for test, clients, pipeline in naive:
        turn = [t for (te, c, p, t) in order if (te, c, p) == (test, clients, pipeline)]
        assert turn[:2] == ["redis", "naive_selectors"] and turn[2:] == [
            s for s in STEPS if s in turn], turn


def test_the_naive_server_appears_in_no_other_section(quick):
    results, _, _ = quick
    for section in ("connections", "memory", "expiry", "cron", "blocking", "fanout",
                    "snapshot", "aof"):
        assert "naive_selectors" not in results[section], section
    assert all(p["target"] != "naive_selectors" for p in results["profile"])
    rows = build_rows(results)
    assert all("naive_selectors" not in row.ours for row in rows)


def test_each_step_is_judged_against_the_naive_server_where_it_has_the_command(quick):
    results, _, _ = quick
    caps = results["capabilities"]
    rows = {row.label: row for row in build_rows(results) if row.section == NAIVE_SECTION}
    for test, needs in (("PING_MBULK", "ping"), ("GET", "get"), ("SET", "set")):
        for label, op in (("CPU per request -c 50", "≤"),
                          ("CPU per request -c 50 -P 16", "≤"),
                          ("requests/s -c 50 -P 16", "≥")):
            row = rows[f"{test} {label}"]
            assert row.reference == "naive_selectors" and row.reference_value > 0
            assert str(row.goal) == f"{op} 1.00×"
            for step in STEPS:
                assert (row.ours.get(step) is not None) == (needs in caps[step]), (
                    row.label, step)
    assert len(rows) == 9


def test_a_peer_is_run_with_its_port_alone():
    assert NAIVE.command(6390, {}) == [sys.executable, str(NAIVE.script), "6390"]
    with pytest.raises(BenchError, match="no configuration"):
        NAIVE.command(6390, {"hz": 100})


def test_idle_clients_were_held_and_a_fresh_client_answered(quick):
    results, _, _ = quick
    for target in results["targets"]:
        r = results["connections"][target]
        assert r["clients"] == results["plan"]["idle_clients"]
        assert r["rss_after"] > 0 and r["rss_per_client"] >= 0
        assert 0 < r["ping_p50_ms"] <= r["ping_p99_ms"]
    assert results["connections"]["redis"]["rss_per_client"] > 0


def test_memory_per_key_for_every_server_with_keys(quick):
    results, _, _ = quick
    for target in results["targets"]:  # Redis and the steps: not the peer
        caps = results["capabilities"][target]
        figures = results["memory"].get(target, {})
        for dataset, command in (("strings", "set"), ("hashes", "hset"), ("sets", "sadd"),
                                 ("zsets", "zadd"), ("lists", "rpush")):
            assert (dataset in figures) == ({command, "dbsize"} <= set(caps)), (target, dataset)
        for r in figures.values():
            assert r["keys"] > 0 and r["bytes_per_key"] > 0
    assert set(results["memory"]["redis"]) == {"strings", "hashes", "sets", "zsets", "lists"}
    assert all(v > 0 for v in results["memory_model"].values())


def test_expiry_is_measured_where_there_is_expiry_and_skipped_elsewhere(quick):
    results, _, _ = quick
    for target in results["targets"]:  # Redis and the steps: not the peer
        caps = results["capabilities"][target]
        r = results["expiry"][target]
        if "set_px" in caps:
            assert r["under_1pct_s"] is not None and r["zero_s"] is not None, r
            assert 0 <= r["under_1pct_s"] <= r["zero_s"]
            assert r["samples"][-1][1] == 0
        else:
            assert r["skipped"]
    cron = results["cron"]["redis"]["cpu_ms_per_s"]
    assert set(cron) == {"10", "100"} and all(v > 0 for v in cron.values())


def test_blocking_is_measured_where_there_is_blpop_and_skipped_elsewhere(quick):
    results, _, _ = quick
    plan = results["plan"]
    for target in results["targets"]:
        caps = results["capabilities"][target]
        r = results["blocking"][target]
        if "blpop" not in caps:
            assert r == {"skipped": "skipped: no BLPOP"}
            continue
        assert r["clients"] == plan["blocked_clients"]
        assert r["handoff_rounds"] == plan["handoff_rounds"]
        assert r["idle_cpu_ms_per_s"] >= 0 and r["blocked_cpu_ms_per_s"] >= 0
        assert r["extra_cpu_ms_per_s"] == pytest.approx(
            r["blocked_cpu_ms_per_s"] - r["idle_cpu_ms_per_s"])
        assert 0 < r["handoff_p50_ms"] <= r["handoff_p99_ms"] <= r["handoff_max_ms"]
    assert "blpop" in results["capabilities"]["redis"]
    assert all("blpop" in results["capabilities"][s] for s in STEPS if int(s[:2]) >= 7)
    assert all("blpop" not in results["capabilities"][s] for s in STEPS if int(s[:2]) < 7)


def test_the_blocking_rows_come_from_the_quick_run(quick):
    results, stdout, _ = quick
    count = results["plan"]["blocked_clients"]
    rows = {row.label: row for row in build_rows(results)
            if row.section == f"Blocking ({count:,} clients in BLPOP)"}
    assert list(rows) == ["CPU per idle second, none blocked",
                          f"CPU per idle second, {count:,} blocked",
                          f"extra CPU per idle second, {count:,} blocked",
                          "LPUSH→BLPOP hand-off p50", "LPUSH→BLPOP hand-off p99"]
    for step in STEPS:
        has_blpop = "blpop" in results["capabilities"][step]
        for row in rows.values():
            assert (row.absolute.get(step) is not None) == has_blpop, (row.label, step)
            assert (step in row.notes) == (not has_blpop), (row.label, step)
    assert "LPUSH→BLPOP hand-off p99" in stdout.split("Ratios ours/redis", 1)[1]


def test_fanout_is_measured_where_there_is_publish_and_skipped_elsewhere(quick):
    results, stdout, _ = quick
    plan = results["plan"]
    for target in results["targets"]:
        r = results["fanout"][target]
        if "publish" not in results["capabilities"][target]:
            assert r == {"skipped": "skipped: no PUBLISH"}
            continue
        assert r["subscribers"] == plan["subscribers"] and r["publishes"] == plan["publishes"]
        assert r["deliveries"] == plan["subscribers"] * plan["publishes"]
        assert r["deliveries_per_s"] > 0 and r["cpu_us_per_delivery"] > 0
        assert 0 < r["publish_p50_ms"] <= r["publish_p99_ms"]
    assert "publish" in results["capabilities"]["redis"]
    assert all("publish" not in results["capabilities"][s] for s in STEPS if int(s[:2]) < 9)
    assert all("publish" in results["capabilities"][s] for s in STEPS if int(s[:2]) >= 9)
    rows = [row for row in build_rows(results) if row.section.startswith("Fan-out")]
    assert [row.label for row in rows] == [
        "messages delivered/s", "CPU per delivered message", "PUBLISH round trip p50",
        "PUBLISH round trip p99"]
    for step in STEPS:
        has_publish = "publish" in results["capabilities"][step]
        assert all((row.ours.get(step) is not None) == has_publish for row in rows), step
    assert "CPU per delivered message" in stdout.split("Ratios ours/redis", 1)[1]


def test_snapshot_is_measured_where_there_is_bgsave_and_skipped_elsewhere(quick):
    results, stdout, _ = quick
    for target in results["targets"]:
        r = results["snapshot"][target]
        if "bgsave" not in results["capabilities"][target]:
            assert r == {"skipped": "skipped: no BGSAVE"}
            continue
        assert r["keys"] == results["plan"]["snapshot_keys"] and r["value_bytes"] == 32
        assert 0 < r["fork_ms"] / 1e3 < r["save_s"] <= r["done_s"]
        assert r["file_bytes"] > r["keys"] * 17  # a 16-byte key and its length, at least
        assert r["rss_bytes"] > r["cow_bytes"] > 0
        assert r["during_requests"] >= 1 and r["baseline_requests"] >= 100
        for name in ("during", "baseline"):
            assert 0 < r[f"{name}_p50_ms"] <= r[f"{name}_p99_ms"] <= r[f"{name}_max_ms"]
    assert "bgsave" in results["capabilities"]["redis"]
    assert all(("bgsave" in results["capabilities"][s]) == (int(s[:2]) >= 10) for s in STEPS)
    rows = [row for row in build_rows(results) if row.section.startswith("Snapshot")]
    assert [row.label for row in rows] == [
        "BGSAVE, until the file is whole", "RDB file size", "BGSAVE reply (the fork)",
        "GET/SET p99, no save running", "GET/SET p99, while the child writes",
        "copy-on-write (rdb_last_cow_size)"]
    for step in STEPS:
        has_bgsave = "bgsave" in results["capabilities"][step]
        assert all((row.ours.get(step) is not None) == has_bgsave for row in rows), step
    assert "RDB file size" in stdout.split("Ratios ours/redis", 1)[1]


def test_aof_is_measured_where_there_is_an_append_only_file_and_skipped_elsewhere(quick):
    results, stdout, _ = quick
    plan = results["plan"]
    for target in results["targets"]:
        r = results["aof"][target]
        if "aof" not in results["capabilities"][target]:
            assert r == {"skipped": "skipped: no append-only file"}
            continue
        runs = {(run["aof"], run["pipeline"]): run for run in r["runs"]}
        assert set(runs) == {(c, p) for c in ("off", "everysec", "always") for p in (1, 16)}
        assert runs["off", 1]["requests"] == plan["aof_requests"]
        assert runs["off", 16]["requests"] == plan["aof_pipelined_requests"]
        assert all(run["rps"] > 0 and run["cpu_s"] > 0 for run in runs.values())
        for log in r["files"].values():
            assert log["sets"] >= plan["aof_requests"] + plan["aof_pipelined_requests"]
            assert {"appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof",
                    "appendonly.aof.manifest"} == set(log["files"])
            assert log["bytes"] == sum(log["files"].values())
    assert "aof" in results["capabilities"]["redis"]
    assert all(("aof" in results["capabilities"][s]) == (int(s[:2]) >= 11) for s in STEPS)
    # The same SETs make the same log: a step's is Redis's to the byte, but
    # for its base file, an RDB preamble whose aux fields may differ.
    redis = results["aof"]["redis"]["files"]
    for step in (s for s in STEPS if int(s[:2]) >= 11):
        for policy, log in results["aof"][step]["files"].items():
            assert log["sets"] == redis[policy]["sets"]
            incr = "appendonly.aof.1.incr.aof"
            assert log["files"][incr] == redis[policy]["files"][incr], (step, policy)
    rows = [row for row in build_rows(results) if row.section.startswith("Append-only")]
    assert len(rows) == 2 * (2 * 3 + 1)  # per policy: 3 figures per mode, the log's bytes
    assert "everysec: log bytes per SET" in stdout.split("Ratios ours/redis", 1)[1]


def test_the_profile_names_the_event_loop_functions(quick):
    results, _, _ = quick
    profile = results["profile"][0]
    assert profile["target"] == STEPS[0] and profile["samples"] > 0
    assert 0 < sum(r["self_pct"] for r in profile["rows"]) <= 100.01
    functions = {r["function"] for r in profile["rows"]}
    # Quick mode takes a few hundred samples: which functions of the
    # request's path are hottest varies with the machine's load (under
    # load once: replies and command lookup, no reading function).
    assert len(functions & REQUEST_PATH) >= 2, functions


# Step 03's functions on the way of one request, from reading to replying.
REQUEST_PATH = {"read_query_from_client", "process_input_buffer",
                "process_multibulk_buffer", "process_command", "lookup_command",
                "ping_command", "Client.add_reply",
                "handle_clients_with_pending_writes", "write_to_client"}


def test_quick_mode_judges_no_target_and_says_why(quick):
    _, stdout, _ = quick
    table = stdout.split("Ratios ours/redis", 1)[1]
    assert "Quick mode checks only that every benchmark runs" in table
    assert "CPU per request" in table and "≤ 1.50×" in table  # targets, ratios
    assert re.search(r"\d\.\d\d×", table)
    assert not re.search(r"\bmet\b", table.replace("judged met or not", ""))


def test_a_full_runs_table_marks_each_target_met_or_not(quick):
    results, _, _ = quick
    steps = [t for t in results["targets"] if t != "redis"]
    table = text_table(build_rows(results), steps)
    cpu = next(line for line in table.splitlines() if "PING_MBULK CPU per request" in line)
    assert len(re.findall(r"\b(?:NOT )?met\b", cpu)) == len(steps)  # one verdict each
    assert "met" not in text_table(build_rows(results), steps, verdicts=False)
    # The last section's ratios are to the naive server, named in the column
    # where the table shows the reference; every step with GET is judged.
    naive = table.split(f"[{NAIVE_SECTION}]", 1)[1].splitlines()
    assert naive[0].split()[0] == "naive_selectors"
    get = next(line for line in naive if line.startswith("GET requests/s -c 50 -P 16"))
    assert "≥ 1.00×" in get and get.count("met") == sum(
        "get" in results["capabilities"][s] for s in steps)


def test_the_book_page_is_made_from_the_results(quick):
    results, _, folder = quick
    book = folder / "book"
    run_tool("tools/bench_report.py", "--results", str(folder / "results.json"),
             "--book", str(book))
    page = (book / "benchmarks.md").read_text()
    for heading in ("# Benchmarks", "## Ratios and targets", "## Throughput per step",
                    "## Against a naive Python server", "## Where the time goes",
                    "## What a key costs", "## Blocking", "## Fan-out", "## Snapshots",
                    "## The append-only file"):
        assert heading in page
    assert "benchmarks/throughput.png" in page
    assert "judge a target" in page  # a quick run's page judges none either
    assert not EMOJI.search(page), EMOJI.findall(page)
    assert (book / "benchmarks" / "throughput.png").read_bytes()[:4] == b"\x89PNG"
    assert json.loads((book / "benchmarks" / "results.json").read_text()) == results
    # Where the naive server came from, and the very file that ran, linked.
    assert "../shared/peers/naive_selectors.py" in page and "issue 15" in page
    assert "[the file](benchmarks/naive_selectors.py)" in page
    assert (book / "benchmarks" / "naive_selectors.py").read_bytes() == (
        NAIVE.script.read_bytes())
    naive = page.split("## Against a naive Python server", 1)[1].split("\n## ", 1)[0]
    for test in ("PING_MBULK", "GET", "SET"):
        for figure in ("CPU per request -c 50", "requests/s -c 50",
                       "CPU per request -c 50 -P 16", "requests/s -c 50 -P 16"):
            assert f"| {test} {figure} |" in naive
    assert "asyncio" not in page
    # The unpipelined CPU of the naive server, split into its time in the
    # kernel and in user space, as the clock ticks of the run divide it.
    records = {(r["target"], r["test"]): r for r in results["throughput"]
               if r["clients"] == 50 and r["pipeline"] == 1}
    for test in ("PING_MBULK", "GET", "SET"):
        record = records["naive_selectors", test]
        if record["kernel_share"] is None:
            continue  # a run too short for a clock tick
        cpu, share = record["cpu_us_per_request"], record["kernel_share"]
        for where, part in (("in the kernel", cpu * share),
                            ("in user space", cpu * (1 - share))):
            shown = naive_figure(naive, f"| {test} -c 50, {where} |")
            assert shown == pytest.approx(part, abs=0.5 if part >= 100 else 0.005)
    # Bytes per key of every type, and the steps after 05 against step 05.
    assert "### Small values of each type" in page
    for what in ("small hash (5 fields)", "small set (10 integers)",
                 "small sorted set (5 members)", "100-element list"):
        assert f"| {what}, " in page and f"| bytes per {what}, " in page
    if "05_expiry" in STEPS:
        against = page.split("**Against step 05**", 1)[1].split("\n\n**", 1)[0]
        assert "| figure | target | 05_expiry |" in against
        assert "| GET CPU per request -c 50 -P 16 | ≤ 1.50× from step 06 |" in against


EMOJI = re.compile("[\u2600-\u27bf\U0001f000-\U0001faff]")  # drawn by an emoji font


def naive_figure(section: str, start: str) -> float:
    """The figure in the naive server's column (the first after the label)
    of the table row that starts with `start`."""
    row = next(line for line in section.splitlines() if line.startswith(start))
    return float(row.split("|")[2].split()[0].replace(",", ""))


def test_met_and_not_met_are_icons_drawn_as_inline_svg(quick):
    """The book's page marks targets with the theme's icons, which the site
    inlines as SVG: they show on a machine without an emoji font."""
    results, _, _ = quick
    steps = [t for t in results["targets"] if t != "redis"]
    full = {**results, "plan": {**results["plan"], "quick": False}}
    page = bench_report.render_page(full, {"throughput": None, "expiry": None})
    assert not EMOJI.search(page), EMOJI.findall(page)
    assert "| PING_MBULK CPU per request | ≤ 1.50× |" in page
    row = next(line for line in page.splitlines() if "PING_MBULK CPU per request" in line)
    assert row.count(":material-check-circle:") + row.count(":material-close-circle:") == (
        len(steps))
    config = load_config(str(REPO / "mkdocs.yml"))
    html = markdown.Markdown(extensions=config["markdown_extensions"],
                             extension_configs=config["mdx_configs"]).convert(row)
    icons = re.findall(r'<span class="twemoji bench-(not-)?met" title="(not )?met"><svg', html)
    assert len(icons) == len(steps)
    # The naive server's table: each step's ratio to it, judged.
    assert "| PING_MBULK CPU per request -c 50 -P 16 | ≤ 1.00× |" in page  # targets
    row = next(line for line in page.split("## Against a naive Python server")[1]
               .splitlines() if line.startswith("| PING_MBULK CPU per request -c 50 -P 16 |"))
    assert row.count(":material-check-circle:") + row.count(":material-close-circle:") == (
        len(steps))
