"""bench_report.py: the book's benchmarks page, generated from a results file.

    python tools/bench_report.py                      from the newest full run
    python tools/bench_report.py --results FILE.json  from that one

Writes book/benchmarks.md, its plots in book/benchmarks/, a copy of the
results it was made from (book/benchmarks/results.json), so the page can be
regenerated, and checked, without measuring again, and a copy of the naive
Python server it compares the steps with (book/benchmarks/naive_selectors.py),
so the page links to the very file that ran. `make bench` runs this
after measuring. Every number and every sentence that depends on one comes
from the results; nothing on the page is typed in by hand.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from bench.aof import CONFIGS, POLICIES, log_cost, runs_by_key
from bench.goals import (
    BASELINE,
    COMPACT,
    MEMORY_DATASETS,
    NAIVE_SECTION,
    NAIVE_TESTS,
    Row,
    build_rows,
    cell_text,
    fmt,
    mode_name,
    step_number,
)
from bench.memory import HASH_FIELDS
from bench.servers import NAIVE, REPO

RESULTS_DIR = REPO / "bench" / "results"
SOURCE = "tools/bench_report.py"
# Met and not met, as mkdocs-material icons: pymdownx.emoji inlines their SVG,
# so they show without an emoji font; the word is in the tooltip and the
# legend, and book.css colours them.
MET = ':material-check-circle:{ .bench-met title="met" }'
NOT_MET = ':material-close-circle:{ .bench-not-met title="not met" }'
MARKS = (MET, NOT_MET)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Write the book's benchmarks page.")
    parser.add_argument("--results", type=Path, help="a results file of tools/bench.py "
                        "(default: the newest full run in bench/results/)")
    parser.add_argument("--book", type=Path, default=REPO / "book",
                        help="the book's folder (default: book/)")
    return parser.parse_args(argv)


def newest_results() -> Path:
    runs = [p for p in RESULTS_DIR.glob("*.json") if not p.stem.endswith("-quick")]
    if not runs:
        sys.exit("bench_report: no results in bench/results/: run `make bench` first")
    return max(runs, key=lambda p: p.stat().st_mtime)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    source = args.results or newest_results()
    results = json.loads(source.read_text())
    assets = args.book / "benchmarks"
    assets.mkdir(parents=True, exist_ok=True)
    copy = assets / "results.json"
    if source.resolve() != copy.resolve():
        shutil.copyfile(source, copy)
    if NAIVE.name in results.get("peers", []):
        shutil.copyfile(NAIVE.script, assets / NAIVE.script.name)
    plots = {"throughput": plot_throughput(results, assets / "throughput.png"),
             "expiry": plot_expiry(results, assets / "expiry.png")}
    page = args.book / "benchmarks.md"
    page.write_text(render_page(results, plots))
    print(f"Wrote {page} and its plots, from {source}")
    return 0


# ---------------------------------------------------------------- the plots

def plot_throughput(results: dict, path: Path) -> str | None:
    """Requests/s of every server per test, without and with pipelining."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    records = [r for r in results.get("throughput", []) if r["clients"] == 50]
    if not records:
        return None
    targets = racers(results)
    fig, axes = plt.subplots(2, 1, figsize=(11, 7.5), constrained_layout=True)
    for ax, pipeline in zip(axes, (1, 16)):
        runs = {(r["test"], r["target"]): r["rps"] for r in records
                if r["pipeline"] == pipeline}
        tests = [t for t in dict.fromkeys(r["test"] for r in records)
                 if any((t, s) in runs for s in results["targets"][1:])]
        width = 0.8 / len(targets)
        for i, target in enumerate(targets):
            shown = [(n, t) for n, t in enumerate(tests) if (t, target) in runs]
            bars = ax.bar([n + i * width for n, _ in shown],
                          [runs[t, target] for _, t in shown], width,
                          label=target, color=color(target, results))
            if target != "redis":  # each bar's ratio to Redis's, on top
                ax.bar_label(bars, fontsize=7, rotation=90, padding=2, labels=[
                    f"{runs[t, target] / runs[t, 'redis']:.2f}×"
                    if (t, "redis") in runs else "" for _, t in shown])
        ax.set_xticks([n + (len(targets) - 1) * width / 2 for n in range(len(tests))],
                      [t.replace("_", "\n") for t in tests], fontsize=9)
        ax.set_ylabel("requests/s")
        ax.set_title("-c 50" + (f" -P {pipeline} (pipelined)" if pipeline > 1
                                else " (no pipelining)"))
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        ax.grid(axis="y", alpha=0.3)
        ax.margins(y=0.15)  # room for the ratios above the bars
    # Above the plots: inside, it would cover the ratios of the tallest bars.
    fig.legend(*axes[0].get_legend_handles_labels(), ncols=len(targets),
               loc="outside upper center")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path.name


def racers(results: dict) -> list[str]:
    """Redis, the peers (the naive Python server), then the steps: the order
    they took turns in the throughput section."""
    targets = results["targets"]
    return [targets[0], *results.get("peers", []), *targets[1:]]


def color(target: str, results: dict) -> str:
    """Redis red, the naive server orange, the steps in blues: one colour
    per server on every plot."""
    if target == "redis":
        return "#c0392b"
    if target in results.get("peers", []):
        return "#e67e22"
    steps = results["targets"][1:]
    return ["#1f4e79", "#2e86c1", "#85c1e9", "#aab7b8"][steps.index(target) % 4]


