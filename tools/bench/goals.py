"""The results as rows of ratios ours/redis, each with its target if it has one.

The targets are the issues' (#4 step 03, #5 step 04, #6 step 05, #9 all):
  CPU per request ≤ 1.5× Redis without pipelining, ≤ 2.5× with -P 16, for
      PING (from step 03) and SET/GET (from step 04);
  pipelined requests/s ≥ 0.40× Redis for PING, ≥ 0.35× for SET/GET (#15's
      stretch goals, -P 16 CPU ≤ 2.5× and requests/s ≥ 0.35× Redis, are
      these rows: PING's 0.40× is the stricter one);
  10,000 idle clients at ≤ 2 KB each, fresh-client PING p99 < 2× Redis;
  bytes per string key ≤ 2× Redis;
  active expiry: under 1% left within 1 s of the deadline, none within 2 s;
  compact encodings (#16, from step 06 on): bytes per small hash (5 fields),
      small set (10 integers), small sorted set (5 members) and 100-element
      list ≤ 1.5× Redis; and against step 05, measured in the same run:
      bytes per string key ≤ 1.00× its own, and CPU per request ≤ 1.5× its
      own for GET, SET, HSET, SADD, ZADD, LPUSH and LRANGE_100 at -c 50,
      with and without -P 16 (a row's `reference` is then step 05);
  against the naive Python server (#15, the peer naive_selectors measured
      in the same run): CPU per request ≤ 1.00× its own at -c 50, with and
      without -P 16, and -P 16 requests/s ≥ 1.00× its own, for PING_MBULK,
      GET and SET, from step 03 on (where the step has the command). These
      rows are ratios ours/naive_selectors: a row's `reference` names the
      server its ratios are to.
  blocking (#17, from step 07 on): clients blocked in BLPOP cost CPU per
      idle second ≈ 0, taken as at most 1 ms of CPU per second more than
      the same server idle with none blocked (an absolute figure: the
      difference of two small readings has no useful ratio to Redis's, and
      1 ms/s is 0.1% of a core, under what an idle server's cron costs,
      and above what two readings of the same idle server differ by; Redis
      itself comes close to it, as its clientsCron visits each of the 1,000
      clients once a second, which our steps do not); and the LPUSH→BLPOP
      hand-off latency, p50 and p99, ≤ 2× Redis's.
  fan-out (step 09, publish/subscribe): one PUBLISH to 1,000 subscribers,
      deliveries per second, server CPU per delivered message and the
      PUBLISH round trip, reported as ratios with no target (no issue set
      one).
  snapshots (#20, from step 10 on): BGSAVE of 1,000,000 small keys, the
      RDB file's size ≤ 1.1× Redis's, both with rdbcompression on (the
      default); the time until the file is whole, the fork (BGSAVE's
      round trip), a client's GET/SET p99 with no save running and while
      the child writes, and the copy-on-write bytes (rdb_last_cow_size),
      as ratios with no target.
  append-only file (#21, from step 11 on): SET at -c 50, with and without
      -P 16, under appendfsync everysec and always: requests/s and CPU per
      request as ratios to Redis with the same setting; what the log costs,
      each server's CPU per request over its own with appendonly no (the
      cell shows the step's own figure, then in brackets its ratio to
      Redis's); and the log's bytes per SET. No target: the issue set none,
      but the logs hold the same commands, so bytes per SET should be 1.00×.
A target holds for every step from the one that introduced it on: later
steps keep earlier performance. A goal with `since` names that step, and
earlier steps get no verdict on it (their cells show the ratio alone).
Other figures are reported without one.

Used by tools/bench.py (the table it prints) and tools/bench_report.py (the
book's page), so both always agree.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field

from bench.aof import POLICIES, log_cost, runs_by_key
from bench.memory import HASH_FIELDS, LIST_ELEMENTS, SET_MEMBERS, ZSET_MEMBERS
from bench.servers import NAIVE, STEP_NAME
from bench.throughput import PIPELINE

PING_TESTS = ("PING_INLINE", "PING_MBULK")
KEY_TESTS = ("SET", "GET")


@dataclass(frozen=True)
class Goal:
    op: str  # "<=", ">=" or "<"
    limit: float
    unit: str = "×"  # "×": a ratio to Redis; else an absolute figure
    since: int | None = None  # the step that set it; None: every step

    def met(self, value: float) -> bool:
        compare = {"<=": operator.le, ">=": operator.ge, "<": operator.lt}[self.op]
        return compare(value, self.limit)

    def holds_for(self, step: str) -> bool:
        """Whether a step is judged on it: the step that set it and every
        later one (a folder not named NN_... always is)."""
        number = step_number(step)
        return self.since is None or number is None or number >= self.since

    def __str__(self) -> str:
        sign = {"<=": "≤", ">=": "≥", "<": "<"}[self.op]
        since = f" from step {self.since:02d}" if self.since is not None else ""
        return f"{sign} {fmt(self.limit, self.unit)}{since}"


def step_number(name: str) -> int | None:
    """5 for "05_expiry"; None for "redis" or a peer."""
    match = STEP_NAME.match(name)
    return int(match.group(1)) if match else None


@dataclass
class Row:
    """One figure for the reference server and every step. `ours` holds
    ratios to the reference's figure, `absolute` the steps' own."""

    section: str
    label: str
    unit: str  # of the absolute figures: "req/s", "µs", "ms", "B", "s"
    reference_value: float | None  # the reference server's figure
    ours: dict[str, float | None] = field(default_factory=dict)  # by step
    absolute: dict[str, float | None] = field(default_factory=dict)  # by step
    goal: Goal | None = None
    judge_absolute: bool = False  # the goal is on the absolute figure
    notes: dict[str, str] = field(default_factory=dict)  # why a cell is empty
    reference: str = "redis"  # the server the ratios are to

    def met(self, step: str) -> bool | None:
        value = (self.absolute if self.judge_absolute else self.ours).get(step)
        if self.goal is None or value is None or not self.goal.holds_for(step):
            return None
        return self.goal.met(value)


def fmt(value: float | None, unit: str) -> str:
    """A figure with its unit, rounded for reading."""
    if value is None:
        return "—"
    if unit == "×":
        return f"{value:.2f}×"
    if unit in ("req/s", "msg/s"):
        return f"{value:,.0f} {unit}"
    if unit == "B":
        return f"{value:,.0f} B"
    return f"{value:.3g} {unit}"


def ratio(ours: float | None, redis: float | None) -> float | None:
    if ours is None or not redis:
        return None
    return ours / redis


def build_rows(results: dict) -> list[Row]:
    steps = [t for t in results["targets"] if t != "redis"]
    peers = results.get("peers", [])
    records = results.get("throughput", [])
    rows = (throughput_rows([r for r in records if r["target"] not in peers])
            + connection_rows(results.get("connections", {}))
            + memory_rows(results.get("memory", {}))
            + expiry_rows(results.get("expiry", {}), steps)
            + cron_rows(results.get("cron", {}), steps)
            + blocking_rows(results.get("blocking", {}), steps)
            + fanout_rows(results.get("fanout", {}), steps)
            + snapshot_rows(results.get("snapshot", {}), steps)
            + aof_rows(results.get("aof", {}), steps)
            + baseline_rows(results, steps)
            + (naive_rows(records, steps) if NAIVE.name in peers else []))
    return [r for r in rows if any(v is not None for v in r.ours.values())
            or any(v is not None for v in r.absolute.values()) or r.notes]


def ratio_row(section: str, label: str, unit: str, by_target: dict,
              goal: Goal | None = None, reference: str = "redis") -> Row:
    """A row from {target: absolute figure}, with ratios to `reference`'s."""
    base = by_target.get(reference)
    row = Row(section, label, unit, base, goal=goal, reference=reference)
    for name, value in by_target.items():
        if name != reference:
            row.absolute[name] = value
            row.ours[name] = ratio(value, base)
    return row


