"""Unit tests of tools/exercises.py: markers, exercises.toml, stubs."""

import textwrap
from pathlib import Path

import pytest
from exercises import (
    ExerciseError,
    find_blocks,
    load_exercises,
    make_stub,
    plural,
    replace_block,
    stub_source,
    write_workspace,
)

SOURCE = '''\
def parse(c) -> bool:
    """Parse one request."""
    # BEGIN EXERCISE 02-parse
    if not c:
        return False
    return True
    # END EXERCISE 02-parse


def loop(items):
    for item in items:
        # BEGIN EXERCISE 02-loop-body
        print(item)
        # END EXERCISE 02-loop-body
    return len(items)
'''

TOML = '''\
[[exercise]]
id = "02-parse"
title = "Parse a request"
hint = """
Mirror processInlineBuffer() in networking.c: one line. Then more "detail".
"""

[[exercise]]
id = "02-loop-body"
title = "Print each item"
hint = "Print it."
chapter_anchor = "printing"
'''


def make_step(tmp_path: Path, source: str = SOURCE, toml: str | None = TOML,
              name: str = "02_demo") -> Path:
    step = tmp_path / name
    step.mkdir()
    (step / "server.py").write_text(textwrap.dedent(source))
    if toml is not None:
        (step / "exercises.toml").write_text(toml)
    return step


def error_of(text: str) -> str:
    with pytest.raises(ExerciseError) as caught:
        find_blocks(textwrap.dedent(text), Path("x.py"))
    return str(caught.value)


def test_blocks_are_found_with_their_lines_indentation_and_body():
    body, loop = find_blocks(SOURCE, Path("x.py"))
    assert (body.id, body.start_line, body.end_line, body.indent) == ("02-parse", 3, 7, "    ")
    assert body.body == "    if not c:\n        return False\n    return True\n"
    assert (loop.id, loop.indent, loop.body.strip()) == ("02-loop-body", " " * 8, "print(item)")


def test_nested_markers_are_an_error():
    message = error_of("""
        # BEGIN EXERCISE 02-outer
        # BEGIN EXERCISE 02-inner
        x = 1
        # END EXERCISE 02-inner
        # END EXERCISE 02-outer
        """)
    assert message == ("x.py:3: BEGIN EXERCISE 02-inner inside exercise 02-outer (opened at "
                       "line 2); exercise blocks cannot nest")


def test_unterminated_marker_is_an_error():
    message = error_of("# BEGIN EXERCISE 02-open\nx = 1\n")
    assert message == ("x.py:1: BEGIN EXERCISE 02-open is never closed "
                       "(add '# END EXERCISE 02-open')")


def test_duplicate_marker_is_an_error():
    message = error_of("""\
        # BEGIN EXERCISE 02-twice
        x = 1
        # END EXERCISE 02-twice
        # BEGIN EXERCISE 02-twice
        y = 2
        # END EXERCISE 02-twice
        """)
    assert message == "x.py:4: exercise 02-twice is marked twice (also at x.py:1)"


def test_mismatched_end_is_an_error():
    message = error_of("# BEGIN EXERCISE 02-a\nx = 1\n# END EXERCISE 02-b\n")
    assert "x.py:3: END EXERCISE 02-b closes exercise 02-a (opened at line 1)" in message


def test_end_without_begin_is_an_error():
    assert error_of("x = 1\n# END EXERCISE 02-a\n") == (
        "x.py:2: END EXERCISE 02-a without a BEGIN")


@pytest.mark.parametrize("marker", ["# BEGIN EXERCISE", "# BEGIN EXERCISE Inline",
                                    "# BEGIN EXERCISE inline", "# BEGIN EXERCISE 02_inline"])
def test_marker_without_a_proper_id_is_an_error(marker):
    assert "needs an id like 02-inline" in error_of(marker + "\nx = 1\n")


def test_end_indented_unlike_its_begin_is_an_error():
    message = error_of("    # BEGIN EXERCISE 02-a\n    x = 1\n# END EXERCISE 02-a\n")
    assert "indented differently from its BEGIN at line 1" in message