def plot_expiry(results: dict, path: Path) -> str | None:
    """Keys left over time, after their deadline, for each server with expiry."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves = {t: r["samples"] for t, r in results.get("expiry", {}).items()
              if "samples" in r}
    if not curves:
        return None
    fig, ax = plt.subplots(figsize=(8, 4), constrained_layout=True)
    for target in results["targets"]:
        if target in curves:
            ts, ns = zip(*curves[target])
            ax.plot(ts, ns, label=target, color=color(target, results), marker=".")
    ax.axvline(0, color="gray", linestyle="--", linewidth=1)
    ax.set_xlabel("seconds after the deadline")
    ax.set_ylabel("keys left (DBSIZE)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path.name


# ----------------------------------------------------------------- the page

def render_page(results: dict, plots: dict) -> str:
    steps = [t for t in results["targets"] if t != "redis"]
    rows = build_rows(results)
    parts = [intro(results), machine(results),
             targets_table(rows, steps, results["plan"]["quick"]),
             throughput_section(results, plots), naive_section(results, rows, steps),
             profile_section(results),
             memory_section(results, steps), steps_section(results, steps),
             expiry_section(results, plots), blocking_section(results),
             fanout_section(results), snapshot_section(results), aof_section(results),
             reproduce()]
    return "\n".join(p for p in parts if p)


def intro(results: dict) -> str:
    return f"""# Benchmarks

<!-- Generated by {SOURCE} from benchmarks/results.json. Don't edit:
     run `make bench` (or {SOURCE} --results FILE). -->

How fast is a Redis server written in Python, and where does the time go?
Every figure on this page was measured in one run of `make bench`, on one
machine, for a real `redis-server` and for each of our steps from 03 on,
one after the other, test by test. Absolute numbers depend on the machine,
so each figure is given as a **ratio ours/redis**: 0.50× requests/s is half
of Redis's throughput; 3.00× CPU per request means three times the work for
the same answer.