MODES = [(50, 1), (50, 16), (1000, 1), (1, 1)]  # (clients, pipeline), in table order


def mode_name(clients: int, pipeline: int) -> str:
    return f"-c {clients}" + (f" -P {pipeline}" if pipeline > 1 else "")


def throughput_rows(records: list[dict]) -> list[Row]:
    groups: dict[tuple, dict[str, dict]] = {}
    for r in records:
        groups.setdefault((r["clients"], r["pipeline"], r["test"]), {})[r["target"]] = r
    tests = list(dict.fromkeys(r["test"] for r in records))
    rows = []
    for (clients, pipeline, test), by_target in sorted(
            groups.items(), key=lambda g: (MODES.index(g[0][:2]), tests.index(g[0][2]))):
        mode = mode_name(clients, pipeline)
        if clients == 1:
            section = "Latency, one client (-c 1)"
            for pct in ("p50", "p99"):
                rows.append(ratio_row(section, f"{test} {pct} latency", "ms",
                                      {t: r[f"{pct}_ms"] for t, r in by_target.items()}))
            continue
        section = f"Throughput and server CPU ({mode})"
        rps_goal, cpu_goal = throughput_goals(test, clients, pipeline)
        rows.append(ratio_row(section, f"{test} requests/s", "req/s",
                              {t: r["rps"] for t, r in by_target.items()}, rps_goal))
        rows.append(ratio_row(section, f"{test} CPU per request", "µs",
                              {t: r["cpu_us_per_request"] for t, r in by_target.items()},
                              cpu_goal))
    return rows


