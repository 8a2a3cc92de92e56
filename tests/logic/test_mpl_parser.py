"""MPL parser: the shipped theories, the surface syntax, and located errors."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from axiomforge.errors import UserError
from axiomforge.logic.errors import MPLSyntaxError, MPLTypeError
from axiomforge.logic.ir import App, Binary, Eq, Not, Quant, Rel, Truth, Var, free_vars
from axiomforge.logic.parser import parse_formula, parse_term, parse_theory_file, parse_theory_text

ROOT = Path(__file__).resolve().parents[2]
THEORIES = ROOT / "theories"

N = "N"
a, b, c = Var("a", N), Var("b", N), Var("c", N)
zero, one = App("zero"), App("one")


def s(t):
    return App("s", (t,))


def add(x, y):
    return App("add", (x, y))


def mul(x, y):
    return App("mul", (x, y))


def forall(*vs_and_body):
    *vs, body = vs_and_body
    for v in reversed(vs):
        body = Quant("forall", v, body)
    return body


@pytest.fixture(scope="module")
def peano():
    return parse_theory_file(THEORIES / "peano.mpl")


@pytest.fixture(scope="module")
def lists():
    return parse_theory_file(THEORIES / "lists.mpl")


# ---------------------------------------------------------------- the shipped theories


def test_peano_signature_axioms_and_induction(peano):
    assert peano.name == "peano"
    assert peano.sorts == (N,)
    sig = {f.name: (f.arg_sorts, f.result_sort, f.infix, f.notation) for f in peano.functions}
    assert sig == {
        "zero": ((), N, None, "0"),
        "s": ((N,), N, None, None),
        "add": ((N, N), N, "+", None),
        "mul": ((N, N), N, "*", None),
        "one": ((), N, None, "1"),
    }
    axioms = {ax.name: ax for ax in peano.axioms}
    assert set(axioms) == {"one_def", "succ_ne_zero", "succ_inj", "add_zero", "add_succ", "mul_zero", "mul_succ"}
    assert axioms["one_def"].kind == "definition"
    assert axioms["one_def"].formula == Eq(one, s(zero))
    assert axioms["succ_ne_zero"].formula == forall(Var("n", N), Not(Eq(s(Var("n", N)), zero)))
    assert axioms["succ_inj"].formula == forall(a, b, Binary("implies", Eq(s(a), s(b)), Eq(a, b)))
    assert axioms["add_succ"].formula == forall(a, b, Eq(add(a, s(b)), s(add(a, b))))
    assert axioms["mul_succ"].formula == forall(a, b, Eq(mul(a, s(b)), add(mul(a, b), a)))
    assert [(i.sort, i.constructors) for i in peano.induction] == [(N, ("zero", "s"))]
    assert all(not free_vars(ax.formula) for ax in peano.axioms)


def test_peano_expects_cover_the_acceptance_laws(peano):
    expects = {e.name: e.formula for e in peano.expects}
    assert len(expects) == 21
    assert expects["add_comm"] == forall(a, b, Eq(add(a, b), add(b, a)))
    assert expects["add_assoc"] == forall(a, b, c, Eq(add(add(a, b), c), add(a, add(b, c))))
    assert expects["one_mul"] == forall(a, Eq(mul(one, a), a))
    assert expects["left_distrib"] == forall(a, b, c, Eq(mul(a, add(b, c)), add(mul(a, b), mul(a, c))))
    assert expects["add_eq_zero"] == forall(a, b, Binary("implies", Eq(add(a, b), zero), Eq(a, zero)))
    assert expects["mul_eq_zero"] == forall(
        a, b, Binary("implies", Eq(mul(a, b), zero), Binary("or", Eq(a, zero), Eq(b, zero))))
    assert expects["zero_or_succ"] == forall(
        a, Binary("implies", Not(Eq(a, zero)), Quant("exists", b, Eq(a, s(b)))))


def test_peano_holds_only_signature_axioms_induction_and_expects():
    text = (THEORIES / "peano.mpl").read_text(encoding="utf-8")
    keywords = {line.split()[0] for line in text.splitlines() if line.strip() and not line.startswith("//")}
    assert keywords <= {"theory", "sort", "const", "function", "definition", "induction", "axiom", "expect"}


def test_lists_theory(lists):
    assert lists.sorts == ("N", "Elem", "List")
    assert [(i.sort, i.constructors) for i in lists.induction] == [("N", ("zero", "s")), ("List", ("nil", "cons"))]
    axioms = {ax.name: ax.formula for ax in lists.axioms}
    assert set(axioms) >= {"append_nil", "append_cons", "length_nil", "length_cons", "reverse_nil", "reverse_cons"}
    e, l = Var("e", "Elem"), Var("l", "List")
    nil = App("nil")
    assert axioms["reverse_cons"] == forall(
        e, l, Eq(App("reverse", (App("cons", (e, l)),)), App("append", (App("reverse", (l,)), App("cons", (e, nil))))))
    x, y = Var("x", "List"), Var("y", "List")
    expects = {ex.name: ex.formula for ex in lists.expects}
    assert expects["length_append"] == forall(
        x, y, Eq(App("length", (App("append", (x, y)),)), App("add", (App("length", (x,)), App("length", (y,))))))
    assert expects["reverse_reverse"] == forall(x, Eq(App("reverse", (App("reverse", (x,)),)), x))


def test_peano_order_defines_le_through_include():
    theory = parse_theory_file(THEORIES / "peano_order.mpl")
    assert [r.name for r in theory.relations] == ["le"]
    assert theory.relations[0].infix == "<="
    le_def = next(ax for ax in theory.axioms if ax.name == "le_def")
    p = Var("p", N)
    assert le_def.kind == "definition"
    assert le_def.formula == forall(a, b, Binary("iff", Rel("le", (a, b)), Quant("exists", p, Eq(add(a, p), b))))
    names = {e.name for e in theory.expects}
    assert {"le_refl", "le_trans", "le_antisym", "le_total", "add_comm"} <= names
    assert theory.name == "peano_order"


# ---------------------------------------------------------------- surface syntax


@pytest.mark.parametrize("ascii_text, unicode_text", [
    ("forall a b. a + b = b + a", "∀a b. a + b = b + a"),
    ("forall a. not a = 0 -> exists b. a = s(b)", "∀a. ¬a = 0 → ∃b. a = s(b)"),
    ("forall a b. a * b = 0 -> a = 0 or b = 0", "∀a b. a · b = 0 → a = 0 ∨ b = 0"),
    ("forall a b. a = b <-> b = a", "∀a b. a = b ↔ b = a"),
    ("forall a b. a != b /\\ true \\/ false", "∀a b. a ≠ b ∧ true ∨ false"),
    ("forall a. ~ a = a", "∀a. ¬a = a"),
])
def test_ascii_and_unicode_spellings_agree(peano, ascii_text, unicode_text):
    assert parse_formula(ascii_text, peano) == parse_formula(unicode_text, peano)


def test_infix_precedence_and_associativity(peano):
    assert parse_term("a + b * c", peano) == add(a, mul(b, c))
    assert parse_term("a * b + c", peano) == add(mul(a, b), c)
    assert parse_term("a + b + c", peano) == add(add(a, b), c)
    assert parse_term("a · (b + c)", peano) == mul(a, add(b, c))
    assert parse_term("s(a + 1) * 0", peano) == mul(s(add(a, one)), zero)


def test_right_associative_infix(lists):
    x, y, z = (Var(n, "List") for n in "xyz")
    assert parse_term("x ++ y ++ z", lists) == App("append", (x, App("append", (y, z))))


def test_connective_precedence(peano):
    p, q, r = (Eq(v, zero) for v in (a, b, c))
    assert parse_formula("a = 0 and b = 0 or c = 0", peano) == Binary("or", Binary("and", p, q), r)
    assert parse_formula("a = 0 -> b = 0 -> c = 0", peano) == Binary("implies", p, Binary("implies", q, r))
    assert parse_formula("a = 0 or b = 0 -> c = 0", peano) == Binary("implies", Binary("or", p, q), r)
    assert parse_formula("a = 0 -> b = 0 <-> c = 0", peano) == Binary("iff", Binary("implies", p, q), r)
    assert parse_formula("not a = 0 and b = 0", peano) == Binary("and", Not(p), q)
    assert parse_formula("a = 0 and b = 0 and c = 0", peano) == Binary("and", p, Binary("and", q, r))


def test_quantifier_extends_as_far_right_as_possible(peano):
    body = Binary("and", Eq(a, a), Eq(b, b))
    parsed = parse_formula("forall a. a = a and b = b", peano)
    assert parsed == Quant("forall", a, body)
    inner = parse_formula("b = b and forall a. a = a or a = 0", peano)
    assert inner == Binary("and", Eq(b, b), Quant("forall", a, Binary("or", Eq(a, a), Eq(a, zero))))
    closed = parse_formula("(forall a. a = a) and b = b", peano)
    assert closed == Binary("and", Quant("forall", a, Eq(a, a)), Eq(b, b))


def test_free_variables_are_allowed_in_parse_formula(peano):
    assert parse_formula("a + b = b + a", peano) == Eq(add(a, b), add(b, a))
    assert free_vars(parse_formula("a + b = b + a", peano)) == {a, b}


def test_parse_term_with_given_variable_sorts(lists):
    assert parse_term("length(x)", lists, {"x": "List"}) == App("length", (Var("x", "List"),))
    assert parse_term("cons(e, [])", lists) == App("cons", (Var("e", "Elem"), App("nil")))


def test_sorts_are_inferred_across_equations(lists):
    x, y = Var("x", "List"), Var("y", "List")
    assert parse_formula("forall x y. x = y and length(x) = 0", lists) == forall(
        x, y, Binary("and", Eq(x, y), Eq(App("length", (x,)), zero)))


def test_binders_may_be_separated_by_commas(peano):
    assert parse_formula("forall a, b. a = b", peano) == parse_formula("forall a b. a = b", peano)


def test_explicit_binder_sorts(lists):
    x, e = Var("x", "List"), Var("e", "Elem")
    parsed = parse_formula("forall (x : List) (e : Elem). x = x and e = e", lists)
    assert parsed == forall(x, e, Binary("and", Eq(x, x), Eq(e, e)))
    both = parse_formula("forall (x y : List). x = y", lists)
    assert both == forall(x, Var("y", "List"), Eq(x, Var("y", "List")))


def test_definitions_with_parameters_and_relations():
    theory = parse_theory_text(
        "sort N\nconst zero : N notation \"0\"\nfunction s : N -> N\n"
        "definition two : N := s(s(0)) notation \"2\"\n"
        "definition double(x : N) : N := s(s(x))\n"
        "relation odd : N\n"
        "definition even(x : N) : Prop := not odd(x)\n"
        "axiom t : even(2) and double(0) = 2\n")
    x = Var("x", N)
    axioms = {ax.name: ax for ax in theory.axioms}
    assert axioms["two_def"].formula == Eq(App("two"), s(s(zero)))
    assert axioms["double_def"].formula == forall(x, Eq(App("double", (x,)), s(s(x))))
    assert axioms["even_def"].formula == forall(x, Binary("iff", Rel("even", (x,)), Not(Rel("odd", (x,)))))
    assert axioms["t"].formula == Binary("and", Rel("even", (App("two"),)), Eq(App("double", (zero,)), App("two")))


def test_keywords_do_not_swallow_names():
    theory = parse_theory_text("sort N\nfunction order : N -> N\nfunction left : N -> N\n"
                               "axiom x : forall android notion. order(android) = left(notion)\n")
    assert theory.axioms[0].formula == forall(
        Var("android", N), Var("notion", N),
        Eq(App("order", (Var("android", N),)), App("left", (Var("notion", N),))))


def test_truth_constants(peano):
    assert parse_formula("true -> false", peano) == Binary("implies", Truth(True), Truth(False))


def test_include_and_include_cycle(tmp_path):
    (tmp_path / "base.mpl").write_text('theory base\nsort N\nconst zero : N notation "0"\n', encoding="utf-8")
    (tmp_path / "top.mpl").write_text('theory top\ninclude "base.mpl";\naxiom z : 0 = 0\n', encoding="utf-8")
    theory = parse_theory_file(tmp_path / "top.mpl")
    assert theory.name == "top" and theory.sorts == (N,) and theory.axioms[0].formula == Eq(zero, zero)
    (tmp_path / "loop.mpl").write_text('include "loop.mpl"\n', encoding="utf-8")
    with pytest.raises(MPLTypeError, match="include cycle"):
        parse_theory_file(tmp_path / "loop.mpl")
    (tmp_path / "missing.mpl").write_text('include "nope.mpl"\n', encoding="utf-8")
    with pytest.raises(MPLTypeError, match="cannot include nope.mpl"):
        parse_theory_file(tmp_path / "missing.mpl")


def test_source_and_hash_are_recorded():
    text = "sort N\n"
    theory = parse_theory_text(text, "x.mpl")
    assert theory.source == text and len(theory.source_sha256) == 64 and theory.name == "x"


# ---------------------------------------------------------------- errors


def _error(text: str) -> UserError:
    with pytest.raises(UserError) as info:
        parse_theory_text(text, "bad.mpl")
    return info.value


PEANO_HEAD = 'sort N\nconst zero : N notation "0"\nfunction s : N -> N\nfunction add : N, N -> N infix "+"\n'


@pytest.mark.parametrize("text, kind, line, column, words", [
    # syntax: what was expected, in words
    ("sort N\naxiom a : forall x. x + = x", MPLSyntaxError, 2, 25, ["unexpected '='", "a name", "a number"]),
    ("sort N\naxiom a : forall x. x =", MPLSyntaxError, 2, 24, ["unexpected end of file", "expected"]),
    ("theory t\nsort N\nfoo", MPLSyntaxError, 3, 1, ["unexpected 'foo'", "a declaration (axiom"]),
    ("sort N\naxiom a : forall x. x ? x", MPLSyntaxError, 2, 23, ["unexpected character '?'"]),
    ("sort N\naxiom a : forall . x = x", MPLSyntaxError, 2, 18, ["expected", "a name"]),
    # type errors
    (PEANO_HEAD + "axiom a : forall x. f(x) = x", MPLTypeError, 5, 21, ["undeclared function f"]),
    (PEANO_HEAD + "axiom a : forall x. s(x, x) = x", MPLTypeError, 5, 21, ["wrong arity", "s takes 1 argument"]),
    (PEANO_HEAD + "axiom a : y = 0", MPLTypeError, 5, 11, ["undeclared name y"]),
    (PEANO_HEAD + "axiom a : forall x. x * x = x", MPLTypeError, 5, 23, ["undeclared operator '*'"]),
    (PEANO_HEAD + "axiom a : forall x. s = x", MPLTypeError, 5, 21, ["s is a function of 1 argument"]),
    (PEANO_HEAD + "axiom a : forall x. x = x = x", MPLTypeError, 5, 27, ["comparisons do not chain"]),
    (PEANO_HEAD + "axiom a : forall x. s(x)", MPLTypeError, 5, 21, ["expected a formula, found a term"]),
    (PEANO_HEAD + "axiom a : forall x x. x = x", MPLTypeError, 5, 20, ["bound twice"]),
    (PEANO_HEAD + "sort L\nconst nil : L\naxiom a : forall x. s(x) = nil", MPLTypeError, 7, 28,
     ["sort mismatch", "sort N", "L"]),
    (PEANO_HEAD + "sort L\nconst nil : L\naxiom a : forall x. s(nil) = x", MPLTypeError, 7, 23,
     ["sort mismatch", "argument 1 of s expects N"]),
    (PEANO_HEAD + "sort L\nconst nil : L\nfunction f : L -> L\naxiom a : forall x. s(x) = 0 and f(x) = nil",
     MPLTypeError, 8, 36, ["variable x is used as L here but as N"]),
    (PEANO_HEAD + "sort L\naxiom a : forall x y. x = y", MPLTypeError, 6, 18, ["ambiguous sort", "x"]),
    (PEANO_HEAD + "axiom a : forall (x : M). x = x", MPLTypeError, 5, 23, ["undeclared sort M"]),
    (PEANO_HEAD + "function s : N -> N", MPLTypeError, 5, 10, ["duplicate declaration", "s"]),
    (PEANO_HEAD + "axiom a : 0 = 0\naxiom a : 0 = 0", MPLTypeError, 6, 7, ["duplicate axiom name a"]),
    (PEANO_HEAD + "induction N : s", MPLTypeError, 5, 15, ["needs a base constructor"]),
    (PEANO_HEAD + "induction N : zero, t", MPLTypeError, 5, 21, ["undeclared constructor t"]),
    (PEANO_HEAD + "sort L\nconst nil : L\ninduction N : zero, nil", MPLTypeError, 7, 21,
     ["constructor nil has result sort L"]),
    (PEANO_HEAD + 'function mul : N, N -> N infix "+"', MPLTypeError, 5, 26, ["already in use"]),
    (PEANO_HEAD + 'function f : N -> N infix "%"', MPLTypeError, 5, 21, ["only functions of two arguments"]),
    (PEANO_HEAD + 'const one : N notation "one"', MPLTypeError, 5, 15, ["must be a numeral or []"]),
    (PEANO_HEAD + "axiom a : 1 = 0", MPLTypeError, 5, 11, ["undeclared notation 1"]),
    (PEANO_HEAD + "sort Prop", MPLTypeError, 5, 6, ["reserved"]),
    (PEANO_HEAD + "axiom a : forall s. s = s", MPLTypeError, 5, 18, ["s is a declared function"]),
])
def test_errors_are_located_with_a_caret(text, kind, line, column, words):
    err = _error(text)
    assert type(err) is kind, err.format()
    assert (err.location.file, err.location.line, err.location.column) == ("bad.mpl", line, column), err.format()
    formatted = err.format()
    assert formatted.startswith(f"error: bad.mpl:{line}:{column}: ")
    for word in words:
        assert word in formatted, formatted
    caret_line = formatted.splitlines()[-1]
    assert caret_line.strip() == "^" and caret_line.index("^") == column + 1  # two-space indent


def test_formula_errors_point_into_the_formula_text(peano):
    with pytest.raises(MPLSyntaxError) as info:
        parse_formula("a + + b = 0", peano, filename="<q>")
    assert (info.value.location.line, info.value.location.column) == (1, 5)
    assert "a + + b = 0" in info.value.detail
    with pytest.raises(MPLTypeError) as info2:
        parse_formula("a + f(b) = 0", peano)
    assert info2.value.location.column == 5


def test_not_utf8_file_is_a_user_error(tmp_path):
    path = tmp_path / "bin.mpl"
    path.write_bytes(b"sort N\xff\xfe\n")
    with pytest.raises(MPLSyntaxError, match="not UTF-8"):
        parse_theory_file(path)


def test_deep_nesting_is_a_user_error_not_a_crash(peano):
    deep = "(" * 3000 + "a = a" + ")" * 3000
    with contextlib.suppress(UserError):
        parse_formula(deep, peano)


def test_the_example_in_docs_mpl_parses(tmp_path):
    doc = (ROOT / "docs" / "mpl.md").read_text(encoding="utf-8")
    example = doc.split("## A theory file", 1)[1].split("```", 2)[1]
    (tmp_path / "other.mpl").write_text("relation p : N\n", encoding="utf-8")
    (tmp_path / "example.mpl").write_text(example, encoding="utf-8")
    theory = parse_theory_file(tmp_path / "example.mpl")
    assert theory.name == "peano"
    assert [r.name for r in theory.relations] == ["divides", "le", "p"]
    assert {a.name for a in theory.axioms} == {"one_def", "double_def", "le_def", "add_zero"}


def test_expected_words_are_exact_for_lone_formulas(peano):
    with pytest.raises(MPLSyntaxError, match=r"unexpected '\)'; expected end of input$"):
        parse_formula("a = b)", peano)
    with pytest.raises(MPLSyntaxError, match=r"expected '\(', ',', '\.' or a name$"):
        parse_formula("forall a", peano)


def test_theory_json_carries_notation_and_precedence(peano):
    from axiomforge.logic.ir import theory_to_json

    functions = {f["name"]: f for f in theory_to_json(peano)["functions"]}  # type: ignore[union-attr]
    assert functions["zero"] == {"name": "zero", "args": [], "result": "N", "infix": None, "notation": "0"}
    assert functions["mul"] == {"name": "mul", "args": ["N", "N"], "result": "N", "infix": "*",
                                "precedence": 7, "assoc": "left"}
    assert functions["s"] == {"name": "s", "args": ["N"], "result": "N", "infix": None}