The throughput runs also time a naive Python server, the bar issue 15
set for the steps ([below](#against-a-naive-python-server)), in the same
turns.

CPU per request is the server's CPU time (user + system, from
`/proc/<pid>`) over a fixed number of requests, divided by that number. It
is the fairest figure here: `redis-benchmark` itself needs a core to drive
the server, so on a small machine it limits the requests/s of *every*
server, fast or slow, unless the requests are pipelined.
"""


def machine(results: dict) -> str:
    m = results["machine"]
    load = ", ".join(f"{x:.1f}" for x in m["loadavg_start"][:1] + m["loadavg_end"][:1])
    note = (" The step folders had changes not yet committed."
            if m.get("steps_changed_since_commit") else "")
    quick = ("\n!!! warning \"A --quick run\"\n    These are the tiny counts CI uses; "
             "the numbers mean little.\n" if results["plan"]["quick"] else "")
    repeat = results["plan"].get("repeat", 1)
    if repeat > 1:
        note += f" Each redis-benchmark figure is the median of {repeat} runs."
    pinned = m.get("pinned")
    if pinned:
        note += (f" Every server ran alone on CPU {pinned['server_cpu']}; "
                 f"redis-benchmark and the driver on CPU "
                 f"{', '.join(map(str, pinned['client_cpus']))}.")
    return f"""!!! info "The machine"
    {m['cores']} cores ({m['cpu_model']}), Linux {m['kernel']}, Python
    {m['python']}, Redis {m['redis_server']}; measured {m['date'][:10]} at
    commit `{m['commit']}`.{note} Load average at the start and the end of
    the run: {load}.
{quick}"""


def targets_table(rows: list[Row], steps: list[str], quick: bool = False) -> str:
    legend = (f"{MET} met, {NOT_MET} not met." if not quick else
              "A --quick run's counts are too small to judge a target: the cells "
              "show the ratios alone.")
    lines = ["## Ratios and targets", "",
             "The targets come from the issues that built each step; a target "
             f"holds for every later step too. {legend} Where the "
             "target is on an absolute figure (bytes, seconds), the cell shows "
             "it, then the ratio where there is one. A section whose ratios are to another server "
             "than Redis names it in the reference column: the naive Python "
             "server's, [below](#against-a-naive-python-server), or step "
             f"{BASELINE:02d}'s, what step {COMPACT:02d}'s compact encodings may "
             "cost against the step before them (issue 16: at most 1.5× the "
             "CPU per request, no more bytes per string key).", ""]
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            reference = "Redis" if row.reference == "redis" else row.reference
            lines += ["", f"**{section}**", "",
                      f"| figure | target | {reference} | " + " | ".join(steps) + " |",
                      "|---|---|---:|" + "---:|" * len(steps)]
        cells = [cell_text(row, s, None if quick else MARKS) for s in steps]
        lines.append(f"| {row.label} | {row.goal or ''} | "
                     f"{fmt(row.reference_value, row.unit)} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def throughput_section(results: dict, plots: dict) -> str:
    if not plots["throughput"]:
        return ""
    return f"""## Throughput per step

![Requests/s of Redis, the naive server and each step](benchmarks/{plots['throughput']})

{naive_bars(results)}
Without pipelining, each request is a round trip: the client waits for the
reply before it sends the next, and the time goes into system calls and
the kernel's TCP path on both sides, for Redis as for us. With `-P 16` the
client sends sixteen requests at once; the server reads them with one
`recv()` and answers with one `send()`, so what is left is the server's own
work per command, and there C and Python part ways.
"""


# The figures of the naive server's table: (label after the test's name,
# pipeline, record key, unit). The labels with a target are goals.py's.
NAIVE_TABLE = (("CPU per request -c 50", 1, "cpu_us_per_request", "µs"),
               ("requests/s -c 50", 1, "rps", "req/s"),
               ("CPU per request -c 50 -P 16", 16, "cpu_us_per_request", "µs"),
               ("requests/s -c 50 -P 16", 16, "rps", "req/s"))


def naive_bars(results: dict) -> str:
    if NAIVE.name not in results.get("peers", []):
        return ""
    return (f"The orange bars are `{NAIVE.name}`, the naive Python server of "
            "[the section below](#against-a-naive-python-server), on the tests it "
            "can run; the ratios on top of every bar are to Redis.\n")


def naive_section(results: dict, rows: list[Row], steps: list[str]) -> str:
    """Redis, the naive Python server and every step, side by side."""
    naive = NAIVE.name
    runs = {(r["target"], r["test"], r["pipeline"]): r
            for r in results.get("throughput", []) if r["clients"] == 50}
    if naive not in results.get("peers", []):
        return ""
    quick = results["plan"]["quick"]
    judged = {row.label: row for row in rows if row.section == NAIVE_SECTION}
    lines = [
        "## Against a naive Python server", "",
        f"`{naive}` is the server a competent Python programmer writes in an "
        "afternoon: one thread on `selectors` (epoll), a bytes buffer per client "
        "cut into requests with `find(b\"\\r\\n\")`, a dict from command name to "
        "function, and the replies to one read joined into one `send()`. It knows "
        "fourteen commands (`PING ECHO SET GET INCR LPUSH RPUSH LPOP RPOP DBSIZE "
        "FLUSHALL FLUSHDB CONFIG COMMAND`), speaks RESP2 only (`HELLO` gets an "
        "error), and has no command table, no arity check, no protocol errors, no "
        "limits and no expiry; its keys live in one dict.", "",
        "It came to the project with issue 15, from the folder the project's "
        "working sessions share (`../shared/peers/naive_selectors.py`), as the bar "
        "a server built the way Redis is built should clear: each step from 03 "
        "on should spend no more CPU per request than it, and serve at least as "
        "many pipelined requests a second, on `PING_MBULK`, `GET` and `SET`. It "
        "is not a model to copy. It runs here unchanged, from "
        f"`tools/bench/peers/{naive}.py` ([the file]"
        f"(benchmarks/{naive}.py)), taking turns with Redis and the steps in "
        "the throughput runs above, on every `redis-benchmark` test it can run.",
        "",
        f"In brackets: `{naive}`'s figure as a ratio to Redis's, and each "
        f"step's as a ratio to `{naive}`'s" + (
            ", with the verdict on issue 15's target where there is one "
            f"(≤ 1.00× CPU, ≥ 1.00× pipelined requests/s; {MET} met, "
            f"{NOT_MET} not met)." if not quick else
            ". A --quick run's counts are too small to judge a target."), "",
        f"| figure | Redis | {naive} | " + " | ".join(steps) + " |",
        "|---|---:|---:|" + "---:|" * len(steps)]
    for test in NAIVE_TESTS:
        for what, pipeline, key, unit in NAIVE_TABLE:
            label = f"{test} {what}"
            redis, peer = runs.get(("redis", test, pipeline)), runs.get((naive, test,
                                                                        pipeline))
            if not peer:
                continue
            cells = [naive_cell(runs.get((s, test, pipeline)), peer, key, unit,
                                judged.get(label), s, quick) for s in steps]
            redis_text, peer_text = "—", f"{number(peer[key])} {unit}"
            if redis:
                redis_text = f"{number(redis[key])} {unit}"
                peer_text += f" ({peer[key] / redis[key]:.2f}×)"
            lines.append(f"| {label} | {redis_text} | {peer_text} | "
                         + " | ".join(cells) + " |")
    if not quick:
        lines += ["", *naive_verdicts(list(judged.values()), steps)]
    lines += kernel_split_table(runs, [naive, *steps])
    lines += [
        "", "A step does more on every request than the naive server, because it "
        "does what Redis does: it looks the command up in a table and checks its "
        "arity, keeps each client's state for `CLIENT LIST`, answers protocol "
        "errors byte for byte, and from step 05 counts `commandstats` and checks "
        "each key's expiry. Issue 15 asks each step to pay for that work and "
        "still clear the bar, with optimisations Redis itself makes.", "",
        f'??? abstract "{naive}.py, the whole server"', "",
        "    ```python",
        f'    --8<-- "tools/bench/peers/{naive}.py"',
        "    ```", ""]
    return "\n".join(lines)


def kernel_split_table(runs: dict, servers: list[str]) -> list[str]:
    """The unpipelined CPU per request of each server, split into the time
    in the kernel and the time in the server's own code, from the share of
    clock ticks /proc/<pid>/stat counts in each (kernel_share)."""
    rows = []
    for test in NAIVE_TESTS:
        parts = [kernel_and_user(runs.get((server, test, 1))) for server in servers]
        if parts[0] is None:
            continue
        for i, where in enumerate(("in the kernel", "in user space")):
            rows.append(f"| {test} -c 50, {where} | " + " | ".join(
                "—" if part is None else f"{number(part[i])} µs" for part in parts)
                + " |")
    if not rows:
        return []
    return [
        "", "Unpipelined, every server here makes the same system calls for a "
        "request: one `recv()` and one `send()`, and a share of one `epoll_wait()` "
        "that serves every client ready in the turn. Its CPU per request splits "
        "into the time in the kernel and the time in user space, which for a "
        "Python server is the interpreter running its code. The split comes from "
        "the clock ticks the kernel counts for the process in each mode (`utime` "
        "and `stime` in `/proc/<pid>/stat`). The kernel's part moves from run to "
        "run and from server to server more than the code would explain: the TCP "
        "work of a packet is charged to whichever process the CPU was running when "
        "it was done (on the loopback interface, often the one that sent it). That "
        "part is most of the unpipelined figure, and most of its noise.", "",
        "| figure | " + " | ".join(servers) + " |",
        "|---|" + "---:|" * len(servers), *rows]


def kernel_and_user(record: dict | None) -> tuple[float, float] | None:
    """A run's µs per request in the kernel and in user space; None when it
    has no clock tick to divide them by."""
    if record is None or record.get("kernel_share") is None:
        return None
    kernel = record["cpu_us_per_request"] * record["kernel_share"]
    return kernel, record["cpu_us_per_request"] - kernel


def naive_cell(record: dict | None, peer: dict, key: str, unit: str,
               row: Row | None, step: str, quick: bool) -> str:
    """A step's figure, its ratio to the naive server's, and the verdict."""
    if not record:
        return "—"
    text = f"{number(record[key])} {unit} ({record[key] / peer[key]:.2f}×"
    met = None if quick or row is None else row.met(step)
    if met is not None:
        text += f" {MET if met else NOT_MET}"
    return text + ")"


def naive_verdicts(rows: list[Row], steps: list[str]) -> list[str]:
    """One line per step: how many of its targets against the naive server
    it meets, and which it misses."""
    lines = []
    for step in steps:
        verdicts = {row.label: row.met(step) for row in rows if row.met(step) is not None}
        if not verdicts:
            continue
        missed = [label for label, met in verdicts.items() if not met]
        lines.append(f"- {step} meets {len(verdicts) - len(missed)} of its "
                     f"{len(verdicts)} targets against `{NAIVE.name}`"
                     + (f"; not: {', '.join(missed)}." if missed else "."))
    return lines


def profile_section(results: dict) -> str:
    profiles = results.get("profile", [])
    if not profiles:
        return ""
    parts = ["## Where the time goes", "",
             f"py-spy sampled the server's Python stack {profiles[0]['rate']} "
             "times a second while `redis-benchmark` pipelined requests at it. "
             "*Self* is the share of CPU samples in the function's own code, "
             "including the C functions it calls directly (the `send()` system "
             "call counts in `write_to_client`); *total* includes the Python "
             "functions it calls as well.", ""]
    for p in profiles:
        parts += profile_table(p, results.get("throughput", []))
    return "\n".join(parts) + "\n"


def profile_table(p: dict, records: list[dict]) -> list[str]:
    lines = [f"### {p['target']}: {p['test']} with -P {p['pipeline']}", "",
             f"{p['samples']:,} samples of the event loop; "
             f"{p['rps']:,.0f} requests/s while sampled.", "",
             "| function | file | self | total |", "|---|---|---:|---:|"]
    lines += [f"| `{r['function']}` | {r['where']} | {r['self_pct']:.1f}% | "
              f"{r['total_pct']:.1f}% |" for r in p["rows"]]
    by_where = sorted(p["by_where"].items(), key=lambda kv: -kv[1])[:6]
    lines += ["", "Self time by file: " + ", ".join(
        f"{w} {pct:.0f}%" for w, pct in by_where) + "."]
    kernel = {r["target"]: r.get("kernel_share") for r in records
              if r["test"] == p["test"] and r["clients"] == 50
              and r["pipeline"] == p["pipeline"]}
    if kernel.get("redis") and kernel.get(p["target"]):
        lines += ["", f"In the same test without the profiler, the kernel "
                  f"(system calls, the TCP stack) took {kernel[p['target']]:.0%} of "
                  f"{p['target']}'s CPU time and {kernel['redis']:.0%} of Redis's: "
                  "both make the same system calls, one `recv()` and one `send()` "
                  "per client per turn, so the difference is the interpreter's."]
    return lines + [""]


def memory_section(results: dict, steps: list[str]) -> str:
    memory, model = results.get("memory", {}), results.get("memory_model")
    redis = memory.get("redis", {}).get("strings")
    if not redis or not model:
        return ""
    objects = model["key_object"] + model["value_object"] + model["dict_slot"]
    ours = [(s, memory[s]["strings"]["bytes_per_key"]) for s in steps
            if "strings" in memory.get(s, {})]
    measured = "".join(f"\n| {s} | {b:,.0f} B | {b / redis['bytes_per_key']:.2f}× |"
                       for s, b in ours)
    used = redis.get("used_memory_per_key")
    used_text = f" (Redis's own count, `used_memory`, says {used:.0f} B)" if used else ""
    return f"""## What a key costs

After loading {redis['keys']:,} keys like `key:000000000042` with a 3-byte
value, the server's resident memory grew by, per key:

| server | bytes per key | ratio |
|---|---:|---:|
| redis | {redis['bytes_per_key']:,.0f} B | 1.00× |{measured}

**Redis** spends {redis['bytes_per_key']:,.0f} B per key{used_text}:
a `dictEntry` (key pointer, value pointer, next pointer: 24 B), the key as
an `sds` string (3-byte header, 16 bytes, a NUL) and the value as a `robj`
with the 3 bytes embedded in it (`OBJ_ENCODING_EMBSTR`), each rounded up by
jemalloc to its 32-byte size class, plus one 8-byte bucket pointer in the
hash table per key: about 104 B.

**Python** pays for objects. A `bytes` object carries a 32-byte header
(reference count, type pointer, length, cached hash) and a closing NUL, so
the 16-byte key takes {model['key_object']} B from pymalloc and the 3-byte
value {model['value_object']} B; a `dict` keeps an index array and a 24-byte
entry (hash, key, value) per key, {model['dict_slot']:.0f} B per key at this
size, counting the room a dict keeps to grow. That is
{objects:.0f} B of plain Python objects per key; what a step measures beyond
that is its own per-key structures (a wrapper object, a second table) and
the allocator's slack. The key and value headers dominate: the data itself
is 19 of those bytes.
{types_table(memory, steps)}{hashes_text(memory, model, steps)}"""


def types_table(memory: dict, steps: list[str]) -> str:
    """Bytes per key of a small value of each type, every server."""
    redis = memory.get("redis", {})
    shown = [name for name, _, _ in MEMORY_DATASETS if name != "strings" and name in redis]
    if not shown:
        return ""
    lines = ["", "### Small values of each type", "",
             "A fresh server for each type, loaded with many keys of one small "
             "value each; the resident memory it grew by, per key, and in "
             "brackets the ratio to Redis's. These are the values Redis keeps "
             "compact: a listpack for the hash and the sorted set, an intset "
             "for the set of integers, a quicklist of one listpack node for "
             "the list.", "", *bytes_per_key_table(memory, steps, shown)]
    return "\n".join(lines) + "\n"


def bytes_per_key_table(memory: dict, steps: list[str], datasets: list[str]) -> list[str]:
    """The lines of a table: for each dataset, Redis's bytes per key and each step's.

    Chapters show a few cells of it through the book's memory_per_key() call."""
    what = {name: text for name, text, _ in MEMORY_DATASETS}
    redis = memory["redis"]
    lines = ["| one key holds | redis | " + " | ".join(steps) + " |",
             "|---|---:|" + "---:|" * len(steps)]
    for name in datasets:
        base = redis[name]["bytes_per_key"]
        cells = [f"{memory[s][name]['bytes_per_key']:,.0f} B "
                 f"({memory[s][name]['bytes_per_key'] / base:.2f}×)"
                 if name in memory.get(s, {}) else "—" for s in steps]
        lines.append(f"| {what[name]}, {redis[name]['keys']:,} keys | {base:,.0f} B | "
                     + " | ".join(cells) + " |")
    return lines


def hashes_text(memory: dict, model: dict, steps: list[str]) -> str:
    """Why a small hash costs Python so much more than Redis, and what a
    step with compact encodings saves."""
    redis = memory.get("redis", {}).get("hashes")
    ours = [(s, memory[s]["hashes"]["bytes_per_key"]) for s in steps
            if "hashes" in memory.get(s, {})]
    if not redis or not ours or "hash_dict" not in model:
        return ""
    fields = HASH_FIELDS * (model["hash_field_object"] + model["value_object"])
    total = model["hash_key_object"] + model["dict_slot"] + model["hash_dict"] + fields
    measured = ", ".join(f"{s} {b:,.0f} B ({b / redis['bytes_per_key']:.1f}×)"
                         for s, b in ours)
    compact = [s for s, _ in ours if (step_number(s) or 0) >= COMPACT]
    since = (f" From step {COMPACT:02d} on ({', '.join(compact)}), a small hash is "
             "a listpack too, one `bytes` object laid out byte for byte as "
             "Redis's: what is left is the key, the value's object and the "
             "keyspace's slot." if compact else "")
    return f"""
A small hash of {HASH_FIELDS} fields costs Redis {redis['bytes_per_key']:,.0f} B
and the steps: {measured}. Redis keeps a hash this small as a *listpack*,
one allocation holding the fields and values back to back, each with a byte
or two of length; it turns it into a real hash table only past 512 fields
or a value over 64 bytes (`hash-max-listpack-entries`, `-value`, as a
server started without a configuration file has them). A step
before {COMPACT:02d} keeps a `dict` from the first field:
{model['hash_dict']} B for the dict itself, {fields} B for
{2 * HASH_FIELDS} small `bytes` objects, {model['hash_key_object']} B for
the key and a slot in the keyspace: {total:.0f} B before any step's own
structures.{since}
"""


def steps_section(results: dict, steps: list[str]) -> str:
    """How the main figures move from one step to the next."""
    records = results.get("throughput", [])
    figures = [("PING_MBULK", 50, 16, "rps", "PING -P 16 requests/s"),
               ("PING_MBULK", 50, 16, "cpu_us_per_request", "PING -P 16 CPU µs/request"),
               ("PING_MBULK", 50, 1, "cpu_us_per_request", "PING CPU µs/request"),
               ("GET", 50, 16, "rps", "GET -P 16 requests/s"),
               ("GET", 50, 16, "cpu_us_per_request", "GET -P 16 CPU µs/request"),
               ("SET", 50, 16, "cpu_us_per_request", "SET -P 16 CPU µs/request")]
    lines = [f"## From step {steps[0][:2]} to step {steps[-1][:2]}", "",
             "The same figures for each step, absolute this time, so a step's "
             "cost can be read against the one before it. Step 04 adds the "
             "keyspace and a command table with arity and type checks; step 05 "
             "adds time events, a cron and an expiry check on every lookup; "
             "step 06 keeps small values compact and wraps each value in an "
             "object that knows its encoding. "
             "Changes of a few percent are noise on a shared machine.", "",
             "| figure | redis | " + " | ".join(steps) + " |",
             "|---|---:|" + "---:|" * len(steps)]
    for test, clients, pipeline, key, label in figures:
        values = {r["target"]: r[key] for r in records if r["test"] == test
                  and r["clients"] == clients and r["pipeline"] == pipeline}
        if not any(s in values for s in steps):
            continue
        lines.append(f"| {label} | " + " | ".join(
            number(values.get(t)) for t in ["redis", *steps]) + " |")
    lines += ["", *step_changes(records, steps), ""]
    return "\n".join(lines)


def number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}"


