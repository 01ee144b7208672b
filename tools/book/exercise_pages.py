"""A step's exercises as Markdown: {{ exercises("02_resp") }}.

The exercises themselves are read by tools/exercises.py, the module the
tutor uses, from the step's markers and exercises.toml: the book shows the
same titles, hints and reference solutions the tutor works with.
"""

import sys
import textwrap

from stepfiles import REPO, BookError, md_escape, repo_path, step_dir

sys.path.insert(0, str(REPO / "tools"))
import exercises  # noqa: E402  (tools/exercises.py, shared with the tutor)

sys.path.remove(str(REPO / "tools"))


def render_exercises(step: str) -> str:
    """One section per exercise: where it is, the hint and the solution."""
    folder = step_dir(step)
    if not (folder / exercises.METADATA_FILE).exists():
        raise BookError(f"step {step} has no {exercises.METADATA_FILE}")
    try:
        found = exercises.load_exercises(folder)
    except exercises.ExerciseError as err:
        raise BookError(f"exercises of {step}: {err}") from err
    if not found:
        raise BookError(f"step {step} lists no exercises")
    return "\n\n".join(exercise_section(e) for e in found) + "\n"


def exercise_section(exercise) -> str:
    where = f"`{repo_path(exercise.path)}`"
    if exercise.function:
        where = f"`{exercise.function}()` in {where}"
    return "\n\n".join([
        f"### {md_escape(exercise.title)} {{ #{exercise.chapter_anchor} }}",
        f"Exercise `{exercise.id}`: {where}, the block between lines "
        f"{exercise.start_line} and {exercise.end_line}.",
        folded("tip", "Hint", md_escape(exercise.hint)),
        folded("example", "Reference solution",
               f"``````python\n{exercise.solution.rstrip()}\n``````"),
    ])


def folded(kind: str, title: str, body: str) -> str:
    """A collapsed admonition (pymdownx.details)."""
    return f'??? {kind} "{title}"\n\n' + textwrap.indent(body, "    ", lambda _: True)
