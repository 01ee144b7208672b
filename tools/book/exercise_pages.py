"""A step's exercises as Markdown: {{ exercises("02_resp") }}.

The exercises themselves are read by tools/exercises.py, the module the
tutor uses, from the step's markers and exercises.toml: the book shows the
same titles, hints, needs and reference solutions the tutor works with.
Hints and solutions are folded away, and left out of the site's search.
"""

import sys

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
    parts = [
        f"### {md_escape(exercise.title)} {{ #{exercise.chapter_anchor} }}",
        f"Exercise `{exercise.id}`: {where}, the block between lines "
        f"{exercise.start_line} and {exercise.end_line}.",
    ]
    if exercise.needs:
        parts.append(needs_paragraph(exercise))
    parts += [folded("tip", "Hint", md_escape(exercise.hint)),
              folded("example", "Reference solution",
                     f"``````python\n{exercise.solution.rstrip()}\n``````")]
    return "\n\n".join(parts)


def needs_paragraph(exercise) -> str:
    """Which exercises must be done first for all its tests to pass, and why."""
    anchors = {e.id: e.chapter_anchor for e in exercises.load_exercises(
        step_dir(exercise.step))}
    links = ", ".join(f"[`{i}`](#{anchors[i]})" for i in exercise.needs)
    return (f"Needs {links}: its tests cannot all pass before those are done. "
            f"{md_escape(exercise.needs_why)}")


def folded(kind: str, title: str, body: str) -> str:
    """A collapsed admonition, kept out of the search index.

    The same <details> that pymdownx.details makes of `??? kind "title"`,
    written as HTML (md_in_html renders the Markdown inside) so that it can
    carry mkdocs-material's data-search-exclude: a search for a function's
    name must not show its hint or its reference code.
    """
    return (f'<details class="{kind}" data-search-exclude markdown>\n'
            f"<summary>{title}</summary>\n\n{body}\n\n</details>")