def step_changes(records: list[dict], steps: list[str]) -> list[str]:
    """One sentence per step after the first: its PING -P 16 CPU change."""
    cpu = {r["target"]: r["cpu_us_per_request"] for r in records
           if r["test"] == "PING_MBULK" and r["pipeline"] == 16}
    sentences = []
    for before, after in zip(steps, steps[1:]):
        if before in cpu and after in cpu:
            change = (cpu[after] / cpu[before] - 1) * 100
            how = (f"{abs(change):.0f}% {'more' if change > 0 else 'less'}"
                   if abs(change) >= 5 else "about the same")
            sentences.append(f"- {after} spends {how} CPU per pipelined PING "
                             f"{'as' if abs(change) < 5 else 'than'} {before}.")
    return sentences


def expiry_section(results: dict, plots: dict) -> str:
    expiry = results.get("expiry", {})
    done = {t: r for t, r in expiry.items() if "samples" in r}
    if not done:
        return ""
    any_r = next(iter(done.values()))
    rows = "".join(
        f"\n| {t} | {r['load_s']:.2f} s | {secs(r['under_1pct_s'])} | {secs(r['zero_s'])} |"
        for t, r in done.items())
    slow = [t for t, r in done.items() if r["load_s"] > r["expire_ms"] / 2000]
    if slow:
        rows += (f"\n\nLoading took {', '.join(slow)} more than half the time to live, "
                 "so many keys expired while the last were still being set: those "
                 "figures are mostly about the last batches of keys.")
    picture = (f"\n![Keys left after the deadline, per server]"
               f"(benchmarks/{plots['expiry']})\n" if plots["expiry"] else "")
    return f"""## Active expiry

{any_r['keys']:,} keys were set with `PX {any_r['expire_ms']}` and never touched
again, so only the server's active expiry cycle could remove them. `DBSIZE`,
polled every 50 ms, still counts a key that has expired until it is
reclaimed. The deadline is the moment the last batch of SETs was sent plus
{any_r['expire_ms']} ms: every other key expired before it, and the last
batch's keys a moment after it, so the times below are, if anything, long.

| server | time to load | under 1% left | none left |
|---|---:|---:|---:|{rows}
{picture}"""


