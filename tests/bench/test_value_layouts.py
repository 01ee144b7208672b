"""tools/bench/value_layouts.py: what a value's layout costs per key.

Chapter 6 quotes its table. These tests run it with few keys and check
what the layouts are: step 06's RedisObject adds one 64-byte object to
the payload, a bytes subclass adds the garbage collector's 16-byte header
to a plain bytes, and robj's 4 header bytes packed before the payload
cost at most one more 16-byte size class. Each figure is a fresh
interpreter's resident memory grown by 100,000 keys, steady to 0.1 B (with
20,000, a page of jitter is 0.2 B, enough to round 213.5 either way).
"""

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / "tools" / "bench" / "value_layouts.py"
ROW = re.compile(r"^\| (.+) \| 100,000 \| (\d+) B \| (\d+) B \| (\d+) B \| (\d+) B \|$")
HOLDS = ["a 3-byte string", "a 5-field hash (listpack)",
         "a set of 10 integers (intset)", "a 5-member sorted set (listpack)"]


def test_each_layout_costs_what_its_objects_do():
    done = subprocess.run([sys.executable, str(TOOL), "--keys", "100000"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    header, rule, *rows = done.stdout.splitlines()
    assert header == "| one key holds | keys | bare | robj | subclass | packed |"
    parsed = [ROW.match(row).groups() for row in rows]
    assert [holds for holds, *_ in parsed] == HOLDS
    for holds, *figures in parsed:
        bare, robj, subclass, packed = map(int, figures)
        assert 60 <= robj - bare <= 68, holds  # a 64-byte RedisObject
        assert 14 <= subclass - packed <= 18, holds  # the GC's 16-byte header
        assert 0 <= packed - bare <= 17, holds  # 4 bytes: at most one class
