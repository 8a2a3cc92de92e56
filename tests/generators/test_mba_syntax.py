"""Parsing and printing MBA expressions: round trips, precedence, Lean text, located errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from axiomforge.errors import UserError
from axiomforge.generators.mba.evaluate import evaluate
from axiomforge.generators.mba.expr import Binary, Const, Expr, Unary, Var
from axiomforge.generators.mba.parse import MBAInputError, MBASyntaxError, parse_expression, parse_identity
from axiomforge.generators.mba.printing import to_c, to_lean

leaves = st.one_of(st.sampled_from([Var("x"), Var("y"), Var("z")]), st.integers(0, 300).map(Const))


def _extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    return st.one_of(
        st.builds(Unary, st.sampled_from(["-", "~"]), children),
        st.builds(Binary, st.sampled_from(["+", "-", "*", "&", "|", "^"]), children, children),
    )


expressions = st.recursive(leaves, _extend, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(expressions)
def test_printing_then_parsing_gives_the_same_tree(e: Expr) -> None:
    assert parse_expression(to_c(e)) == e


def test_c_precedence() -> None:
    e = parse_expression("x | y ^ z & x + y * -z")
    assert e == Binary("|", Var("x"), Binary("^", Var("y"), Binary("&", Var("z"), Binary(
        "+", Var("x"), Binary("*", Var("y"), Unary("-", Var("z")))))))
    assert parse_expression("x - y - z") == Binary("-", Binary("-", Var("x"), Var("y")), Var("z"))
    assert to_c(parse_expression("x - (y - z)")) == "x - (y - z)"
    assert parse_expression("0x1F") == Const(31)


def test_evaluation_wraps_at_the_width() -> None:
    e = parse_expression("x*y + ~x - -3")
    assert evaluate(e, {"x": 200, "y": 3}, 8) == (200 * 3 + (255 - 200) + 3) % 256
    assert evaluate(parse_expression("-x"), {"x": 1}, 64) == 2**64 - 1


def test_lean_syntax() -> None:
    e = parse_expression("3*x + 5 - 2*(x & y) - ~x ^ y | -z")
    assert to_lean(e, 64) == "(((3#64) * x + (5#64) - (2#64) * (x &&& y) - (~~~x)) ^^^ y) ||| (-z)"
    assert to_lean(parse_expression("x*y*z"), None) == "x * y * z"
    assert to_lean(parse_expression("x - (y + 1)"), 8) == "x - (y + (1#8))"


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [("x + ", 5, "end of input"), ("x $ y", 3, "unexpected character '$'"), ("(x + y", 7, "end of input"),
     ("x y", 3, "unexpected 'y'")],
)
def test_syntax_errors_carry_their_location(text: str, column: int, fragment: str) -> None:
    with pytest.raises(MBASyntaxError) as info:
        parse_expression(text, source="<arg>")
    err = info.value
    assert isinstance(err, UserError)
    assert (err.location.file, err.location.line, err.location.column) == ("<arg>", 1, column)  # type: ignore[union-attr]
    assert fragment in err.message
    assert err.detail.splitlines()[-1].index("^") == column + 1


def test_identity_and_expression_are_told_apart() -> None:
    with pytest.raises(MBAInputError):
        parse_identity("x + y")
    with pytest.raises(MBAInputError):
        parse_expression("x == y")
    assert parse_identity("x == y").rhs == Var("y")


def test_flat_input_is_not_mistaken_for_deep_nesting() -> None:
    from axiomforge.generators.mba.parse import MAX_NESTING, tree_depth

    text = " + ".join(["~x - -y"] * 3000)  # 9,000 '~'/'-' characters, 6,000 operands, no nesting
    e = parse_expression(text)
    assert tree_depth(e) <= MAX_NESTING
    env = {"x": 5, "y": 7}
    assert evaluate(e, env, 64) == (3000 * (~5 + 7)) % 2**64
    # short chains keep the parser's own tree, so printing round-trips as before
    assert parse_expression("a - b + c - d") == parse_expression("((a - b) + c) - d")


def test_genuinely_deep_input_is_refused_with_its_kind() -> None:
    with pytest.raises(MBAInputError, match="nested more than 400 levels deep"):
        parse_expression("~" * 9000 + "x")
    with pytest.raises(MBAInputError, match="parentheses deep"):
        parse_expression("(" * 500 + "x" + ")" * 500)


def test_the_fast_parser_agrees_with_the_grammar() -> None:
    """Precedence climbing gives Lark's tree for well-formed text and defers everything else to Lark."""
    import random

    from axiomforge.generators.mba.parse import _fast_parse, _parser

    rng = random.Random(0)
    alphabet = "xy01 ()+-*&|^~=aZ_\t"
    fast_hits = 0
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        if rng.random() < 0.5:
            text = f"(x&~y)*({text}) - 0x1F*x"
        fast = _fast_parse(text)
        try:
            slow = _parser().parse(text)
        except Exception:
            slow = None
        if fast is not None:
            fast_hits += 1
            assert fast == slow, text
    assert fast_hits > 100
    assert _fast_parse("x +") is None and _fast_parse("x == y == z") is None and _fast_parse("2x") is None