def measured_servers(results: dict, section: str,
                     command: str) -> tuple[dict, str]:
    """The servers a section measured, and a sentence naming those it
    left out because they lack `command` ("" if none was)."""
    runs = results.get(section, {})
    done = {t: r for t, r in runs.items() if "skipped" not in r}
    skipped = [t for t, r in runs.items() if "skipped" in r]
    if not skipped:
        return done, ""
    one = len(skipped) == 1
    return done, (f" {', '.join(skipped)} {'has' if one else 'have'} no "
                  f"`{command}` and {'is' if one else 'are'} left out.")


def blocking_section(results: dict) -> str:
    """What clients blocked in BLPOP cost, and how fast a push wakes one."""
    done, left_out = measured_servers(results, "blocking", "BLPOP")
    if "redis" not in done:
        return ""
    redis = done["redis"]
    rows = "".join(
        f"\n| {t} | {r['idle_cpu_ms_per_s']:.2f} ms | {r['blocked_cpu_ms_per_s']:.2f} ms "
        f"| {r['extra_cpu_ms_per_s']:+.2f} ms | {r['handoff_p50_ms']:.3f} ms "
        f"| {r['handoff_p99_ms']:.3f} ms | {r['handoff_max_ms']:.3f} ms |"
        for t, r in done.items())
    return f"""## Blocking

A client blocked in `BLPOP` should cost the server nothing while it waits:
it is an entry in a table of the keys clients wait on, and the event loop
serves everyone else meanwhile. Each server was left idle for
{redis['idle_seconds']:g} s and its CPU time read; then
{redis['clients']:,} clients each sent `BLPOP` on a key of their own with
no timeout, and once `INFO clients` counted them all blocked, the same
window was read again, on the same server. The target is on the
difference: at most 1 ms of CPU per second more than the idle server (0.1%
of a core). Redis's own difference is not quite zero: its `clientsCron`
visits every client once a second.

The hand-off: one client waits in `BLPOP`, and once it is blocked another
sends `LPUSH` on the same key; the time from sending `LPUSH` to the
waiter's reply, over {redis['handoff_rounds']:,} rounds. It includes the
driver's own time to send and read, the same for every server, so the
ratios are a little closer to 1 than the servers' own times
would be.{left_out}

| server | CPU per idle second | with {redis['clients']:,} blocked | difference \
| hand-off p50 | p99 | slowest |
|---|---:|---:|---:|---:|---:|---:|{rows}
"""


