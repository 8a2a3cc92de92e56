"""IR -> readable MPL text, in Unicode (`∀a b. a + b = b + a`) or ASCII (`forall a b. a + b = b + a`).

The printer uses the theory's notations (`0`, `[]`) and infix symbols with their declared precedence
and associativity, and writes the fewest parentheses the MPL parser needs: printing and then
parsing gives back the same IR (a property test checks this).  A bound variable gets a sort
annotation `(x : S)` only where the parser could not infer its sort from its uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from axiomforge.logic.ir import (
    App,
    AxiomDecl,
    Binary,
    Eq,
    Formula,
    FunctionDecl,
    Not,
    Quant,
    Rel,
    RelationDecl,
    Term,
    Theory,
    Truth,
    Var,
)

_UNICODE_OPS = {"*": "·", "<=": "≤", ">=": "≥"}
_ASCII_OPS = {v: k for k, v in _UNICODE_OPS.items()}

_CONNECTIVES = {
    False: {"and": "∧", "or": "∨", "implies": "→", "iff": "↔", "not": "¬", "ne": "≠",
            "forall": "∀", "exists": "∃"},
    True: {"and": "and", "or": "or", "implies": "->", "iff": "<->", "not": "not ", "ne": "!=",
           "forall": "forall ", "exists": "exists "},
}

# Binding strength of formula constructs (higher binds tighter).
_LEVEL = {"iff": 1, "implies": 2, "or": 3, "and": 4}
_NOT_LEVEL = 5
_ATOM_LEVEL = 6


@dataclass(frozen=True)
class _Style:
    """Everything the printer needs from a theory, looked up once per call."""

    functions: dict[str, FunctionDecl]
    relations: dict[str, RelationDecl]
    single_sort: bool
    ascii: bool

    @classmethod
    def of(cls, theory: Theory, ascii: bool) -> _Style:
        return cls({f.name: f for f in theory.functions}, {r.name: r for r in theory.relations},
                   len(theory.sorts) <= 1, ascii)

    def op(self, symbol: str) -> str:
        table = _ASCII_OPS if self.ascii else _UNICODE_OPS
        return table.get(symbol, symbol)

    def word(self, key: str) -> str:
        return _CONNECTIVES[self.ascii][key]


# ---------------------------------------------------------------- terms


def _infix_of(term: Term, style: _Style) -> FunctionDecl | None:
    if isinstance(term, App) and len(term.args) == 2:
        decl = style.functions.get(term.fn)
        if decl is not None and decl.infix:
            return decl
    return None


def _term(term: Term, style: _Style) -> str:
    if isinstance(term, Var):
        return term.name
    decl = style.functions.get(term.fn)
    if not term.args:
        if decl is not None and decl.notation and (not style.ascii or decl.notation.isascii()):
            return decl.notation
        return term.fn
    if decl is not None and decl.infix and len(term.args) == 2:
        prec = decl.precedence or 5
        assoc = decl.assoc or "left"
        left, right = term.args
        return (f"{_operand(left, style, prec, assoc == 'left')} {style.op(decl.infix)} "
                f"{_operand(right, style, prec, assoc == 'right')}")
    return f"{term.fn}({', '.join(_term(a, style) for a in term.args)})"


def _operand(term: Term, style: _Style, parent_prec: int, same_level_ok: bool) -> str:
    text = _term(term, style)
    child = _infix_of(term, style)
    if child is None:
        return text
    child_prec = child.precedence or 5
    if child_prec > parent_prec or (child_prec == parent_prec and same_level_ok):
        return text
    return f"({text})"


def format_term(term: Term, theory: Theory, ascii: bool = False) -> str:
    """A term in infix notation with the fewest parentheses, e.g. `s(a + b) · c`."""
    return _term(term, _Style.of(theory, ascii))


# ---------------------------------------------------------------- formulas


def _annotated_binders(formula: Formula, style: _Style) -> set[int]:
    """Ids of the Quant nodes whose variable's sort the parser could not infer from its uses.

    Mirrors the parser's inference: a variable's sort is fixed by a function or relation argument
    position, or by an equation with a term whose sort is fixed; equations between variables
    share what they know.
    """
    if style.single_sort:
        return set()
    parent: dict[int, int] = {}
    fixed: set[int] = set()

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    def occurrence(term: Term, scope: dict[str, int]) -> int | None:
        return scope.get(term.name) if isinstance(term, Var) else None

    def visit_term(term: Term, scope: dict[str, int], fixed_here: bool) -> None:
        if isinstance(term, Var):
            binder = scope.get(term.name)
            if binder is not None and fixed_here:
                fixed.add(find(binder))
            return
        for arg in term.args:
            visit_term(arg, scope, True)

    def visit(f: Formula, scope: dict[str, int]) -> None:
        match f:
            case Eq(lhs, rhs):
                left, right = occurrence(lhs, scope), occurrence(rhs, scope)
                if left is not None and right is not None:
                    a, b = find(left), find(right)
                    if a != b:
                        parent[b] = a
                        if b in fixed:
                            fixed.add(a)
                visit_term(lhs, scope, right is None)
                visit_term(rhs, scope, left is None)
            case Rel(_, args):
                for arg in args:
                    visit_term(arg, scope, True)
            case Not(body):
                visit(body, scope)
            case Binary(_, left, right):
                visit(left, scope)
                visit(right, scope)
            case Quant(_, var, body):
                visit(body, {**scope, var.name: id(f)})
            case _:
                pass

    visit(formula, {})
    quants: list[int] = []

    def collect(f: Formula) -> None:
        match f:
            case Not(body):
                collect(body)
            case Binary(_, left, right):
                collect(left)
                collect(right)
            case Quant(_, _, body):
                quants.append(id(f))
                collect(body)
            case _:
                pass

    collect(formula)
    return {q for q in quants if find(q) not in fixed}


def _binders(binders: list[tuple[Var, bool]]) -> str:
    parts: list[str] = []
    i = 0
    while i < len(binders):
        var, annotate = binders[i]
        if not annotate:
            parts.append(var.name)
            i += 1
            continue
        group = [var.name]
        i += 1
        while i < len(binders) and binders[i][1] and binders[i][0].sort == var.sort:
            group.append(binders[i][0].name)
            i += 1
        parts.append(f"({' '.join(group)} : {var.sort})")
    return " ".join(parts)


def _formula(f: Formula, style: _Style, annotate: set[int], min_level: int, rightmost: bool) -> str:
    """`f` printed where a construct must bind at least `min_level`; `rightmost` says nothing
    follows it, so a quantifier may extend to the end without parentheses."""

    def wrap(text: str, level: int) -> str:
        return f"({text})" if level < min_level else text

    match f:
        case Eq(lhs, rhs):
            return f"{_term(lhs, style)} = {_term(rhs, style)}"
        case Not(Eq(lhs, rhs)):
            return f"{_term(lhs, style)} {style.word('ne')} {_term(rhs, style)}"
        case Rel(name, args):
            decl = style.relations.get(name)
            if decl is not None and decl.infix and len(args) == 2:
                return f"{_term(args[0], style)} {style.op(decl.infix)} {_term(args[1], style)}"
            if not args:
                return name
            return f"{name}({', '.join(_term(a, style) for a in args)})"
        case Truth(value):
            return "true" if value else "false"
        case Not(body):
            inner = _formula(body, style, annotate, _NOT_LEVEL, rightmost or min_level > _NOT_LEVEL)
            return wrap(f"{style.word('not')}{inner}", _NOT_LEVEL)
        case Binary(op, left, right):
            level = _LEVEL[op]
            closed = level < min_level  # parenthesised: the right operand ends at ')'
            left_min = level + 1
            right_min = level + 1 if op == "iff" else level
            left_text = _formula(left, style, annotate, left_min, False)
            right_text = _formula(right, style, annotate, right_min, rightmost or closed)
            return wrap(f"{left_text} {style.word(op)} {right_text}", level)
        case Quant(kind, _, _):
            binders: list[tuple[Var, bool]] = []
            node: Formula = f
            while isinstance(node, Quant) and node.kind == kind and all(
                    node.var.name != v.name for v, _ in binders):  # `∀a a.` would bind a twice
                binders.append((node.var, id(node) in annotate))
                node = node.body
            body_text = _formula(node, style, annotate, 0, True)
            text = f"{style.word(kind)}{_binders(binders)}. {body_text}"
            return text if rightmost else f"({text})"
    raise TypeError(f)  # pragma: no cover


def format_formula(formula: Formula, theory: Theory, ascii: bool = False) -> str:
    """A formula with notation, infix symbols and the fewest parentheses, e.g. `∀a b. a + b = b + a`."""
    style = _Style.of(theory, ascii)
    return _formula(formula, style, _annotated_binders(formula, style), 0, True)


# ---------------------------------------------------------------- whole theories


def _decl_fixity(decl: FunctionDecl, style: _Style) -> str:
    parts: list[str] = []
    if decl.notation:
        parts.append(f'notation "{decl.notation}"')
    if decl.infix:
        parts.append(f'infix "{decl.infix}" precedence {decl.precedence or 5} {decl.assoc or "left"}')
    return ("  " + " ".join(parts)) if parts else ""


def _definition_parts(axiom: AxiomDecl, theory: Theory) -> tuple[str, tuple[Var, ...], Formula | Term] | None:
    """(name, parameters, body) when `axiom` has the shape a `definition` produces."""
    if axiom.kind != "definition" or not axiom.name.endswith("_def"):
        return None
    name = axiom.name[: -len("_def")]
    params: list[Var] = []
    node = axiom.formula
    while isinstance(node, Quant) and node.kind == "forall":
        params.append(node.var)
        node = node.body
    if (isinstance(node, Eq) and isinstance(node.lhs, App) and node.lhs.fn == name
            and node.lhs.args == tuple(params) and any(f.name == name for f in theory.functions)):
        return name, tuple(params), node.rhs
    if (isinstance(node, Binary) and node.op == "iff" and isinstance(node.left, Rel) and node.left.name == name
            and node.left.args == tuple(params) and any(r.name == name for r in theory.relations)):
        return name, tuple(params), node.right
    return None


def format_theory(theory: Theory, ascii: bool = False) -> str:
    """The whole theory as MPL source in canonical layout (comments are not kept)."""
    style = _Style.of(theory, ascii)
    definitions = {axiom.name: parts for axiom in theory.axioms
                   if (parts := _definition_parts(axiom, theory)) is not None}
    defined = {parts[0] for parts in definitions.values()}
    lines = [f"theory {theory.name}", ""]
    if theory.sorts:
        lines.append("sort " + ", ".join(theory.sorts))
    for fn in theory.functions:
        if fn.name in defined:
            continue
        if fn.arg_sorts:
            lines.append(f"function {fn.name} : {', '.join(fn.arg_sorts)} -> {fn.result_sort}"
                         f"{_decl_fixity(fn, style)}")
        else:
            lines.append(f"const {fn.name} : {fn.result_sort}{_decl_fixity(fn, style)}")
    for rel in theory.relations:
        if rel.name in defined:
            continue
        infix = f'  infix "{rel.infix}"' if rel.infix else ""
        lines.append(f"relation {rel.name} : {', '.join(rel.arg_sorts)}{infix}")
    lines.append("")
    for ind in theory.induction:
        lines.append(f"induction {ind.sort} : {', '.join(ind.constructors)}")
    if theory.induction:
        lines.append("")
    functions = {f.name: f for f in theory.functions}
    relations = {r.name: r for r in theory.relations}
    for axiom in theory.axioms:  # definitions stay in place: later axioms may use what they define
        parts = definitions.get(axiom.name)
        if parts is None:
            lines.append(f"axiom {axiom.name} : {format_formula(axiom.formula, theory, ascii)}")
            continue
        name, params, body = parts
        head = f"({', '.join(f'{p.name} : {p.sort}' for p in params)})" if params else ""
        if name in functions:
            lines.append(f"definition {name}{head} : {functions[name].result_sort} := "
                         f"{_term(body, style)}{_decl_fixity(functions[name], style)}")  # type: ignore[arg-type]
        else:
            infix = f'  infix "{relations[name].infix}"' if relations[name].infix else ""
            lines.append(f"definition {name}{head} : Prop := {format_formula(body, theory, ascii)}{infix}")  # type: ignore[arg-type]
    if theory.expects:
        lines.append("")
    for expect in theory.expects:
        lines.append(f"expect {expect.name} : {format_formula(expect.formula, theory, ascii)}")
    if theory.goals:
        lines.append("")
    for goal in theory.goals:
        lines.append(f"goal {goal.name} : {format_formula(goal.formula, theory, ascii)}")
    return "\n".join(lines).rstrip("\n") + "\n"


def theory_summary(theory: Theory, ascii: bool = False) -> dict[str, Any]:
    """What `axiomforge mpl check` reports: sorts, symbols with signatures, induction, axioms, expects."""
    style = _Style.of(theory, ascii)
    arrow = "->" if ascii else "→"
    symbols: list[str] = []
    for fn in theory.functions:
        shown = f" ({style.op(fn.infix)})" if fn.infix else (f" ({fn.notation})" if fn.notation else "")
        sig = f"{', '.join(fn.arg_sorts)} {arrow} {fn.result_sort}" if fn.arg_sorts else fn.result_sort
        symbols.append(f"{fn.name}{shown} : {sig}")
    for rel in theory.relations:
        shown = f" ({style.op(rel.infix)})" if rel.infix else ""
        symbols.append(f"{rel.name}{shown} : {', '.join(rel.arg_sorts)} {arrow} Prop")
    return {
        "name": theory.name,
        "sorts": list(theory.sorts),
        "symbols": symbols,
        "induction": [f"{ind.sort} : {', '.join(ind.constructors)}" for ind in theory.induction],
        "axioms": [{"name": a.name, "kind": a.kind, "formula": format_formula(a.formula, theory, ascii)}
                   for a in theory.axioms],
        "expects": [{"name": e.name, "formula": format_formula(e.formula, theory, ascii)} for e in theory.expects],
        "goals": [{"name": g.name, "formula": format_formula(g.formula, theory, ascii)} for g in theory.goals],
    }
