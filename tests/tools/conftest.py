"""Tests of tools/: the exercise markers and the tutor.

They don't take the `target` fixture: each runs once, whatever --target
says, and starts the child pytest runs it needs itself.
"""

import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[2] / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))  # exercises.py, tutor.py, tutor_plugin.py
