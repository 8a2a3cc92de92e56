"""The checker's own term code over the JSON of docs/proof-format.md.

Part of the trusted base (with checker.py). It imports nothing from the engine: JSON terms and
formulas are read into plain tuples, which are hashable and compared structurally.

    term     ('v', name, sort) | ('f', name, (term, ...))
    formula  ('=', t1, t2) | ('rel', name, (term, ...)) | ('true',) | ('false',)
             | ('not', F) | (op, F1, F2) for op in and/or/implies/iff
             | (q, (name, sort), F) for q in forall/exists

A variable is identified by its name and sort. Formulas are compared up to renaming of bound
variables (`alpha_eq`), by comparing their `canonical` forms in which each bound variable is
replaced by the number of quantifiers around its binder.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

BINARY_OPS = ("and", "or", "implies", "iff")
QUANTIFIERS = ("forall", "exists")

Term = tuple[Any, ...]
Formula = tuple[Any, ...]
VarKey = tuple[str, str]


class ShapeError(ValueError):
    """A JSON value that is not a term or formula of the format."""


# ---------------------------------------------------------------- reading JSON


def _name(value: object, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ShapeError(f"{what} must be a non-empty string, got {value!r}")
    return value


def _list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ShapeError(f"{what} must be a list, got {type(value).__name__}")
    return value


def read_var(value: object) -> VarKey:
    """A `["x", "N"]` variable declaration."""
    items = _list(value, "var")
    if len(items) != 2:
        raise ShapeError(f"var must be [name, sort], got {value!r}")
    return (_name(items[0], "variable name"), _name(items[1], "variable sort"))


def read_term(data: object) -> Term:
    if not isinstance(data, dict):
        raise ShapeError(f"a term must be an object, got {data!r}")
    if "v" in data:
        return ("v", _name(data["v"], "variable name"), _name(data.get("s"), "variable sort"))
    if "f" in data:
        args = _list(data.get("a", []), "function arguments")
        return ("f", _name(data["f"], "function name"), tuple(read_term(a) for a in args))
    raise ShapeError(f"a term needs 'v' or 'f': {data!r}")


def read_formula(data: object) -> Formula:
    if not isinstance(data, dict):
        raise ShapeError(f"a formula must be an object, got {data!r}")
    op = data.get("op")
    args = _list(data.get("a", []), "formula arguments")

    def arity(n: int) -> None:
        if len(args) != n:
            raise ShapeError(f"{op!r} takes {n} arguments, got {len(args)}")

    if op == "=":
        arity(2)
        return ("=", read_term(args[0]), read_term(args[1]))
    if op == "rel":
        return ("rel", _name(data.get("r"), "relation name"), tuple(read_term(a) for a in args))
    if op in ("true", "false"):
        arity(0)
        return (op,)
    if op == "not":
        arity(1)
        return ("not", read_formula(args[0]))
    if op in BINARY_OPS:
        arity(2)
        return (op, read_formula(args[0]), read_formula(args[1]))
    if op in QUANTIFIERS:
        arity(1)
        return (op, read_var(data.get("var")), read_formula(args[0]))
    raise ShapeError(f"unknown formula op {op!r}")


def term_to_json(term: Term) -> dict[str, Any]:
    if term[0] == "v":
        return {"v": term[1], "s": term[2]}
    return {"f": term[1], "a": [term_to_json(a) for a in term[2]]}


def formula_to_json(formula: Formula) -> dict[str, Any]:
    op = formula[0]
    if op == "=":
        return {"op": "=", "a": [term_to_json(formula[1]), term_to_json(formula[2])]}
    if op == "rel":
        return {"op": "rel", "r": formula[1], "a": [term_to_json(a) for a in formula[2]]}
    if op in ("true", "false"):
        return {"op": op}
    if op == "not":
        return {"op": "not", "a": [formula_to_json(formula[1])]}
    if op in BINARY_OPS:
        return {"op": op, "a": [formula_to_json(formula[1]), formula_to_json(formula[2])]}
    return {"op": op, "var": list(formula[1]), "a": [formula_to_json(formula[2])]}


# ---------------------------------------------------------------- variables


def term_vars(term: Term) -> Iterator[VarKey]:
    if term[0] == "v":
        yield (term[1], term[2])
    else:
        for arg in term[2]:
            yield from term_vars(arg)


def free_vars(formula: Formula) -> frozenset[VarKey]:
    op = formula[0]
    if op == "=":
        return frozenset(term_vars(formula[1])) | frozenset(term_vars(formula[2]))
    if op == "rel":
        return frozenset(v for a in formula[2] for v in term_vars(a))
    if op in ("true", "false"):
        return frozenset()
    if op == "not":
        return free_vars(formula[1])
    if op in BINARY_OPS:
        return free_vars(formula[1]) | free_vars(formula[2])
    return free_vars(formula[2]) - {formula[1]}


def all_var_names(formula: Formula) -> set[str]:
    """Every variable name in the formula, free or bound."""
    op = formula[0]
    if op == "=":
        return {v[0] for t in formula[1:] for v in term_vars(t)}
    if op == "rel":
        return {v[0] for a in formula[2] for v in term_vars(a)}
    if op in ("true", "false"):
        return set()
    if op == "not":
        return all_var_names(formula[1])
    if op in BINARY_OPS:
        return all_var_names(formula[1]) | all_var_names(formula[2])
    return {formula[1][0]} | all_var_names(formula[2])


# ---------------------------------------------------------------- alpha-equivalence


def _canon_term(term: Term, bound: Mapping[VarKey, int]) -> Term:
    if term[0] == "v":
        key = (term[1], term[2])
        return ("b", bound[key], term[2]) if key in bound else term
    return ("f", term[1], tuple(_canon_term(a, bound) for a in term[2]))


def canonical(formula: Formula, bound: Mapping[VarKey, int] | None = None, depth: int = 0) -> Formula:
    """The formula with each bound variable replaced by ('b', level, sort): equal iff alpha-equal.

    `level` is the number of quantifiers enclosing the binder (a de Bruijn level), counted with
    `depth`, never with the size of `bound`: a quantifier that re-binds a name already bound
    must get a new number, or `∀a ∀a ∀b. a = b` and `∀a ∀a ∀b. b = b` would look alike.
    """
    bound = bound or {}
    op = formula[0]
    if op == "=":
        return ("=", _canon_term(formula[1], bound), _canon_term(formula[2], bound))
    if op == "rel":
        return ("rel", formula[1], tuple(_canon_term(a, bound) for a in formula[2]))
    if op in ("true", "false"):
        return formula
    if op == "not":
        return ("not", canonical(formula[1], bound, depth))
    if op in BINARY_OPS:
        return (op, canonical(formula[1], bound, depth), canonical(formula[2], bound, depth))
    var = formula[1]
    inner = {**bound, var: depth}
    return (op, var[1], canonical(formula[2], inner, depth + 1))


def alpha_eq(a: Formula, b: Formula) -> bool:
    return a == b or canonical(a) == canonical(b)


# ---------------------------------------------------------------- substitution


def subst_term(term: Term, sigma: Mapping[VarKey, Term]) -> Term:
    if term[0] == "v":
        return sigma.get((term[1], term[2]), term)
    return ("f", term[1], tuple(subst_term(a, sigma) for a in term[2]))


def subst(formula: Formula, sigma: Mapping[VarKey, Term]) -> Formula:
    """Capture-avoiding simultaneous substitution of terms for free variables."""
    if not sigma:
        return formula
    op = formula[0]
    if op == "=":
        return ("=", subst_term(formula[1], sigma), subst_term(formula[2], sigma))
    if op == "rel":
        return ("rel", formula[1], tuple(subst_term(a, sigma) for a in formula[2]))
    if op in ("true", "false"):
        return formula
    if op == "not":
        return ("not", subst(formula[1], sigma))
    if op in BINARY_OPS:
        return (op, subst(formula[1], sigma), subst(formula[2], sigma))
    var, body = formula[1], formula[2]
    body_free = free_vars(body)
    inner = {k: t for k, t in sigma.items() if k != var and k in body_free}
    if not inner:
        return formula
    incoming = {v[0] for t in inner.values() for v in term_vars(t)}
    if var[0] in incoming:  # the binder would capture a variable of an incoming term: rename it
        taken = incoming | all_var_names(body) | {k[0] for k in inner}
        fresh = var[0]
        while fresh in taken:
            fresh += "'"
        new_var = (fresh, var[1])
        inner[var] = ("v", fresh, var[1])
        return (op, new_var, subst(body, inner))
    return (op, var, subst(body, inner))


# ---------------------------------------------------------------- paths


def children(node: tuple[Any, ...]) -> tuple[Any, ...]:
    """The sub-nodes a path index selects among (terms or formulas)."""
    op = node[0]
    if op in ("=",):
        return node[1:3]
    if op in ("rel", "f"):
        return node[2]
    if op == "not":
        return (node[1],)
    if op in BINARY_OPS:
        return node[1:3]
    if op in QUANTIFIERS:
        return (node[2],)
    return ()


def is_term(node: tuple[Any, ...]) -> bool:
    return node[0] in ("v", "f")


def node_at(formula: Formula, path: list[int]) -> tuple[tuple[Any, ...], list[VarKey]]:
    """The node at `path` and the variables bound by quantifiers crossed on the way."""
    node: tuple[Any, ...] = formula
    binders: list[VarKey] = []
    for index in path:
        kids = children(node)
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(kids):
            raise ShapeError(f"path index {index!r} does not exist here")
        if node[0] in QUANTIFIERS:
            binders.append(node[1])
        node = kids[index]
    return node, binders


def replace_at(node: tuple[Any, ...], path: list[int], new: tuple[Any, ...]) -> tuple[Any, ...]:
    if not path:
        return new
    index, rest = path[0], path[1:]
    op = node[0]
    if op == "=" or op in BINARY_OPS:
        parts = list(node)
        parts[1 + index] = replace_at(node[1 + index], rest, new)
        return tuple(parts)
    if op in ("rel", "f"):
        args = list(node[2])
        args[index] = replace_at(args[index], rest, new)
        return (op, node[1], tuple(args))
    if op == "not":
        return ("not", replace_at(node[1], rest, new))
    if op in QUANTIFIERS:
        return (op, node[1], replace_at(node[2], rest, new))
    raise ShapeError("path leads into an atom")


def term_positions(node: tuple[Any, ...], prefix: tuple[int, ...] = ()) -> Iterator[tuple[int, ...]]:
    """Paths of every term position in a formula or term (used by mutations and exporters)."""
    if is_term(node):
        yield prefix
    for i, kid in enumerate(children(node)):
        yield from term_positions(kid, prefix + (i,))