def throughput_goals(test: str, clients: int, pipeline: int):
    """(requests/s goal, CPU per request goal) for one run, or None."""
    if clients != 50 or test not in PING_TESTS + KEY_TESTS:
        return None, None
    if pipeline == 1:
        return None, Goal("<=", 1.5)
    share = 0.40 if test in PING_TESTS else 0.35
    return Goal(">=", share), Goal("<=", 2.5)


NAIVE_SECTION = "Against the naive Python server"
NAIVE_TESTS = ("PING_MBULK", "GET", "SET")
# (label, pipeline, figure, goal): issue 15's bar, ratios ours/naive_selectors.
NAIVE_FIGURES = (
    ("CPU per request -c 50", 1, "cpu_us_per_request", Goal("<=", 1.0)),
    ("CPU per request -c 50 -P 16", 16, "cpu_us_per_request", Goal("<=", 1.0)),
    ("requests/s -c 50 -P 16", 16, "rps", Goal(">=", 1.0)),
)


def naive_rows(records: list[dict], steps: list[str]) -> list[Row]:
    """Each step against the naive Python server, from the same throughput
    run: a step without the test's command (SET, GET before step 04) has no
    record, so no cell."""
    runs = {(r["target"], r["test"], r["clients"], r["pipeline"]): r for r in records}
    rows = []
    for test in NAIVE_TESTS:
        for label, pipeline, key, goal in NAIVE_FIGURES:
            figures = {t: runs[t, test, 50, pipeline][key] for t in (NAIVE.name, *steps)
                       if (t, test, 50, pipeline) in runs}
            if NAIVE.name in figures:
                rows.append(ratio_row(NAIVE_SECTION, f"{test} {label}",
                                      "req/s" if key == "rps" else "µs", figures,
                                      goal, reference=NAIVE.name))
    return rows


def connection_rows(results: dict) -> list[Row]:
    if not results:
        return []
    count = next(iter(results.values()))["clients"]
    section = f"{count:,} idle clients"
    rss = ratio_row(section, "server memory per idle client", "B",
                    {t: r["rss_per_client"] for t, r in results.items()},
                    Goal("<=", 2048, "B"))
    rss.judge_absolute = True
    return [rss,
            ratio_row(section, "fresh-client PING p50", "ms",
                      {t: r["ping_p50_ms"] for t, r in results.items()}),
            ratio_row(section, "fresh-client PING p99", "ms",
                      {t: r["ping_p99_ms"] for t, r in results.items()}, Goal("<", 2.0))]