def fanout_section(results: dict) -> str:
    """One PUBLISH delivered to many subscribers: how many a second, and
    the server's CPU per delivered message."""
    done, left_out = measured_servers(results, "fanout", "PUBLISH")
    if "redis" not in done:
        return ""
    redis = done["redis"]
    rows = "".join(
        f"\n| {t} | {r['deliveries_per_s']:,.0f} | {r['cpu_us_per_delivery']:.2f} µs "
        f"| {r['publish_p50_ms']:.2f} ms | {r['publish_p99_ms']:.2f} ms |"
        for t, r in done.items())
    ratios = "".join(
        f"\n- {t} delivers {r['deliveries_per_s'] / redis['deliveries_per_s']:.2f}× "
        f"Redis's messages per second, and spends "
        f"{r['cpu_us_per_delivery'] / redis['cpu_us_per_delivery']:.2f}× its CPU "
        "on each." for t, r in done.items() if t != "redis")
    shares = [f"{t} {r['kernel_share']:.0%}" for t, r in done.items()
              if r.get("kernel_share") is not None]
    busy = ", ".join(f"{t} {r['cpu_s'] / r['seconds']:.0%}" for t, r in done.items())
    kernel = (" The share of each server's CPU time spent in the kernel: "
              + ", ".join(shares) + "." if shares else "")
    return f"""## Fan-out

One message, many readers: {redis['subscribers']:,} connections each sent
`SUBSCRIBE bench:fanout`, then a publisher sent `PUBLISH bench:fanout` with
a 16-byte payload {redis['publishes']:,} times, each as soon as the last
one's reply (the number of subscribers it reached) was in, while every
subscriber read. That is {redis['deliveries']:,} messages delivered per
server. The clock runs from the first `PUBLISH` to the moment the last
subscriber has its last message; the server's CPU time is read at both
ends. Each `PUBLISH` costs the server a copy of the message into every
subscriber's output buffer, and then one `write()` per subscriber, a trip
through the kernel's TCP path over the loopback.{kernel} The round trip is
the publisher's wait for its reply: the time the server takes to fan one
message out.

The driver reads every subscriber's socket in Python, on its own CPU, and
it can be the slower side. The share of the run each server spent
working: {busy}. A server that worked less than all of it waited for the
driver now and then, so CPU per delivered message is the figure to
compare.{left_out}

| server | messages delivered/s | CPU per delivered message \
| PUBLISH round trip p50 | p99 |
|---|---:|---:|---:|---:|{rows}
{ratios}
"""


