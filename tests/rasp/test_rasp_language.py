"""The .rasp language: syntax, scoping, loads, and errors with locations."""

from __future__ import annotations

from fractions import Fraction

import pytest

from axiomforge.rasp import ir
from axiomforge.rasp.errors import RaspRuntimeError, RaspSyntaxError, RaspTypeError
from axiomforge.rasp.interpreter import evaluate
from axiomforge.rasp.parser import load_file, load_program


def run(text: str, tokens, causal: bool = False, output: str | None = None):
    program = load_program(text, "t.rasp", output)
    return evaluate(program.output, tokens, causal or program.causal)


def test_paper_style_program_with_def_lambda_and_arithmetic():
    text = """
    # comments are ignored
    def hist(s) {
        same = select(s, s, ==);
        return selector_width(same);
    }
    opp = length - indices - 1;
    reverse = aggregate(select(indices, opp, ==), tokens);
    h = hist(tokens);
    shout = map(lambda x: x + "!", tokens);
    output = zipmap(lambda a, b: a + str(b), reverse, h);
    """
    assert run(text, list("abb")) == ["b1", "b2", "a2"]
    assert run(text, list("abb"), output="shout") == ["a!", "b!", "b!"]


def test_output_defaults_to_last_sop():
    assert run("x = indices + 1; y = x * 2;", list("abc")) == [2, 4, 6]


def test_conditional_comparison_and_boolean_operators_lift_to_sops():
    text = "output = 1 if (tokens == \"a\" and indices > 0) or not (indices < 2) else 0;"
    assert run(text, list("aaba")) == [0, 1, 1, 1]


def test_numbers_are_exact_fractions():
    text = 'output = numerical(aggregate(select(indices, indices, <=), numerical(map(lambda t: 1 if t == "x" else 0, tokens)), 0));'
    assert run(text, list("xyx")) == [1, Fraction(1, 2), Fraction(2, 3)]


def test_selector_operators_and_custom_predicates():
    text = """
    a = select(tokens, tokens, ==);
    b = select(indices, indices, lambda k, q: k != q);
    output = selector_width(a & b | ~a & select(indices, indices, TRUE) & b);
    """
    assert run(text, list("aab")) == [2, 2, 2]


def test_pragma_causal_gives_prefix_semantics():
    program = load_program("pragma causal; output = length;", "c.rasp")
    assert program.causal
    assert evaluate(program.output, list("abcd"), causal=True) == [1, 2, 3, 4]


def test_load_relative_file(tmp_path):
    (tmp_path / "lib.rasp").write_text("def twice(s) { return s * 2; }")
    main = tmp_path / "main.rasp"
    main.write_text('load "lib.rasp";\noutput = twice(indices);')
    assert evaluate(load_file(main).output, [0, 0, 0]) == [0, 2, 4]


def test_load_falls_back_to_the_library(tmp_path):
    main = tmp_path / "main.rasp"
    main.write_text('load "dyck.rasp";\noutput = pair_balance("(", ")");')
    assert evaluate(load_file(main).output, list("(()")) == [1, 1, Fraction(1, 3)]


@pytest.mark.parametrize(
    "text, line, column, words",
    [
        ("x = map(lambda x: x + 1, tokens)\ny = 2;", 2, 1, "unexpected"),
        ("x = select(tokens, tokens, ==;\n", 1, 30, "unexpected ';'"),
        ("x = tokens $ 2;", 1, 12, "unexpected character"),
        ("def f(a) { return a; ", 1, 22, "unexpected"),
    ],
)
def test_syntax_errors_have_locations(text, line, column, words):
    with pytest.raises(RaspSyntaxError) as err:
        load_program(text, "bad.rasp")
    loc = err.value.location
    assert (loc.file, loc.line) == ("bad.rasp", line)
    assert loc.column == column
    assert words in err.value.message
    assert "^" in err.value.detail


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("x = aggregate(tokens, tokens);", 1, "must be a selector"),
        ("s = select(tokens, tokens, ==);\ny = s + 1;", 2, "selector"),
        ("y = map(lambda a, b: a, tokens);", 1, "must take 1 argument"),
        ("y = undefined_name + 1;", 1, "unknown name 'undefined_name'"),
        ("def f(a) { return a; }\ny = f(tokens, tokens);", 2, "takes 1 argument"),
        ("y = select(tokens, 3, ==);", 1, "queries must be an s-op"),
        ("y = selector_width(tokens);", 1, "must be a selector"),
        ("pragma fast;", 1, "unknown pragma"),
        ('load "nope.rasp";', 1, "cannot load"),
        ("y = tokens; output = select(tokens, tokens, ==);", None, "not an s-op"),
    ],
)
def test_type_errors_have_locations(text, line, words):
    with pytest.raises(RaspTypeError) as err:
        load_program(text, "bad.rasp")
    assert err.value.location.file == "bad.rasp"
    assert err.value.location.line == line
    assert words in err.value.message


def test_runtime_errors_name_the_sop():
    program = load_program("output = map(lambda x: 1 / x, indices);", "r.rasp")
    with pytest.raises(RaspRuntimeError) as err:
        evaluate(program.output, ["a", "b"])
    assert "output" in err.value.message and "ZeroDivisionError" in err.value.message
    assert err.value.location is not None


def test_named_sops_carry_their_names():
    program = load_program("flip = select(indices, indices, ==);\nrev = aggregate(flip, tokens);", "n.rasp")
    assert program.output.label == "rev"
    assert isinstance(program.names["flip"], ir.Select)
    assert program.output.location.line == 2
