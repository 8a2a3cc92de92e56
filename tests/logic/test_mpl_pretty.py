"""Pretty-printer: readable output, and print-then-parse gives back the same IR."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from axiomforge.logic.ir import App, Binary, Eq, Formula, Not, Quant, Rel, Term, Truth, Var, free_vars
from axiomforge.logic.parser import parse_formula, parse_term, parse_theory_file, parse_theory_text
from axiomforge.logic.pretty import format_formula, format_term, format_theory, theory_summary

ROOT = Path(__file__).resolve().parents[2]
PEANO = parse_theory_file(ROOT / "theories" / "peano.mpl")
LISTS = parse_theory_file(ROOT / "theories" / "lists.mpl")
ORDER = parse_theory_file(ROOT / "theories" / "peano_order.mpl")


@pytest.mark.parametrize("text, unicode_out, ascii_out", [
    ("forall a b. a + b = b + a", "∀a b. a + b = b + a", "forall a b. a + b = b + a"),
    ("forall a b c. (a + b) * c = a * c + b * c", "∀a b c. (a + b) · c = a · c + b · c",
     "forall a b c. (a + b) * c = a * c + b * c"),
    ("forall a b c. (a * b) * c = a * (b * c)", "∀a b c. a · b · c = a · (b · c)",
     "forall a b c. a * b * c = a * (b * c)"),
    ("forall a. s(a) = a + 1", "∀a. s(a) = a + 1", "forall a. s(a) = a + 1"),
    ("forall a. a != 0 -> exists b. a = s(b)", "∀a. a ≠ 0 → ∃b. a = s(b)", "forall a. a != 0 -> exists b. a = s(b)"),
    ("forall a b. a * b = 0 -> a = 0 or b = 0", "∀a b. a · b = 0 → a = 0 ∨ b = 0",
     "forall a b. a * b = 0 -> a = 0 or b = 0"),
    ("(forall a. a = a) and 0 = 0", "(∀a. a = a) ∧ 0 = 0", "(forall a. a = a) and 0 = 0"),
    ("(0 = 0 -> 1 = 1) -> 0 = 1", "(0 = 0 → 1 = 1) → 0 = 1", "(0 = 0 -> 1 = 1) -> 0 = 1"),
    ("not (0 = 0 and 1 = 1)", "¬(0 = 0 ∧ 1 = 1)", "not (0 = 0 and 1 = 1)"),
    ("(0 = 0 <-> 1 = 1) <-> 0 = 1", "(0 = 0 ↔ 1 = 1) ↔ 0 = 1", "(0 = 0 <-> 1 = 1) <-> 0 = 1"),
    ("0 = 0 and not forall a. a = 0", "0 = 0 ∧ ¬∀a. a = 0", "0 = 0 and not forall a. a = 0"),
    ("(not forall a. a = 0) and 0 = 0", "¬(∀a. a = 0) ∧ 0 = 0", "not (forall a. a = 0) and 0 = 0"),
])
def test_format_formula_examples(text, unicode_out, ascii_out):
    formula = parse_formula(text, PEANO)
    assert format_formula(formula, PEANO) == unicode_out
    assert format_formula(formula, PEANO, ascii=True) == ascii_out
    assert parse_formula(unicode_out, PEANO) == formula
    assert parse_formula(ascii_out, PEANO) == formula


def test_format_term_examples():
    assert format_term(parse_term("s(a + b) * c", PEANO), PEANO) == "s(a + b) · c"
    assert format_term(parse_term("a + (b + c)", PEANO), PEANO, ascii=True) == "a + (b + c)"
    x = Var("x", "List")
    assert format_term(App("append", (App("append", (x, x)), x)), LISTS) == "(x ++ x) ++ x"
    assert format_term(App("cons", (Var("e", "Elem"), App("nil"))), LISTS) == "cons(e, [])"


def test_annotations_only_where_sorts_cannot_be_inferred():
    x, e = Var("x", "List"), Var("e", "Elem")
    formula = Quant("forall", x, Quant("forall", e, Eq(x, x)))
    assert format_formula(formula, LISTS) == "∀(x : List) (e : Elem). x = x"
    inferred = Quant("forall", x, Eq(App("reverse", (x,)), x))
    assert format_formula(inferred, LISTS) == "∀x. reverse(x) = x"
    chained = Quant("forall", x, Quant("forall", Var("y", "List"), Eq(x, Var("y", "List"))))
    assert format_formula(chained, LISTS) == "∀(x y : List). x = y"


def test_relations_print_infix():
    a, b = Var("a", "N"), Var("b", "N")
    assert format_formula(Rel("le", (a, b)), ORDER) == "a ≤ b"
    assert format_formula(Rel("le", (a, b)), ORDER, ascii=True) == "a <= b"


@pytest.mark.parametrize("theory_file", ["peano.mpl", "lists.mpl", "peano_order.mpl", "gl/peano.translated.mpl"])
@pytest.mark.parametrize("ascii", [False, True])
def test_format_theory_round_trips(theory_file, ascii):
    theory = parse_theory_file(ROOT / "theories" / theory_file)
    again = parse_theory_text(format_theory(theory, ascii=ascii), "<fmt>")
    assert again.name == theory.name
    assert again.sorts == theory.sorts
    assert again.functions == theory.functions
    assert again.relations == theory.relations
    assert again.axioms == theory.axioms
    assert again.induction == theory.induction
    assert again.expects == theory.expects
    if ascii:
        assert format_theory(theory, ascii=True).isascii()


def test_summary_lists_symbols_and_axioms():
    summary = theory_summary(PEANO)
    assert summary["sorts"] == ["N"]
    assert "add (+) : N, N → N" in summary["symbols"]
    assert {"name": "add_comm", "formula": "∀a b. a + b = b + a"} in summary["expects"]


# ---------------------------------------------------------------- round-trip property

NAMES = ["a", "b", "c", "x", "y"]


def peano_terms() -> st.SearchStrategy[Term]:
    leaves = st.one_of(st.sampled_from([Var(n, "N") for n in NAMES]), st.sampled_from([App("zero"), App("one")]))
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(lambda t: App("s", (t,)), inner),
            st.builds(lambda l, r: App("add", (l, r)), inner, inner),
            st.builds(lambda l, r: App("mul", (l, r)), inner, inner),
        ),
        max_leaves=6,
    )


def formulas(atoms: st.SearchStrategy[Formula], variables: list[Var]) -> st.SearchStrategy[Formula]:
    return st.recursive(
        atoms,
        lambda inner: st.one_of(
            st.builds(Not, inner),
            st.builds(Binary, st.sampled_from(["and", "or", "implies", "iff"]), inner, inner),
            st.builds(Quant, st.sampled_from(["forall", "exists"]), st.sampled_from(variables), inner),
        ),
        max_leaves=5,
    )


PEANO_ATOMS = st.one_of(
    st.builds(Eq, peano_terms(), peano_terms()),
    st.builds(Truth, st.booleans()),
    st.builds(lambda l, r: Rel("le", (l, r)), peano_terms(), peano_terms()),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas(PEANO_ATOMS, [Var(n, "N") for n in NAMES]), st.booleans())
def test_print_then_parse_gives_the_same_ir_peano(formula, ascii):
    """Peano's signature plus the infix relation ≤ of peano_order.mpl."""
    text = format_formula(formula, ORDER, ascii=ascii)
    assert parse_formula(text, ORDER) == formula, text