def test_empty_block_is_an_error():
    assert "has no code" in error_of("# BEGIN EXERCISE 02-a\n\n# END EXERCISE 02-a\n")


def test_block_may_not_cross_a_snippet_marker():
    message = error_of("""\
        # BEGIN EXERCISE 02-a
        x = 1
        # --8<-- [end:parse]
        # END EXERCISE 02-a
        """)
    assert "a snippet marker inside exercise 02-a" in message


def test_load_exercises_joins_markers_and_entries(tmp_path):
    parse, loop = load_exercises(make_step(tmp_path))
    assert parse.id == "02-parse" and parse.step == "02_demo"
    assert parse.title == "Parse a request"
    assert parse.hint == ('Mirror processInlineBuffer() in networking.c: one line. '
                          'Then more "detail".')
    assert parse.solution == "if not c:\n    return False\nreturn True\n"
    assert (parse.start_line, parse.end_line, parse.function) == (3, 7, "parse")
    assert parse.chapter_anchor == "exercise-02-parse"
    assert (loop.function, loop.chapter_anchor, loop.filename) == ("loop", "printing",
                                                                   "server.py")


def test_marker_without_an_entry_is_an_error(tmp_path):
    toml = TOML.split("[[exercise]]\nid = \"02-loop-body\"")[0]
    with pytest.raises(ExerciseError, match=r"server.py:12: exercise 02-loop-body has no "
                                            r"entry in .*exercises.toml"):
        load_exercises(make_step(tmp_path, toml=toml))


def test_markers_without_any_exercises_toml_are_an_error(tmp_path):
    with pytest.raises(ExerciseError, match="exercise 02-parse has no entry"):
        load_exercises(make_step(tmp_path, toml=None))


def test_entry_without_a_marker_is_an_error(tmp_path):
    toml = TOML + '\n[[exercise]]\nid = "02-ghost"\ntitle = "G"\nhint = "H"\n'
    with pytest.raises(ExerciseError, match=r"exercise 02-ghost has no '# BEGIN EXERCISE "
                                            r"02-ghost' marker"):
        load_exercises(make_step(tmp_path, toml=toml))


@pytest.mark.parametrize(("entry", "message"), [
    ('id = "02-parse"\ntitle = "T"', "'hint' must be a non-empty string"),
    ('id = "02-parse"\ntitle = "T"\nhint = "H"\ntests = "x"', "unknown key(s) ['tests']"),
    ('id = "03-parse"\ntitle = "T"\nhint = "H"', "must be kebab-case and start with"),
    ('id = "01-parse"\ntitle = "T"\nhint = "H"', "01-parse is an exercise of an earlier step"),
    ('id = "02-parse"\ntitle = "T"\nhint = "H"\nchapter_anchor = 3',
     "'chapter_anchor' must be a non-empty string"),
])
def test_bad_entries_are_errors(tmp_path, entry, message):
    step = make_step(tmp_path, source="x = 1\n", toml=f"[[exercise]]\n{entry}\n")
    with pytest.raises(ExerciseError) as caught:
        load_exercises(step)
    assert message in str(caught.value)


def test_needs_names_other_exercises_of_the_step_and_says_why(tmp_path):
    toml = TOML.replace('chapter_anchor = "printing"\n', 'chapter_anchor = "printing"\n'
                        'needs = ["02-parse"]\nneeds_why = """\nIt prints what\nparse took.\n"""\n')
    parse, loop = load_exercises(make_step(tmp_path, toml=toml))
    assert (parse.needs, parse.needs_why) == ((), "")
    assert (loop.needs, loop.needs_why) == (("02-parse",), "It prints what parse took.")


@pytest.mark.parametrize(("needs", "message"), [
    ('needs = ["02-parse"]', "'needs' and 'needs_why' go together"),
    ('needs_why = "Because."', "'needs' and 'needs_why' go together"),
    ('needs = "02-parse"\nneeds_why = "B."', "'needs' is a list of exercise ids"),
    ('needs = ["02-ghost"]\nneeds_why = "B."', "02-loop-body needs '02-ghost', which is not"),
    ('needs = ["02-loop-body"]\nneeds_why = "B."', "02-loop-body needs '02-loop-body'"),
])
def test_bad_needs_are_errors(tmp_path, needs, message):
    toml = TOML.replace('chapter_anchor = "printing"\n', f'chapter_anchor = "printing"\n{needs}\n')
    with pytest.raises(ExerciseError) as caught:
        load_exercises(make_step(tmp_path, toml=toml))
    assert message in str(caught.value)


