"""GL prefix notation reader: syntax, relational-to-term translation, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from axiomforge.logic.errors import MPLSyntaxError, MPLTypeError
from axiomforge.logic.gl_reader import read_gl_file, read_gl_text
from axiomforge.logic.ir import App, Binary, Eq, Not, Quant, Rel, Var
from axiomforge.logic.parser import parse_formula, parse_theory_file
from axiomforge.logic.pretty import format_formula, format_theory

ROOT = Path(__file__).resolve().parents[2]
PEANO = parse_theory_file(ROOT / "theories" / "peano.mpl")


def one(text: str, **kwargs) -> object:
    theory = read_gl_text(text, "t.gl", **kwargs)
    assert len(theory.axioms) == 1, theory.axioms
    return theory.axioms[0].formula


def test_gl_peano_translates_to_the_mpl_axioms():
    gl = read_gl_file(ROOT / "theories" / "gl" / "peano.gl")
    mpl = {ax.name: ax.formula for ax in PEANO.axioms}
    translated = {ax.name: ax.formula for ax in gl.axioms}
    for name in ("succ_ne_zero", "succ_inj", "add_zero", "add_succ", "mul_zero", "mul_succ"):
        assert translated[name] == mpl[name], name
    expects = {e.name: e.formula for e in PEANO.expects}
    assert translated["zero_or_succ"] == expects["zero_or_succ"]
    assert [(i.sort, i.constructors) for i in gl.induction] == [("N", ("zero", "s"))]
    assert gl.name == "peano"


def test_checked_in_translation_is_current():
    gl = read_gl_file(ROOT / "theories" / "gl" / "peano.gl")
    expected = (ROOT / "theories" / "gl" / "peano.translated.mpl").read_text(encoding="utf-8")
    assert format_theory(gl) == expected


def test_bare_atoms_and_spaces_as_in_the_issue():
    a, b = Var("x", "N"), Var("y", "N")
    formula = one("(>[x,y] =[x,y] =[y,x])")
    assert formula == Quant("forall", a, Quant("forall", b, Binary("implies", Eq(a, b), Eq(b, a))))


def test_conjunction_negation_and_relations():
    formula = one("(>[x](&(P[x])(Q[x,x]))!(R[x]))")
    x = Var("x", "N")
    assert formula == Quant("forall", x, Binary("implies", Binary("and", Rel("P", (x,)), Rel("Q", (x, x))),
                                                Not(Rel("R", (x,)))))


def test_in2_and_in3_become_function_terms():
    formula = one("(>[a,b,c](in3[a,b,c,+])(in3[b,a,c,+]))")
    a, b = Var("a", "N"), Var("b", "N")
    assert formula == parse_formula("forall a b. b + a = a + b", PEANO)
    assert format_formula(formula, PEANO) == "∀a b. b + a = a + b"
    assert isinstance(formula, Quant)
    assert one("(>[x,y](in2[x,y,s])(in2[y,x,s]))") == parse_formula("forall x. s(s(x)) = x", PEANO)
    del a, b


def test_existential_pattern_becomes_exists():
    formula = one("!(>[v](in[v,N]) !(=[v,i0]))")
    assert formula == Quant("exists", Var("v", "N"), Eq(Var("v", "N"), App("zero")))


def test_numerals_and_i1():
    formula = one("(=[i1,1])")
    assert formula == Eq(App("s", (App("zero"),)), App("s", (App("zero"),)))
    assert one("(=[2,x])") == Quant("forall", Var("x", "N"), Eq(App("s", (App("s", (App("zero"),)),)), Var("x", "N")))


def test_free_variables_are_closed_universally():
    assert one("(=[x,y])") == Quant("forall", Var("x", "N"), Quant("forall", Var("y", "N"), Eq(Var("x", "N"),
                                                                                              Var("y", "N"))))


def test_top_level_conjunction_is_split_and_typing_facts_vanish():
    theory = read_gl_text("(&(AnchorPeano[N,i0,s,+,*,i1])(in[i0,N])(=[i0,i0])(=[i1,i1]))", "t.gl")
    assert [ax.name for ax in theory.axioms] == ["gl_1", "gl_2"]


def test_signature_config_with_two_sorts():
    config = {
        "name": "lists",
        "sorts": ["E", "L"],
        "default_sort": "L",
        "functions": {"nil": {"name": "nil", "args": [], "result": "L", "notation": "[]"},
                      "cons": {"name": "cons", "args": ["E", "L"], "result": "L"},
                      "++": {"name": "append", "args": ["L", "L"], "result": "L", "infix": "++",
                             "precedence": 5}},
        "terms": {},
        "induction": {"L": ["nil", "cons"]},
    }
    theory = read_gl_text("(>[e,l,m,k](&(in3[e,nil,l,cons])(in3[l,m,k,++]))(in3[e,m,k,cons]))", "t.gl", config)
    assert theory.name == "lists" and theory.sorts == ("E", "L")
    assert [(i.sort, i.constructors) for i in theory.induction] == [("L", ("nil", "cons"))]
    e, m = Var("e", "E"), Var("m", "L")
    expected = Quant("forall", e, Quant("forall", m, Eq(App("cons", (e, m)),
                                                        App("append", (App("cons", (e, App("nil"))), m)))))
    assert theory.axioms[0].formula == expected
    assert format_formula(expected, theory) == "∀e m. cons(e, m) = cons(e, []) ++ m"


def test_side_signature_file_is_used(tmp_path):
    (tmp_path / "t.gl").write_text("(=[z,z])", encoding="utf-8")
    (tmp_path / "t.sig.json").write_text(json.dumps({"sorts": ["M"], "default_sort": "M", "functions": {},
                                                     "terms": {}, "induction": {}}), encoding="utf-8")
    theory = read_gl_file(tmp_path / "t.gl")
    assert theory.sorts == ("M",)
    assert theory.axioms[0].formula == Quant("forall", Var("z", "M"), Eq(Var("z", "M"), Var("z", "M")))


@pytest.mark.parametrize("text, kind, line, column, words", [
    ("(>[x](=[x,x])", MPLSyntaxError, 1, 14, ["unexpected end of file", "expected an expression"]),
    ("(>[x](=[x,x])(=[x,x])", MPLSyntaxError, 1, 22, ["unexpected end of file", "')' closing (>"]),
    ("(&(=[a,b]) ]", MPLSyntaxError, 1, 12, ["unexpected ']'"]),
    ("\n  (=[a b])", MPLSyntaxError, 2, 8, ["unexpected 'b'", "',' or ']'"]),
    ("(in3[a,b,+])", MPLTypeError, 1, 2, ["in3 takes 4 arguments"]),
    ("(in2[a,b,-])", MPLTypeError, 1, 10, ["unknown GL function symbol '-'"]),
    ("(in[a,Q])", MPLTypeError, 1, 7, ["unknown set 'Q'"]),
    ("(=[s,a])", MPLTypeError, 1, 4, ["s is a function"]),
    ("(>[x,x](=[x,x])(=[x,x]))", MPLTypeError, 1, 4, ["bound twice"]),
    ("(P[a])\n(P[a,b])", MPLTypeError, 2, 2, ["wrong arity"]),
])
def test_gl_errors_are_located(text, kind, line, column, words):
    with pytest.raises(kind) as info:
        read_gl_text(text, "t.gl")
    err = info.value
    assert (err.location.line, err.location.column) == (line, column), err.format()
    for word in words:
        assert word in err.format()
    assert err.format().splitlines()[-1].strip() == "^"


def test_gl_lists_with_side_signature_equals_lists_mpl():
    gl = read_gl_file(ROOT / "theories" / "gl" / "lists.gl")
    mpl = parse_theory_file(ROOT / "theories" / "lists.mpl")
    assert gl.name == "lists" and gl.sorts == mpl.sorts
    assert gl.functions == mpl.functions
    assert gl.induction == mpl.induction
    assert [(a.name, a.formula) for a in gl.axioms] == [(a.name, a.formula) for a in mpl.axioms]


def test_nested_definition_style_file():
    """The shape of GL's definition files: nested conjunctions, typing premises, biconditional
    pairs, and references to other definitions over sets and functions."""
    text = """
    (&
        (&(in[i0,N])(Peano[N,i0,s,+]))
        (&
            (>[x](in[x,N]) !(in2[x,i0,s]))
            (>[x](in[x,N]) (>[y,z](&(in2[x,y,s])(in3[x,i0,z,+])) (&(>[w](in2[z,w,s])(=[w,y]))
                                                                   (>[w](=[w,y])(in2[z,w,s])))))
        )
    )"""
    theory = read_gl_text(text, "defs.gl")
    shown = [format_formula(ax.formula, theory) for ax in theory.axioms]
    assert shown == ["∀x. s(x) ≠ 0", "∀x. s(x + 0) = s(x) ∧ s(x + 0) = s(x)"]
    assert [ax.name for ax in theory.axioms] == ["gl_1", "gl_2"]
