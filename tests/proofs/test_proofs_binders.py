"""Kernel binders: the checker's alpha-equivalence, free variables, substitution and capture
checks against a tiny reference implementation with de Bruijn indices.

The reference is deliberately naive and independent of syntax.py: bound variables become their
distance to the binder (index 0 = nearest quantifier), free variables stay named. Substitution
of terms for free variables then needs no renaming at all (an inserted term has no indices), so
it cannot capture. Random formulas draw binder names from a pool of three, so quantifiers re-bind
names already bound, which is the case the original canonicalisation got wrong.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from axiomforge.cli import main
from axiomforge.proofs.checker import check_document, schema_premises
from axiomforge.proofs.syntax import (
    BINARY_OPS,
    alpha_eq,
    free_vars,
    is_term,
    node_at,
    replace_at,
    subst,
    term_positions,
    term_vars,
)

# ---------------------------------------------------------------- the reference (de Bruijn)

Node = tuple[Any, ...]


def ref_term(term: Node, env: tuple[tuple[str, str], ...]) -> Node:
    if term[0] == "v":
        key = (term[1], term[2])
        for distance, bound in enumerate(reversed(env)):
            if bound == key:
                return ("B", distance)
        return ("F", term[1], term[2])
    return ("f", term[1], tuple(ref_term(a, env) for a in term[2]))


def db(formula: Node, env: tuple[tuple[str, str], ...] = ()) -> Node:
    """Nameless form: binders keep only their sort, bound occurrences become indices."""
    op = formula[0]
    if op == "=":
        return ("=", ref_term(formula[1], env), ref_term(formula[2], env))
    if op == "rel":
        return ("rel", formula[1], tuple(ref_term(a, env) for a in formula[2]))
    if op in ("true", "false"):
        return formula
    if op == "not":
        return ("not", db(formula[1], env))
    if op in BINARY_OPS:
        return (op, db(formula[1], env), db(formula[2], env))
    return (op, formula[1][1], db(formula[2], (*env, formula[1])))


def ref_free(node: Any) -> set[tuple[str, str]]:
    """The named (free) variables of a nameless formula."""
    if isinstance(node, tuple) and len(node) == 3 and node[0] == "F":
        return {(node[1], node[2])}
    if isinstance(node, tuple):
        return {v for part in node for v in ref_free(part)}
    return set()


def ref_subst(node: Node, sigma: dict[tuple[str, str], Node]) -> Node:
    """Replace free names by nameless terms (which contain no indices: nothing to shift)."""
    if isinstance(node, tuple) and node and node[0] == "F":
        key = (node[1], node[2])
        return sigma.get(key, node)
    if isinstance(node, tuple):
        return tuple(ref_subst(p, sigma) for p in node)
    return node


def ref_at(node: Node, path: list[int]) -> tuple[Node, int]:
    """The nameless node at a path of the named formula, and how many binders were crossed."""
    crossed = 0
    for index in path:
        op = node[0]
        if op in ("=",) or op in BINARY_OPS:
            node = node[1 + index]
        elif op in ("rel", "f"):
            node = node[2][index]
        elif op == "not":
            node = node[1]
        else:
            node, crossed = node[2], crossed + 1
    return node, crossed


def ref_replace(node: Node, path: list[int], new: Node) -> Node:
    if not path:
        return new
    i, rest = path[0], path[1:]
    op = node[0]
    if op == "=" or op in BINARY_OPS:
        parts = list(node)
        parts[1 + i] = ref_replace(node[1 + i], rest, new)
        return tuple(parts)
    if op in ("rel", "f"):
        args = list(node[2])
        args[i] = ref_replace(args[i], rest, new)
        return (op, node[1], tuple(args))
    if op == "not":
        return ("not", ref_replace(node[1], rest, new))
    return (op, node[1], ref_replace(node[2], rest, new))


# ---------------------------------------------------------------- random formulas that re-bind

# `a` exists in both sorts (identity is (name, sort)); `y1` is the name the induction schema
# gives its case variables, so the schema's own capture avoidance is exercised too
NAMES = {"N": ("a", "b", "y1"), "M": ("a", "m")}
FUNCTIONS = {"zero": ((), "N"), "s": (("N",), "N"), "add": (("N", "N"), "N"), "f": (("M",), "N"),
             "g": (("N",), "M"), "e": ((), "M")}  # fmt: skip
RELATIONS = {"lt": ("N", "N"), "p": ("M",)}


def terms(sort: str, depth: int = 2) -> st.SearchStrategy[Node]:
    leaves = st.sampled_from([("v", n, sort) for n in NAMES[sort]] + [
        ("f", f, ()) for f, (args, res) in FUNCTIONS.items() if not args and res == sort])
    if depth == 0:
        return leaves
    apps = [st.tuples(st.just("f"), st.just(f), st.tuples(*(terms(a, depth - 1) for a in args)))
            for f, (args, res) in FUNCTIONS.items() if args and res == sort]
    return st.one_of(leaves, leaves, *apps)


def atoms() -> st.SearchStrategy[Node]:
    return st.one_of(
        st.sampled_from(["N", "M"]).flatmap(lambda s: st.tuples(st.just("="), terms(s), terms(s))),
        st.tuples(st.just("rel"), st.just("lt"), st.tuples(terms("N"), terms("N"))),
        st.tuples(st.just("rel"), st.just("p"), st.tuples(terms("M"))),
        st.sampled_from([("true",), ("false",)]),
    )


def _extend(inner: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    binder = st.sampled_from([(n, s) for s, names in NAMES.items() for n in names])
    return st.one_of(
        st.tuples(st.just("not"), inner),
        st.tuples(st.sampled_from(BINARY_OPS), inner, inner),
        st.tuples(st.sampled_from(["forall", "exists"]), binder, inner),
        st.tuples(st.sampled_from(["forall", "exists"]), binder, inner),
    )


def _under(binders: list[tuple[str, tuple[str, str]]], body: Node) -> Node:
    for q, var in reversed(binders):
        body = (q, var, body)
    return body


_binder = st.tuples(st.sampled_from(["forall", "exists"]),
                    st.sampled_from([(n, s) for s, names in NAMES.items() for n in names]))
_nested = st.recursive(atoms(), _extend, max_leaves=6)
# half of the formulas sit under a chain of up to four quantifiers over three names: re-binding
formulas = st.one_of(_nested, st.builds(_under, st.lists(_binder, min_size=2, max_size=4), _nested))


def renamings(formula: Node, draw: Any) -> Node:
    """An alpha-variant: every binder renamed to a name from the pool or a new one, and its bound
    occurrences with it, so long as no other binding changes (checked with the reference)."""
    op = formula[0]
    if op in ("forall", "exists"):
        name, sort = formula[1]
        new = draw(st.sampled_from([*NAMES[sort], name + "1", "q"]))
        body = renamings(formula[2], draw)
        renamed = subst(body, {(name, sort): ("v", new, sort)})
        return (op, (new, sort), renamed)
    if op == "not":
        return ("not", renamings(formula[1], draw))
    if op in BINARY_OPS:
        return (op, renamings(formula[1], draw), renamings(formula[2], draw))
    return formula


# ---------------------------------------------------------------- the properties

EXAMPLES = settings(max_examples=60, deadline=None)


@EXAMPLES
@given(formulas, formulas)
def test_alpha_eq_agrees_with_de_bruijn(left, right):
    assert alpha_eq(left, right) == (db(left) == db(right))


@EXAMPLES
@given(formulas, st.data())
def test_alpha_variants_are_alpha_equal(formula, data):
    variant = renamings(formula, data.draw)
    assert (db(variant) == db(formula)) == alpha_eq(variant, formula)


@EXAMPLES
@given(formulas, st.data())
def test_alpha_eq_on_near_pairs(formula, data):
    """One variable occurrence or one binder name changed: often a different formula, sometimes
    an alpha-variant, and exactly the pairs where depth bookkeeping goes wrong."""
    variables = [list(p) for p in term_positions(formula) if node_at(formula, list(p))[0][0] == "v"]
    binders = [list(p) for p in _binder_paths(formula)]
    if not variables and not binders:
        return
    path = data.draw(st.sampled_from(variables + binders))
    node, _ = node_at(formula, path)
    if node[0] == "v":
        other = ("v", data.draw(st.sampled_from(NAMES[node[2]])), node[2])
    else:
        other = (node[0], (data.draw(st.sampled_from(NAMES[node[1][1]])), node[1][1]), node[2])
    near = replace_at(formula, path, other)
    assert alpha_eq(formula, near) == (db(formula) == db(near))


def _binder_paths(node: Node, prefix: tuple[int, ...] = ()) -> Any:
    if node[0] in ("forall", "exists"):
        yield prefix
        yield from _binder_paths(node[2], (*prefix, 0))
    elif node[0] == "not":
        yield from _binder_paths(node[1], (*prefix, 0))
    elif node[0] in BINARY_OPS:
        yield from _binder_paths(node[1], (*prefix, 0))
        yield from _binder_paths(node[2], (*prefix, 1))


@EXAMPLES
@given(formulas)
def test_free_vars_agree_with_de_bruijn(formula):
    assert set(free_vars(formula)) == ref_free(db(formula))


def _sigmas() -> st.SearchStrategy[dict[tuple[str, str], Node]]:
    keys = st.sampled_from([(n, s) for s, names in NAMES.items() for n in names])
    return st.dictionaries(keys, st.just(None), min_size=1, max_size=3)


@EXAMPLES
@given(formulas, _sigmas(), st.data())
def test_substitution_is_capture_avoiding(formula, keys, data):
    # the incoming terms mention the very names the formula binds, to provoke capture
    sigma = {key: data.draw(terms(key[1])) for key in keys}
    got = subst(formula, sigma)
    want = ref_subst(db(formula), {k: ref_term(t, ()) for k, t in sigma.items()})
    assert db(got) == want


@EXAMPLES
@given(formulas, st.data())
def test_rewrite_capture_check_is_sound(formula, data):
    """The rewrite rule's check (term at path is l, no crossed binder binds a variable of l or
    r) accepts only replacements that mean what the nameless replacement means."""
    positions = [list(p) for p in term_positions(formula)]
    if not positions:
        return
    path = data.draw(st.sampled_from(positions))
    node, binders = node_at(formula, path)
    assert is_term(node)
    sort = node[2] if node[0] == "v" else FUNCTIONS[node[1]][1]
    right = data.draw(terms(sort))
    accepted = not ((set(term_vars(node)) | set(term_vars(right))) & set(binders))
    ref_node, _ = ref_at(db(formula), path)
    node_is_free = ref_node == ref_term(node, ())  # no variable of l is bound at that spot
    assert accepted <= node_is_free
    if accepted:
        assert db(replace_at(formula, path, right)) == ref_replace(db(formula), path, ref_term(right, ()))


@EXAMPLES
@given(formulas, st.sampled_from(["a", "b", "y1"]))
def test_induction_schema_premises_match_the_reference(body, name):
    """Premise for s: ∀y. P(y) → P(s(y)), built by the reference with a name used nowhere else."""
    var = (name, "N")
    induction = {"N": (("zero", ()), ("s", ("N",)))}
    base, step = schema_premises(induction, var, body, with_hypotheses=True)
    p = db(body, (var,))  # P with x as index 0 under one binder: instantiate by hand

    assert db(base) == _open(p, ("f", "zero", ()))
    hyp, goal = _open(p, ("B", 0)), _open(p, ("f", "s", (("B", 0),)))
    assert db(step) == ("forall", "N", ("implies", hyp, goal))


def _open(node: Any, term: Node, depth: int = 0) -> Any:
    """Put `term` for index `depth` (the instantiated binder) of `node`, shifting its indices."""
    if isinstance(node, tuple) and node and node[0] == "B":
        return _shift(term, depth) if node[1] == depth else node
    if isinstance(node, tuple) and node and node[0] in ("forall", "exists"):
        return (node[0], node[1], _open(node[2], term, depth + 1))
    if isinstance(node, tuple):
        return tuple(_open(p, term, depth) for p in node)
    return node


def _shift(term: Node, by: int) -> Node:
    if isinstance(term, tuple) and term and term[0] == "B":
        return ("B", term[1] + by)
    if isinstance(term, tuple):
        return tuple(_shift(p, by) for p in term)
    return term


# ---------------------------------------------------------------- the forgery of issue 12


def test_rebinding_does_not_collapse_distinct_binders():
    a, b = ("v", "a", "N"), ("v", "b", "N")

    def q(name: str, body: Node) -> Node:
        return ("forall", (name, "N"), body)

    assert not alpha_eq(q("a", q("a", q("b", ("=", a, b)))), q("a", q("a", q("b", ("=", b, b)))))
    assert alpha_eq(q("a", q("a", q("b", ("=", a, b)))), q("x", q("y", q("z", ("=", ("v", "y", "N"), ("v", "z", "N"))))))


def forged_a_plus_one_eq_a(theory: dict[str, Any]) -> dict[str, Any]:
    """The hand-forged proof of ∀a. a + 1 = a: step 4 re-binds `a` and claims ∀a ∀a ∀b. a = b
    from ∀a ∀b. a = a, which the depth-by-count canonical form could not tell apart."""
    n = "N"

    def v(x: str) -> dict[str, Any]:
        return {"v": x, "s": n}

    def fa(x: str, body: dict[str, Any]) -> dict[str, Any]:
        return {"op": "forall", "var": [x, n], "a": [body]}

    def eq(x: dict[str, Any], y: dict[str, Any]) -> dict[str, Any]:
        return {"op": "=", "a": [x, y]}

    a_plus_1 = {"f": "add", "a": [v("a"), {"f": "one", "a": []}]}
    steps = [
        {"id": 1, "rule": "refl", "formula": eq(v("a"), v("a")), "premises": []},
        {"id": 2, "rule": "gen", "var": ["b", n], "formula": fa("b", eq(v("a"), v("a"))), "premises": [1]},
        {"id": 3, "rule": "gen", "var": ["a", n], "formula": fa("a", fa("b", eq(v("a"), v("a")))), "premises": [2]},
        {"id": 4, "rule": "gen", "var": ["a", n], "formula": fa("a", fa("a", fa("b", eq(v("a"), v("b"))))),
         "premises": [3]},
        {"id": 5, "rule": "inst", "subst": {"a": {"f": "zero", "a": []}}, "formula": fa("a", fa("b", eq(v("a"), v("b")))),
         "premises": [4]},
        {"id": 6, "rule": "inst", "subst": {"a": a_plus_1, "b": v("a")}, "formula": eq(a_plus_1, v("a")), "premises": [5]},
        {"id": 7, "rule": "gen", "var": ["a", n], "formula": fa("a", eq(a_plus_1, v("a"))), "premises": [6]},
    ]  # fmt: skip
    statement = fa("a", eq(a_plus_1, v("a")))
    thm = {"name": "a_plus_one_eq_a", "statement": statement, "method": "direct", "cites": [], "steps": steps}
    return {"format": "axiomforge-proofs", "version": 1, "theory": theory, "theorems": [thm]}


def test_the_binder_forgery_is_rejected_naming_theorem_and_step(engine_theories, tmp_path, repo_root, capsys):
    doc = forged_a_plus_one_eq_a(engine_theories["peano"])
    report = check_document(doc, engine_theories["peano"])
    assert not report.ok and report.checked == ()
    (failure,) = report.failures
    assert (failure.theorem, failure.step) == ("a_plus_one_eq_a", 4)
    assert "gen" in failure.reason
    path = tmp_path / "proofs.json"
    path.write_text(json.dumps(doc))
    assert main(["check", str(path), "--theory", str(repo_root / "theories" / "peano.mpl")]) == 1
    assert "a_plus_one_eq_a step 4:" in capsys.readouterr().out