COMPACT = 6  # issue 16's step: compact encodings
# (dataset, what one key is, goal): the bytes of each per key, ratio to Redis.
MEMORY_DATASETS = (
    ("strings", "string key", Goal("<=", 2.0)),
    ("hashes", f"small hash ({HASH_FIELDS} fields)", Goal("<=", 1.5, since=COMPACT)),
    ("sets", f"small set ({SET_MEMBERS} integers)", Goal("<=", 1.5, since=COMPACT)),
    ("zsets", f"small sorted set ({ZSET_MEMBERS} members)",
     Goal("<=", 1.5, since=COMPACT)),
    ("lists", f"{LIST_ELEMENTS}-element list", Goal("<=", 1.5, since=COMPACT)),
)


def memory_rows(results: dict) -> list[Row]:
    rows = []
    for dataset, what, goal in MEMORY_DATASETS:
        figures = {t: r[dataset] for t, r in results.items() if dataset in r}
        if "redis" not in figures:
            continue
        keys = figures["redis"]["keys"]
        rows.append(ratio_row("Memory per key", f"bytes per {what}, {keys:,} keys", "B",
                              {t: f["bytes_per_key"] for t, f in figures.items()}, goal))
    return rows


# Issue 16: compact encodings cost CPU, within 1.5× of step 05's per request,
# and they must not make a string key bigger than step 05's. Ratios to step
# 05's figures from the same run; the steps after it are judged.
BASELINE = 5
BASELINE_SECTION = f"Against step {BASELINE:02d}"
BASELINE_TESTS = ("GET", "SET", "HSET", "SADD", "ZADD", "LPUSH", "LRANGE_100")


def baseline_rows(results: dict, steps: list[str]) -> list[Row]:
    """Each step after step 05 against step 05's own figures."""
    base = next((s for s in steps if step_number(s) == BASELINE), None)
    if base is None:
        return []
    compared = [base] + [s for s in steps if (step_number(s) or 0) > BASELINE]
    rows = []
    memory = {t: r["strings"] for t, r in results.get("memory", {}).items()
              if t in compared and "strings" in r}
    if base in memory:
        rows.append(ratio_row(
            BASELINE_SECTION, f"bytes per string key, {memory[base]['keys']:,} keys",
            "B", {t: f["bytes_per_key"] for t, f in memory.items()},
            Goal("<=", 1.0, since=COMPACT), reference=base))
    runs = {(r["target"], r["test"], r["clients"], r["pipeline"]): r
            for r in results.get("throughput", [])}
    for test in BASELINE_TESTS:
        for pipeline in (1, PIPELINE):
            figures = {t: runs[t, test, 50, pipeline]["cpu_us_per_request"]
                       for t in compared if (t, test, 50, pipeline) in runs}
            if base in figures:
                rows.append(ratio_row(
                    BASELINE_SECTION, f"{test} CPU per request {mode_name(50, pipeline)}",
                    "µs", figures, Goal("<=", 1.5, since=COMPACT), reference=base))
    return rows


def expiry_rows(results: dict, steps: list[str]) -> list[Row]:
    redis = results.get("redis")
    if not redis or "skipped" in redis:
        return []
    section = f"Active expiry ({redis['keys']:,} keys, PX {redis['expire_ms']})"
    rows = []
    for key, label, limit in (("under_1pct_s", "under 1% left, after the deadline", 1.0),
                              ("zero_s", "no key left, after the deadline", 2.0)):
        row = Row(section, label, "s", redis[key], goal=Goal("<=", limit, "s"),
                  judge_absolute=True)
        for step in steps:
            r = results.get(step, {})
            row.notes.update({step: r["skipped"]} if "skipped" in r else {})
            row.absolute[step] = r.get(key)
            row.ours[step] = ratio(r.get(key), redis[key])
            if "skipped" not in r and r.get(key) is None:
                row.notes[step] = "not reached (timed out)"
        rows.append(row)
    return rows


