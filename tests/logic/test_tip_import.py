"""TIP -> MPL: our own TIP-syntax problems (naturals, lists, trees, booleans, ite), the round
trip through the MPL parser and printer, and unsupported higher-order input."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from axiomforge.logic.ir import App, Eq, Var
from axiomforge.logic.parser import parse_theory_text
from axiomforge.logic.pretty import format_theory
from axiomforge.logic.tip import TipError, TipUnsupported, import_tip_file, import_tip_text, read_sexprs

HERE = Path(__file__).parent / "tip"
FIRST_ORDER = sorted(p for p in HERE.glob("*.smt2") if p.name != "higher_order.smt2")


def _theory(path: Path):
    return parse_theory_text(import_tip_file(path), str(path) + ".mpl")


def test_sexpr_reader_locates_atoms_and_quoted_symbols() -> None:
    items = read_sexprs("; comment\n(define-fun |-2| ((x Nat)) Nat\n  x)")
    assert len(items) == 1
    head = items[0]
    assert head.line == 2 and head.column == 1
    assert [a.text for a in head.items[:2]] == ["define-fun", "-2"]  # type: ignore[union-attr]
    with pytest.raises(TipError) as err:
        read_sexprs("(prove (= x y)", "bad.smt2")
    assert err.value.location is not None and err.value.location.file == "bad.smt2"


@pytest.mark.parametrize("path", FIRST_ORDER, ids=lambda p: p.stem)
def test_round_trip(path: Path) -> None:
    """import -> MPL -> parse -> fmt -> parse gives the same theory; one goal per problem."""
    text = import_tip_file(path)
    theory = parse_theory_text(text, "a.mpl")
    again = parse_theory_text(format_theory(theory), "a.mpl")
    strip = {"source": "", "source_sha256": "", "name": "t"}
    assert replace(again, **strip) == replace(theory, **strip)
    assert len(theory.goals) == 1 and theory.goals[0].name == path.stem
    assert import_tip_file(path) == text  # deterministic


def test_nat_definitions_become_pattern_equations() -> None:
    theory = _theory(HERE / "nat_plus_comm.smt2")
    assert theory.sorts == ("Nat",)
    by_name = {ax.name: ax.formula for ax in theory.axioms}
    assert {"plus_1", "plus_2", "Z_ne_S", "S_inj"} <= set(by_name)
    body = by_name["plus_1"]
    while hasattr(body, "body"):
        body = body.body
    assert body == Eq(App("plus", (App("Z"), Var("y", "Nat"))), Var("y", "Nat"))


def test_polymorphic_list_is_instantiated_at_an_abstract_sort() -> None:
    theory = _theory(HERE / "list_len_append.smt2")
    assert "A" in theory.sorts and "list_A" in theory.sorts
    assert [ind.constructors for ind in theory.induction if ind.sort == "list_A"] == [("nil", "cons")]
    assert theory.function("cons").arg_sorts == ("A", "list_A")


def test_tree_with_three_field_constructor() -> None:
    theory = _theory(HERE / "tree_mirror.smt2")
    assert theory.function("Node").arg_sorts == ("Tree_A", "A", "Tree_A")


def test_bool_functions_ite_and_connectives() -> None:
    text = import_tip_file(HERE / "bool_ite_max.smt2")
    assert "datatype Bool := False | True" in text
    assert "max2(x, y) = if le(x, y) then y else x" in text
    # `and p (not (not q))` becomes ifs over Bool, no new symbol
    assert "both(p, q) = if p then (if (if q then False else True) then False else True) else False" in text
    theory = parse_theory_text(text, "a.mpl")
    assert {f.name for f in theory.functions} >= {"ite_Nat", "ite_Bool", "le", "max2", "both"}


def test_match_inside_a_formula_is_lifted_to_a_function() -> None:
    text = import_tip_text(
        "(declare-datatype list (par (a) ((nil) (cons (head a) (tail (list a))))))\n"
        "(prove (par (a) (forall ((xs (list a))) (=> (not (match xs ((nil true) ((cons y z) false))))"
        " (distinct xs (_ nil a))))))", "m.smt2")
    assert "axiom match1_1 : match1(nil) = True" in text
    assert "goal m : forall (xs : list_A). match1(xs) != True -> xs != nil" in text


def test_higher_order_is_unsupported_with_location() -> None:
    with pytest.raises(TipUnsupported) as err:
        import_tip_file(HERE / "higher_order.smt2")
    assert err.value.message == "unsupported: lambda with free variable z (higher-order)"
    loc = err.value.location
    assert loc is not None and (loc.line, loc.column) == (7, 55)
    with pytest.raises(TipUnsupported, match="unsupported: function-typed parameter g used as a value"):
        import_tip_text("(declare-sort S 0)\n(define-fun k ((g (=> S S)) (x S)) S (ite (= g g) x x))\n"
                        "(prove (forall ((h (=> S S)) (x S)) (= (k h x) x)))", "l.smt2")
    with pytest.raises(TipUnsupported, match="unsupported: function twice returns a function"):
        import_tip_text("(declare-sort S 0)\n(define-fun twice ((g (=> S S))) (=> S S) g)\n"
                        "(prove (forall ((x S)) (= x x)))", "l.smt2")


def test_higher_order_problem_becomes_first_order() -> None:
    """A predicate variable becomes a fresh function, filter one first-order copy per argument
    (the variable, and a lambda over it), the goal's type parameter an uninterpreted sort."""
    text = import_tip_file(HERE / "hof_filter.smt2")
    assert "sort E\n" in text and "function p_fn : E -> Bool" in text
    assert "function filter_p_fn : list_E -> list_E" in text and "function filter_lambda : list_E -> list_E" in text
    assert ("filter_lambda(cons(y, ys)) = if (if p_fn(y) then False else True) then cons(y, filter_lambda(ys))"
            in text)
    assert "goal hof_filter : forall (xs : list_E). plus(len(filter_p_fn(xs)), len(filter_lambda(xs))) = len(xs)" \
        in text
    # a lambda that needs no copy of anything is applied directly (beta reduction)
    direct = import_tip_text("(declare-sort S 0)\n(declare-fun f (S) S)\n"
                             "(prove (forall ((x S)) (= (f x) ((lambda ((y S)) (f y)) x))))", "l.smt2")
    assert "goal l : forall (x : S). f(x) = f(x)" in direct


def test_cli_import_and_errors(tmp_path: Path) -> None:
    out = tmp_path / "p.mpl"
    run = subprocess.run([sys.executable, "-m", "axiomforge", "tip", "import", str(HERE / "nat_plus_comm.smt2"),
                          "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "goal nat_plus_comm" in out.read_text()
    check = subprocess.run([sys.executable, "-m", "axiomforge", "mpl", "check", str(out)], capture_output=True,
                           text=True)
    assert check.returncode == 0 and "goal        nat_plus_comm : ∀x y. plus(x, y) = plus(y, x)" in check.stdout
    bad = subprocess.run([sys.executable, "-m", "axiomforge", "tip", "import", str(HERE / "higher_order.smt2"),
                          "-o", str(tmp_path / "h.mpl")], capture_output=True, text=True)
    assert bad.returncode == 2
    assert bad.stderr.startswith(f"error: {HERE / 'higher_order.smt2'}:7:55: unsupported: lambda with free variable")
    assert "Traceback" not in bad.stderr and not (tmp_path / "h.mpl").exists()
