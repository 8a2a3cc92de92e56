"""The logic IR: sorted first-order terms, formulas and theories.

Everything downstream of the MPL parser (and the GL prefix reader) works on these frozen
dataclasses; `to_json` functions give the representation of docs/proof-format.md, which is all
the independent checker sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from axiomforge.errors import SourceLocation


@dataclass(frozen=True, order=True)
class Var:
    name: str
    sort: str


@dataclass(frozen=True, order=True)
class App:
    """A function application; a constant is an App with no arguments."""

    fn: str
    args: tuple[Term, ...] = ()


Term = Var | App


@dataclass(frozen=True)
class Eq:
    lhs: Term
    rhs: Term


@dataclass(frozen=True)
class Rel:
    name: str
    args: tuple[Term, ...]


@dataclass(frozen=True)
class Truth:
    value: bool


@dataclass(frozen=True)
class Not:
    body: Formula


BinaryOp = Literal["and", "or", "implies", "iff"]


@dataclass(frozen=True)
class Binary:
    op: BinaryOp
    left: Formula
    right: Formula


@dataclass(frozen=True)
class Quant:
    """One quantified variable; `forall a b. F` is Quant(forall, a, Quant(forall, b, F))."""

    kind: Literal["forall", "exists"]
    var: Var
    body: Formula


Formula = Eq | Rel | Truth | Not | Binary | Quant


@dataclass(frozen=True)
class FunctionDecl:
    """A function symbol; `infix` (binary functions) and `notation` (constants) are printed names.

    `precedence` (higher binds tighter) and `assoc` ("left", "right" or "none") only matter for
    infix functions; they drive both the MPL parser and the pretty-printer.
    """

    name: str
    arg_sorts: tuple[str, ...]
    result_sort: str
    infix: str | None = None
    location: SourceLocation | None = field(default=None, compare=False)
    notation: str | None = None
    precedence: int | None = None
    assoc: Literal["left", "right", "none"] | None = None


@dataclass(frozen=True)
class RelationDecl:
    name: str
    arg_sorts: tuple[str, ...]
    infix: str | None = None
    location: SourceLocation | None = field(default=None, compare=False)


@dataclass(frozen=True)
class AxiomDecl:
    name: str
    kind: Literal["axiom", "definition"]
    formula: Formula
    location: SourceLocation | None = field(default=None, compare=False)


@dataclass(frozen=True)
class InductionDecl:
    """The induction schema of an inductive sort, as declared in the theory file."""

    sort: str
    constructors: tuple[str, ...]
    location: SourceLocation | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ExpectDecl:
    """A law the user hopes the run discovers; reported only, never used by the search."""

    name: str
    formula: Formula
    location: SourceLocation | None = field(default=None, compare=False)


@dataclass(frozen=True)
class GoalDecl:
    """A statement the user wants proved: `axiomforge prove FILE --goal NAME` steers the search
    towards it (lemmas over its symbols); unlike `expect`, a goal is read by the search."""

    name: str
    formula: Formula
    location: SourceLocation | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Theory:
    name: str
    source: str
    source_sha256: str
    sorts: tuple[str, ...]
    functions: tuple[FunctionDecl, ...]
    relations: tuple[RelationDecl, ...]
    axioms: tuple[AxiomDecl, ...]
    induction: tuple[InductionDecl, ...]
    expects: tuple[ExpectDecl, ...] = ()
    goals: tuple[GoalDecl, ...] = ()

    def function(self, name: str) -> FunctionDecl:
        for decl in self.functions:
            if decl.name == name:
                return decl
        raise KeyError(name)


# ---------------------------------------------------------------- traversal helpers


def subterms(term: Term) -> Iterator[Term]:
    yield term
    if isinstance(term, App):
        for arg in term.args:
            yield from subterms(arg)


def term_vars(term: Term) -> set[Var]:
    return {t for t in subterms(term) if isinstance(t, Var)}


def free_vars(formula: Formula) -> set[Var]:
    match formula:
        case Eq(lhs, rhs):
            return term_vars(lhs) | term_vars(rhs)
        case Rel(_, args):
            return set().union(*(term_vars(a) for a in args)) if args else set()
        case Truth():
            return set()
        case Not(body):
            return free_vars(body)
        case Binary(_, left, right):
            return free_vars(left) | free_vars(right)
        case Quant(_, var, body):
            return free_vars(body) - {var}
    raise TypeError(formula)


def term_size(term: Term) -> int:
    return 1 if isinstance(term, Var) else 1 + sum(term_size(a) for a in term.args)


# ---------------------------------------------------------------- JSON (docs/proof-format.md)


def term_to_json(term: Term) -> dict[str, object]:
    if isinstance(term, Var):
        return {"v": term.name, "s": term.sort}
    return {"f": term.fn, "a": [term_to_json(a) for a in term.args]}


def formula_to_json(formula: Formula) -> dict[str, object]:
    match formula:
        case Eq(lhs, rhs):
            return {"op": "=", "a": [term_to_json(lhs), term_to_json(rhs)]}
        case Rel(name, args):
            return {"op": "rel", "r": name, "a": [term_to_json(a) for a in args]}
        case Truth(value):
            return {"op": "true" if value else "false"}
        case Not(body):
            return {"op": "not", "a": [formula_to_json(body)]}
        case Binary(op, left, right):
            return {"op": op, "a": [formula_to_json(left), formula_to_json(right)]}
        case Quant(kind, var, body):
            return {"op": kind, "var": [var.name, var.sort], "a": [formula_to_json(body)]}
    raise TypeError(formula)


def term_from_json(data: dict[str, object]) -> Term:
    if "v" in data:
        return Var(str(data["v"]), str(data["s"]))
    args = data["a"]
    assert isinstance(args, list)
    return App(str(data["f"]), tuple(term_from_json(a) for a in args))


def formula_from_json(data: dict[str, object]) -> Formula:
    op = data["op"]
    args = data.get("a", [])
    assert isinstance(args, list)
    if op == "=":
        return Eq(term_from_json(args[0]), term_from_json(args[1]))
    if op == "rel":
        return Rel(str(data["r"]), tuple(term_from_json(a) for a in args))
    if op in ("true", "false"):
        return Truth(op == "true")
    if op == "not":
        return Not(formula_from_json(args[0]))
    if op in ("and", "or", "implies", "iff"):
        return Binary(op, formula_from_json(args[0]), formula_from_json(args[1]))  # type: ignore[arg-type]
    if op in ("forall", "exists"):
        var = data["var"]
        assert isinstance(var, list)
        return Quant(op, Var(str(var[0]), str(var[1])), formula_from_json(args[0]))  # type: ignore[arg-type]
    raise ValueError(f"unknown formula op {op!r}")


def _function_to_json(decl: FunctionDecl) -> dict[str, object]:
    """A function declaration; `notation`, `precedence` and `assoc` appear only when declared."""
    data: dict[str, object] = {"name": decl.name, "args": list(decl.arg_sorts), "result": decl.result_sort,
                               "infix": decl.infix}
    for key in ("notation", "precedence", "assoc"):
        value = getattr(decl, key)
        if value is not None:
            data[key] = value
    return data


def theory_to_json(theory: Theory) -> dict[str, object]:
    """The `theory` section of proofs.json."""
    return {
        "name": theory.name,
        "source": theory.source,
        "source_sha256": theory.source_sha256,
        "sorts": list(theory.sorts),
        "functions": [_function_to_json(f) for f in theory.functions],
        "relations": [{"name": r.name, "args": list(r.arg_sorts), "infix": r.infix} for r in theory.relations],
        "axioms": [{"name": a.name, "kind": a.kind, "formula": formula_to_json(a.formula)} for a in theory.axioms],
        "induction": [
            {
                "sort": ind.sort,
                "constructors": [
                    {"name": c, "args": list(theory.function(c).arg_sorts)} for c in ind.constructors
                ],
            }
            for ind in theory.induction
        ],
    }