def cron_rows(results: dict, steps: list[str]) -> list[Row]:
    redis = results.get("redis", {}).get("cpu_ms_per_s", {})
    rows = []
    for hz, redis_ms in redis.items():
        row = ratio_row("Idle server (the cron)", f"CPU at hz {hz}", "ms/s",
                        {"redis": redis_ms} | {
                            s: results.get(s, {}).get("cpu_ms_per_s", {}).get(hz)
                            for s in steps})
        row.notes = {s: results[s]["skipped"] for s in steps
                     if "skipped" in results.get(s, {})}
        rows.append(row)
    return rows


def measured_row(section: str, results: dict, steps: list[str], label: str,
                 key: str, unit: str, goal: Goal | None = None) -> Row:
    """A row of one figure of a section's results ({target: figures}),
    ratios ours/redis; a step the section skipped has its note."""
    row = ratio_row(section, label, unit, {"redis": results["redis"][key]} | {
        s: results.get(s, {}).get(key) for s in steps}, goal)
    row.notes = {s: results[s]["skipped"] for s in steps
                 if "skipped" in results.get(s, {})}
    return row


BLOCKING = 7  # issue 17's step: blocking operations


def blocking_rows(results: dict, steps: list[str]) -> list[Row]:
    """Clients blocked in BLPOP: CPU per idle second with and without them,
    the extra they cost (judged on its absolute figure, no ratio), and the
    LPUSH→BLPOP hand-off latency. A step without BLPOP has a note."""
    redis = results.get("redis")
    if not redis or "skipped" in redis:
        return []
    section = f"Blocking ({redis['clients']:,} clients in BLPOP)"

    def row(label: str, key: str, unit: str, goal: Goal | None = None) -> Row:
        return measured_row(section, results, steps, label, key, unit, goal)

    extra = row(f"extra CPU per idle second, {redis['clients']:,} blocked",
                "extra_cpu_ms_per_s", "ms/s", Goal("<=", 1.0, "ms/s", since=BLOCKING))
    extra.judge_absolute = True
    extra.ours = dict.fromkeys(extra.ours)  # no ratio: see the docstring at the top
    return [row("CPU per idle second, none blocked", "idle_cpu_ms_per_s", "ms/s"),
            row(f"CPU per idle second, {redis['clients']:,} blocked",
                "blocked_cpu_ms_per_s", "ms/s"),
            extra,
            row("LPUSH→BLPOP hand-off p50", "handoff_p50_ms", "ms",
                Goal("<=", 2.0, since=BLOCKING)),
            row("LPUSH→BLPOP hand-off p99", "handoff_p99_ms", "ms",
                Goal("<=", 2.0, since=BLOCKING))]


def fanout_rows(results: dict, steps: list[str]) -> list[Row]:
    """One PUBLISH to many subscribers: deliveries per second, server CPU
    per delivered message, the PUBLISH round trip. A step without PUBLISH
    has a note."""
    redis = results.get("redis")
    if not redis or "skipped" in redis:
        return []
    section = f"Fan-out (PUBLISH to {redis['subscribers']:,} subscribers)"

    def row(label: str, key: str, unit: str) -> Row:
        return measured_row(section, results, steps, label, key, unit)

    return [row("messages delivered/s", "deliveries_per_s", "msg/s"),
            row("CPU per delivered message", "cpu_us_per_delivery", "µs"),
            row("PUBLISH round trip p50", "publish_p50_ms", "ms"),
            row("PUBLISH round trip p99", "publish_p99_ms", "ms")]


SNAPSHOT = 10  # issue 20's step: RDB snapshots