def snapshot_section(results: dict) -> str:
    """BGSAVE of many small keys: how long, how big, what the parent's
    clients see meanwhile, and the pages the fork made the kernel copy."""
    done, left_out = measured_servers(results, "snapshot", "BGSAVE")
    if "redis" not in done:
        return ""
    redis = done["redis"]
    rows = "".join(
        f"\n| {t} | {r['fork_ms']:.1f} ms | {r['save_s']:.2f} s "
        f"| {r['file_bytes']:,} B | {r['file_bytes'] / r['keys']:.1f} B "
        f"| {megabytes(r['cow_bytes'])} ({r['cow_bytes'] / r['rss_bytes']:.0%}) "
        f"| {r['baseline_p99_ms']:.2f} ms | {r['during_p99_ms']:.2f} ms "
        f"| {r['during_max_ms']:.1f} ms |"
        for t, r in done.items())
    ratios = "".join(
        f"\n- {t} takes {r['save_s'] / redis['save_s']:.1f}× Redis's time to "
        f"write a file {r['file_bytes'] / redis['file_bytes']:.2f}× the size of "
        f"Redis's; its child copied {ratio_text(r['cow_bytes'], redis['cow_bytes'])} "
        f"Redis's bytes, and its GET/SET p99 while the child writes is "
        f"{r['during_p99_ms'] / r['baseline_p99_ms']:.1f}× its own with no save "
        f"running (Redis's: {redis['during_p99_ms'] / redis['baseline_p99_ms']:.1f}×)."
        for t, r in done.items() if t != "redis")
    return f"""## Snapshots

`BGSAVE` forks: the child writes the dataset to `temp-<pid>.rdb` and renames
it to `dump.rdb` once it is whole, while the parent goes on serving. Each
server was started in a directory of its own and loaded with
{redis['keys']:,} string keys (`key:%012d`), each holding the same
{redis['value_bytes']}-byte value, long enough for `rdbcompression` (on, the
default) to write it LZF-compressed. Then `BGSAVE` was sent; its round trip
is the fork, which the parent does before it replies. One client then sent
`GET` and `SET`, alternately, on random keys, one at a time, timing each,
until `dump.rdb` was in the directory: the time to it, from sending
`BGSAVE`, is how long the child took. The same client then sent as many
requests again with no save running, the baseline. The target: a file at
most 1.1× the size of Redis's, the same data in the same format.

Copy-on-write is the `rdb_last_cow_size` of `INFO persistence`: the bytes
of the pages that the child or the parent wrote to after the fork, which
the kernel had to copy, as the child counted them in `/proc/self/smaps`
just before it exited. In brackets, as a share of the server's resident
memory at the fork. Redis's child only reads the dataset, so its copies
are the pages the parent's `SET`s wrote to. A Python child writes to every
object it reads: taking a reference to a key or a value increments its
reference count, in the object's own memory, so each page holding one is
copied as the child walks the dataset. Every server and its child share
one CPU here, so the parent's clients wait while the child works: on a
machine with a core to spare the child would run beside the
parent.{left_out}

| server | `BGSAVE` reply (the fork) | file whole after | file size | per key \
| copy-on-write | GET/SET p99, no save | while the child writes | slowest then |
|---|---:|---:|---:|---:|---:|---:|---:|---:|{rows}
{ratios}
"""


