"""Figures of the last `make bench` in a chapter: {{ memory_per_key([steps], [datasets]) }}.

A chapter that quotes what a key costs shows the measurement the benchmarks
page was made from, book/benchmarks/results.json, through the same table
code (tools/bench_report.py), so its figures change when `make bench` runs
again and never disagree with the page.
"""

import json
import sys
from pathlib import Path

from stepfiles import REPO, BookError

sys.path.append(str(Path(__file__).resolve().parents[1]))  # tools/: bench_report, bench/
from bench_report import bytes_per_key_table  # noqa: E402

RESULTS = REPO / "book" / "benchmarks" / "results.json"


def render_memory_per_key(steps: list[str], datasets: list[str]) -> str:
    """Bytes per key of each dataset ("hashes", "sets"...) in Redis and each step."""
    memory = json.loads(RESULTS.read_text())["memory"]
    for step in steps:
        if step not in memory:
            raise BookError(f"{RESULTS.relative_to(REPO)} has no memory figures for {step!r}")
    for dataset in datasets:
        if dataset not in memory["redis"]:
            raise BookError(f"{RESULTS.relative_to(REPO)} has no dataset {dataset!r}; it has "
                            + ", ".join(memory["redis"]))
    return "\n".join(bytes_per_key_table(memory, steps, datasets)) + "\n"