def snapshot_rows(results: dict, steps: list[str]) -> list[Row]:
    """BGSAVE of many small keys: the time until the file is whole, its
    size (within 1.1× of Redis's from step 10 on), the fork, the parent's
    GET/SET p99 without and with the child at work, the copy-on-write. A
    step without BGSAVE has a note."""
    redis = results.get("redis")
    if not redis or "skipped" in redis:
        return []
    section = f"Snapshot (BGSAVE of {redis['keys']:,} keys)"

    def row(label: str, key: str, unit: str, goal: Goal | None = None) -> Row:
        return measured_row(section, results, steps, label, key, unit, goal)

    return [row("BGSAVE, until the file is whole", "save_s", "s"),
            row("RDB file size", "file_bytes", "B", Goal("<=", 1.1, since=SNAPSHOT)),
            row("BGSAVE reply (the fork)", "fork_ms", "ms"),
            row("GET/SET p99, no save running", "baseline_p99_ms", "ms"),
            row("GET/SET p99, while the child writes", "during_p99_ms", "ms"),
            row("copy-on-write (rdb_last_cow_size)", "cow_bytes", "B")]


AOF_SECTION = "Append-only file (SET, appendonly yes)"


def aof_rows(results: dict, steps: list[str]) -> list[Row]:
    """SET with the log under each fsync policy, at -c 50 without and with
    -P 16: requests/s and CPU per request, ratios ours/redis; the log's
    CPU cost, each server's own (judge_absolute shows it first); the log's
    bytes per SET. A step without the append-only file has a note."""
    redis = results.get("redis")
    if not redis or "skipped" in redis:
        return []
    measured = {t: r for t, r in results.items() if "skipped" not in r}
    runs = runs_by_key(results)
    notes = {s: results[s]["skipped"] for s in steps if "skipped" in results.get(s, {})}

    def row(label: str, unit: str, figures: dict) -> Row:
        made = ratio_row(AOF_SECTION, label, unit, figures)
        made.notes = notes
        return made

    rows = []
    for policy in POLICIES:
        for pipeline in (1, PIPELINE):
            prefix = f"{policy} {mode_name(50, pipeline)}:"
            on = {t: runs[t, policy, pipeline] for t in measured}
            rows.append(row(f"{prefix} SET requests/s", "req/s",
                            {t: r["rps"] for t, r in on.items()}))
            rows.append(row(f"{prefix} SET CPU per request", "µs",
                            {t: r["cpu_us_per_request"] for t, r in on.items()}))
            cost = row(f"{prefix} CPU per request ÷ appendonly no's", "×",
                       {t: log_cost(runs, t, policy, pipeline) for t in measured})
            cost.judge_absolute = True
            rows.append(cost)
        rows.append(row(f"{policy}: log bytes per SET", "B", {
            t: figures["files"][policy]["bytes_per_set"] for t, figures in measured.items()}))
    return rows


VERDICTS = ("met", "NOT met")


def cell_text(row: Row, step: str, marks: tuple[str, str] | None = VERDICTS) -> str:
    """What one step's cell shows: the ratio (and the figure), and the verdict
    on its target, unless `marks` is None. The step the ratios are to (step
    05 in its section) says so."""
    if step == row.reference:
        return "(reference)"
    if row.ours.get(step) is None and row.absolute.get(step) is None:
        return row.notes.get(step) or "—"
    text = fmt(row.ours.get(step), "×")
    if row.judge_absolute:
        text = fmt(row.absolute.get(step), row.unit) + (
            f" ({text})" if row.ours.get(step) is not None else "")
    met = row.met(step)
    if met is None or marks is None:
        return text
    return f"{text} {marks[0] if met else marks[1]}"


def text_table(rows: list[Row], steps: list[str], verdicts: bool = True) -> str:
    """The table tools/bench.py prints: ratios ours/redis (or to the server
    a section names), per step, and whether each target is met (not from
    --quick's tiny counts)."""
    head = ["", "target", "redis"] + steps
    lines, section = [], None
    table = [head]
    for row in rows:
        if row.section != section:
            section = row.section
            # A section whose ratios are to another server names it in the
            # reference column, where its figures are.
            reference = "" if row.reference == "redis" else row.reference
            table.append([f"[{section}]", "", reference] + [""] * (len(head) - 3))
        table.append([row.label, str(row.goal or ""), fmt(row.reference_value, row.unit)]
                     + [cell_text(row, s, VERDICTS if verdicts else None) for s in steps])
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for r in table:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return "\n".join(lines)