def lists_terms(sort: str) -> st.SearchStrategy[Term]:
    lists_leaf = st.sampled_from([Var("x", "List"), Var("y", "List"), App("nil")])
    elem_leaf = st.sampled_from([Var("e", "Elem"), Var("f", "Elem")])
    nat_leaf = st.sampled_from([Var("n", "N"), App("zero")])
    list_terms = st.recursive(
        lists_leaf,
        lambda inner: st.one_of(
            st.builds(lambda e, l: App("cons", (e, l)), elem_leaf, inner),
            st.builds(lambda l, r: App("append", (l, r)), inner, inner),
            st.builds(lambda l: App("reverse", (l,)), inner),
        ),
        max_leaves=4,
    )
    nat_terms = st.recursive(
        st.one_of(nat_leaf, st.builds(lambda l: App("length", (l,)), list_terms)),
        lambda inner: st.one_of(st.builds(lambda t: App("s", (t,)), inner),
                                st.builds(lambda l, r: App("add", (l, r)), inner, inner)),
        max_leaves=4,
    )
    return {"List": list_terms, "Elem": elem_leaf, "N": nat_terms}[sort]


LISTS_VARS = [Var("x", "List"), Var("y", "List"), Var("e", "Elem"), Var("f", "Elem"), Var("n", "N")]
LISTS_ATOMS = st.one_of([st.builds(Eq, terms, terms) for terms in (lists_terms(s) for s in ("List", "Elem", "N"))])


def _close(formula: Formula) -> Formula:
    for var in sorted(free_vars(formula), reverse=True):
        formula = Quant("forall", var, formula)
    return formula


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas(LISTS_ATOMS, LISTS_VARS).map(_close), st.booleans())
def test_print_then_parse_gives_the_same_ir_lists(formula, ascii):
    text = format_formula(formula, LISTS, ascii=ascii)
    assert parse_formula(text, LISTS) == formula, text
