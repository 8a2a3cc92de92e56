"""Readable infix from the theory's notation: precedence, associativity, connectives."""

from __future__ import annotations

import pytest

from axiomforge.proofs.builder import app, binary, eq, exists, forall, implies, neg, var
from axiomforge.proofs.notation import Printer

THEORY = {
    "functions": [
        {"name": "zero", "args": [], "result": "N", "notation": "0"},
        {"name": "s", "args": ["N"], "result": "N"},
        {"name": "add", "args": ["N", "N"], "result": "N", "infix": "+", "precedence": 6, "assoc": "left"},
        {"name": "mul", "args": ["N", "N"], "result": "N", "infix": "*", "precedence": 7, "assoc": "left"},
        {"name": "append", "args": ["L", "L"], "result": "L", "infix": "++", "precedence": 5, "assoc": "right"},
        {"name": "sub", "args": ["N", "N"], "result": "N", "infix": "-"},  # no precedence: the default
    ],
    "relations": [{"name": "le", "args": ["N", "N"], "infix": "<="}, {"name": "even", "args": ["N"]}],
}
a, b, c = (var(x, "N") for x in "abc")
x, y, z = (var(n, "L") for n in "xyz")


def add(p, q):
    return app("add", p, q)


def mul(p, q):
    return app("mul", p, q)


def app_(p, q):
    return app("append", p, q)


@pytest.mark.parametrize(
    "term, shown",
    [
        (add(add(a, b), c), "a + b + c"),
        (add(a, add(b, c)), "a + (b + c)"),
        (mul(a, add(b, c)), "a * (b + c)"),
        (add(mul(a, b), c), "a * b + c"),
        (mul(add(a, b), c), "(a + b) * c"),
        (app_(x, app_(y, z)), "x ++ y ++ z"),
        (app_(app_(x, y), z), "(x ++ y) ++ z"),
        (app("s", add(app("zero"), a)), "s(0 + a)"),
        (app("sub", app("sub", a, b), c), "a - b - c"),
    ],
)
def test_terms(term, shown):
    assert Printer(THEORY).show(eq(term, term)) == f"{shown} = {shown}"


def test_formulas_unicode_and_ascii():
    p, q, r = eq(a, b), eq(b, c), eq(a, c)
    printer, ascii_printer = Printer(THEORY), Printer(THEORY, ascii=True)
    assert printer.show(implies(p, implies(q, r))) == "a = b → b = c → a = c"
    assert printer.show(implies(implies(p, q), r)) == "(a = b → b = c) → a = c"
    assert printer.show(neg(eq(a, b))) == "a ≠ b"
    assert printer.show(neg(binary("and", p, q))) == "¬(a = b ∧ b = c)"
    assert printer.show(binary("or", binary("and", p, q), r)) == "a = b ∧ b = c ∨ a = c"
    assert printer.show(forall("a", "N", forall("b", "N", p))) == "∀a b. a = b"
    assert printer.show(forall("a", "N", exists("b", "N", p))) == "∀a. ∃b. a = b"
    assert printer.show({"op": "rel", "r": "le", "a": [a, b]}) == "a <= b"
    assert printer.show({"op": "rel", "r": "even", "a": [a]}) == "even(a)"
    assert ascii_printer.show(forall("a", "N", implies(neg(p), {"op": "false"}))) == "forall a. a != b -> false"


def test_malformed_input_prints_without_failing():
    assert Printer(None).show({"op": "nonsense"}) == "{'op': 'nonsense'}"
    assert Printer({"functions": "junk"}).show(eq(a, a)) == "a = a"