def aof_section(results: dict) -> str:
    """SET with the append-only file under each fsync policy, and without:
    what the log costs each server, and how many bytes it writes."""
    done, left_out = measured_servers(results, "aof", "appendonly yes")
    if "redis" not in done:
        return ""
    runs = runs_by_key(done)
    pipelines = sorted({pipeline for _, _, pipeline in runs})
    requests = {r["pipeline"]: r["requests"] for r in done["redis"]["runs"]}
    counts = " and ".join(f"{requests[p]:,} requests at `{mode_name(50, p)}`"
                          for p in pipelines)
    head = " | ".join(f"{mode_name(50, p)} requests/s | CPU per request | ÷ appendonly no"
                      for p in pipelines)
    rows = "".join(
        f"\n| {t} | {'appendonly no' if c == 'off' else c} | " + " | ".join(
            aof_cells(runs, t, c, p) for p in pipelines) + " |"
        for t in done for c in CONFIGS)
    files = "".join(
        f"\n| {t} | {p} | {f['sets']:,} | {f['bytes']:,} B | {f['bytes_per_set']:.2f} B "
        f"| {', '.join(f'`{name}` {size:,} B' for name, size in f['files'].items())} |"
        for t in done for p, f in done[t]["files"].items())
    costs = "".join(cost_sentence(runs, t, c, pipelines)
                    for t in done if t != "redis" for c in POLICIES)
    return f"""## The append-only file

With `appendonly yes`, every write is also appended to a log, in the
protocol the client sent it in, and the log is fsynced as `appendfsync`
says: `everysec` writes each turn's commands to the file before the turn's
replies go out, and another thread fsyncs it about once a second; `always`
writes and fsyncs them before any of the turn's replies goes out, one
fsync per turn of the event loop for all the requests that turn read.
Each server ran three times over, each in an empty directory of its own:
with `appendonly no`, with `appendfsync everysec` and with `appendfsync
always`. All of them took turns through `redis-benchmark`'s `SET` test,
{counts}; the server's CPU time was read around each run, the fsync
thread's included. The fsync waits for the disk that held the
directories; a server waiting for it spends no CPU, so it shows in
requests/s more than in CPU per request. In the columns "÷ appendonly no",
each server's CPU per request over its own without the log: what the log
costs it.{left_out}

| server | log | {head} |
|---|---|{"---:|---:|---:|" * len(pipelines)}{rows}
{costs}

After the runs, each server was stopped (it flushes and fsyncs its log),
and the files of its `appendonlydir` counted: the base file (an RDB
preamble of the empty dataset it started with), the incr file, with every
`SET` as the client sent it, and the manifest that names them. The same
`SET`s make the same commands, so the bytes per `SET` should match.

| server | `appendfsync` | `SET`s | log bytes | per `SET` | files |
|---|---|---:|---:|---:|---|{files}
"""


def aof_cells(runs: dict, target: str, config: str, pipeline: int) -> str:
    """Requests/s, CPU per request and its ratio to the same server's
    without the log, for one run."""
    record = runs[target, config, pipeline]
    return (f"{number(record['rps'])} | {record['cpu_us_per_request']:.2f} µs | "
            f"{log_cost(runs, target, config, pipeline):.2f}×")


def cost_sentence(runs: dict, target: str, config: str, pipelines: list[int]) -> str:
    """What the log costs a step under one policy, beside Redis's cost."""
    return (f"\n- {target}, `appendfsync {config}`: CPU per `SET` over its own "
            "without the log " + ", ".join(
                f"{log_cost(runs, target, config, p):.2f}× at {mode_name(50, p)} "
                f"(Redis: {log_cost(runs, 'redis', config, p):.2f}×)" for p in pipelines)
            + ".")


def megabytes(value: int) -> str:
    return f"{value / 1e6:,.1f} MB"


def ratio_text(ours: float, redis: float) -> str:
    return f"{ours / redis:,.0f}×" if redis else "(Redis copied nothing)"


def secs(value: float | None) -> str:
    return "not reached" if value is None else f"{value:.2f} s"


def reproduce() -> str:
    return """## Run it yourself

```sh
make bench                  # about fifteen minutes; writes bench/results/ and this page
make bench ARGS=--quick     # a minute: every benchmark, tiny counts
```

Close other programs first: on a busy machine the ratios move. The
benchmark driver is `tools/bench.py`; how each figure is taken is written
at the top of each module in `tools/bench/`.
"""


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
