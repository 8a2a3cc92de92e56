"""A small, independent evaluator of proofs.json formulas in a model of their theory.

Independent of the checker (it reads the JSON itself) and of the engine's model code. A model
interprets each sort as a Python iterable, each function and relation by a Python callable. A
sort's domain is either complete (a finite model: ∀ and ∃ are decided exactly) or a finite
prefix of an infinite one (the natural numbers, lists): then evaluation is three-valued, as in
Kleene's logic, and a quantifier is decided only by a witness inside the prefix (∀ false by a
counterexample, ∃ true by an example), otherwise unknown (None). Terms are always evaluated
exactly, so a formula that evaluates to False is false in the model, and a theorem false in a
model of its axioms cannot have a correct proof.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

Truth = bool | None  # None: unknown (a quantifier over an infinite sort without a witness)


@dataclass(frozen=True)
class Model:
    domains: Mapping[str, Sequence[Any]]
    complete: Mapping[str, bool]
    functions: Mapping[str, Callable[..., Any]]
    relations: Mapping[str, Callable[..., bool]]


def term_value(term: Mapping[str, Any], model: Model, env: Mapping[tuple[str, str], Any]) -> Any:
    if "v" in term:
        return env[(term["v"], term["s"])]
    return model.functions[term["f"]](*(term_value(a, model, env) for a in term.get("a", [])))


def _not(a: Truth) -> Truth:
    return None if a is None else not a


def _and(a: Truth, b: Truth) -> Truth:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _or(a: Truth, b: Truth) -> Truth:
    return _not(_and(_not(a), _not(b)))


def evaluate(formula: Mapping[str, Any], model: Model, env: Mapping[tuple[str, str], Any] | None = None) -> Truth:
    env = env or {}
    op, args = formula["op"], formula.get("a", [])
    if op == "=":
        return bool(term_value(args[0], model, env) == term_value(args[1], model, env))
    if op == "rel":
        return bool(model.relations[formula["r"]](*(term_value(a, model, env) for a in args)))
    if op in ("true", "false"):
        return op == "true"
    if op == "not":
        return _not(evaluate(args[0], model, env))
    if op in ("and", "or", "implies", "iff"):
        a, b = evaluate(args[0], model, env), evaluate(args[1], model, env)
        if op == "and":
            return _and(a, b)
        if op == "or":
            return _or(a, b)
        if op == "implies":
            return _or(_not(a), b)
        return _and(_or(_not(a), b), _or(_not(b), a))
    name, sort = formula["var"]
    values = [evaluate(args[0], model, {**env, (name, sort): x}) for x in model.domains[sort]]
    complete = model.complete[sort]
    if op == "forall":
        if False in values:
            return False
        return True if complete and None not in values else None
    if True in values:
        return True
    return False if complete and None not in values else None


def free_variables(formula: Mapping[str, Any], bound: frozenset[tuple[str, str]] = frozenset()) -> set[tuple[str, str]]:
    def of_term(t: Mapping[str, Any]) -> set[tuple[str, str]]:
        if "v" in t:
            return set() if (t["v"], t["s"]) in bound else {(t["v"], t["s"])}
        return {v for a in t.get("a", []) for v in of_term(a)}

    op, args = formula["op"], formula.get("a", [])
    if op in ("=", "rel"):
        return {v for a in args for v in of_term(a)}
    if op in ("forall", "exists"):
        return free_variables(args[0], bound | {tuple(formula["var"])})  # type: ignore[operator]
    return {v for a in args for v in free_variables(a, bound)}


def holds_for_all(formula: Mapping[str, Any], model: Model) -> Truth:
    """The universal closure of a formula with free variables (a step's meaning)."""
    keys = sorted(free_variables(formula))
    result: Truth = True
    for values in product(*(model.domains[s] for _, s in keys)):
        result = _and(result, evaluate(formula, model, dict(zip(keys, values))))
        if result is False:
            return False
    if result and not all(model.complete[s] for _, s in keys):
        return None
    return result


# ---------------------------------------------------------------- models of the shipped theories

NAT_PREFIX = tuple(range(5))
_NAT = {"zero": lambda: 0, "one": lambda: 1, "s": lambda n: n + 1, "add": lambda a, b: a + b,
        "mul": lambda a, b: a * b, "pow": lambda a, b: a**b}  # fmt: skip


def naturals() -> Model:
    """The standard model of peano, peano_order and peano_exp (quantifiers over 0..4)."""
    return Model({"N": NAT_PREFIX}, {"N": False}, _NAT, {"le": lambda a, b: a <= b})


def lists_model() -> Model:
    """Lists over a two-element Elem (a complete sort: the axioms do not constrain it)."""
    elems = (0, 1)
    short = tuple(tuple(x) for n in range(3) for x in product(elems, repeat=n))
    functions = {**_NAT, "nil": lambda: (), "cons": lambda e, xs: (e, *xs), "append": lambda a, b: a + b,
                 "length": len, "reverse": lambda xs: tuple(reversed(xs))}  # fmt: skip
    return Model({"N": NAT_PREFIX, "Elem": elems, "List": short}, {"N": False, "Elem": True, "List": False},
                 functions, {})  # fmt: skip


def cyclic_model(n: int = 3) -> Model:
    """ℤ/n: a finite model of the `cyclic` test theory below (every quantifier decided)."""
    functions = {"zero": lambda: 0, "one": lambda: 1 % n, "s": lambda a: (a + 1) % n,
                 "add": lambda a, b: (a + b) % n, "mul": lambda a, b: (a * b) % n}  # fmt: skip
    return Model({"N": tuple(range(n))}, {"N": True}, functions, {"le": lambda a, b: a <= b})


MODELS: dict[str, Callable[[], Model]] = {
    "peano": naturals, "peano_order": naturals, "peano_exp": naturals, "lists": lists_model, "cyclic": cyclic_model,
}  # fmt: skip