@pytest.mark.parametrize(("count", "text"), [(0, "0 exercises"), (1, "1 exercise"),
                                             (2, "2 exercises")])
def test_counts_agree_with_their_noun(count, text):
    assert plural(count, "exercise") == text


def test_exercise_must_be_an_array_of_tables(tmp_path):
    with pytest.raises(ExerciseError, match=r"write each exercise as an \[\[exercise\]\]"):
        load_exercises(make_step(tmp_path, source="x = 1\n", toml='exercise = "02-x"\n'))


def test_two_entries_with_one_id_are_an_error(tmp_path):
    entry = '[[exercise]]\nid = "02-parse"\ntitle = "T"\nhint = "H"\n'
    with pytest.raises(ExerciseError, match="exercise 02-parse has two entries"):
        load_exercises(make_step(tmp_path, source=SOURCE, toml=entry * 2))


def test_earlier_steps_markers_belong_to_their_own_step(tmp_path):
    source = SOURCE + "\n# BEGIN EXERCISE 01-old\nold = 1\n# END EXERCISE 01-old\n"
    assert [e.id for e in load_exercises(make_step(tmp_path, source=source))] == [
        "02-parse", "02-loop-body"]


def test_a_later_steps_marker_is_an_error(tmp_path):
    source = SOURCE + "\n# BEGIN EXERCISE 05-future\nx = 1\n# END EXERCISE 05-future\n"
    with pytest.raises(ExerciseError, match="belongs to a later step than 02_demo"):
        load_exercises(make_step(tmp_path, source=source))


def test_stub_replaces_only_the_chosen_block_and_keeps_the_markers(tmp_path):
    parse, _loop = load_exercises(make_step(tmp_path))
    stubbed = stub_source(SOURCE, [parse])
    compile(stubbed, "stubbed.py", "exec")
    lines = stubbed.splitlines()
    assert lines[2:5] == ["    # BEGIN EXERCISE 02-parse", make_stub(parse).rstrip("\n"),
                          "    # END EXERCISE 02-parse"]
    assert "        print(item)" in lines  # the other block is left alone
    blocks = find_blocks(stubbed, Path("x.py"))
    assert [b.is_stub for b in blocks] == [True, False]


def test_stub_raises_a_message_naming_the_exercise_title_hint_and_command(tmp_path):
    parse, loop = load_exercises(make_step(tmp_path))
    namespace = {}
    exec(stub_source(SOURCE, [parse, loop]), namespace)
    with pytest.raises(NotImplementedError) as caught:
        namespace["parse"](None)
    assert str(caught.value) == (
        "exercise 02-parse: Parse a request. Hint: Mirror processInlineBuffer() in "
        "networking.c: one line. (python tools/tutor.py hint 02-parse)")
    with pytest.raises(NotImplementedError, match="exercise 02-loop-body: Print each item"):
        namespace["loop"]([1])
    assert namespace["loop"]([]) == 0  # code outside the block still runs


def test_putting_the_solution_back_restores_the_reference(tmp_path):
    exercises = load_exercises(make_step(tmp_path))
    text = stub_source(SOURCE, exercises)
    for exercise in exercises:
        text = replace_block(text, exercise.id, exercise.solution, Path("x.py"))
    assert text == SOURCE


def test_workspace_is_the_step_with_blocks_stubbed_and_no_metadata(tmp_path):
    step = make_step(tmp_path)
    (step / "notes.txt").write_text("kept")
    workspace = tmp_path / "ws" / "02_demo"
    write_workspace(step, workspace, load_exercises(step))
    assert sorted(p.name for p in workspace.iterdir()) == ["notes.txt", "server.py"]
    assert [b.is_stub for b in find_blocks((workspace / "server.py").read_text(),
                                           workspace / "server.py")] == [True, True]
