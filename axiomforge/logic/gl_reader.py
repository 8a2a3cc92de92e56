"""Generative Logic's prefix notation -> logic IR.

GL writes formulas relationally, with no function terms:

    (>[x,y] A B)     for all x, y: A implies B        (>[] A B) is a plain implication
    (&A B ...)       conjunction                       !A        negation
    (=[a,b])         a = b                             (in[x,N])  x is in the set N (typing)
    (in2[x,y,f])     f(x) = y                          (in3[a,b,c,+])  a + b = c
    (Anchor...[...]), (fXY[f,X,Y]), (fXYZ[f,X,Y,Z])    signature facts, implied by our declarations

Atoms may also be written bare (`=[a,b]`), and whitespace is free.  GL keeps types in separate
JSON configs, so `read_gl_text` takes a small signature mapping (default: one sort N with
0, s, + and *).  A file is a sequence of top-level expressions, each optionally preceded by
`NAME:` (our extension, to name axioms); `#` and `//` start comments.  A top-level conjunction
is split into one axiom per conjunct.

Translation, stage by stage: text -> GL syntax tree (`_GLParser`) -> variable sorts (from typing
atoms and signature positions) -> IR formulas -> simplification:
  * typing and signature atoms become `true` and disappear;
  * `!(>[x] A !B)` becomes `exists x. A and B`;
  * witness elimination turns relational premises into terms: in `forall x ys. (f(t) = x and P) -> Q`
    the variable x is replaced by f(t) (sound because x is universally bound and not in f(t)), so
    `(>[a,b,c,d](&(in2[b,c,s])(in3[a,c,d,+])) ...)` reads `forall a b. ... a + s(b) ...`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axiomforge.errors import SourceLocation, json_kind, parse_user_json, read_user_text
from axiomforge.logic.errors import MPLSyntaxError, MPLTypeError
from axiomforge.logic.ir import (
    App,
    AxiomDecl,
    Binary,
    Eq,
    Formula,
    FunctionDecl,
    InductionDecl,
    Not,
    Quant,
    Rel,
    RelationDecl,
    Term,
    Theory,
    Truth,
    Var,
    free_vars,
    term_vars,
)

# ---------------------------------------------------------------- signature (GL's side configs)

DEFAULT_GL_SIGNATURE: dict[str, Any] = {
    "name": "gl",
    "sorts": ["N"],
    "default_sort": "N",
    "functions": {
        "i0": {"name": "zero", "args": [], "result": "N", "notation": "0"},
        "s": {"name": "s", "args": ["N"], "result": "N"},
        "+": {"name": "add", "args": ["N", "N"], "result": "N", "infix": "+", "precedence": 6},
        "*": {"name": "mul", "args": ["N", "N"], "result": "N", "infix": "*", "precedence": 7},
    },
    # GL anchor slots that denote terms: i1 is the numeral 1.
    "terms": {"i1": ["s", "i0"]},
    "relations": {},
    "induction": {"N": ["i0", "s"]},
}
"""The default signature: GL's Peano anchor (N, i0, s, +, *, i1). Keys of `functions` are GL
symbols; values are our declarations. `terms` maps a GL constant to a GL symbol applied to
arguments (nested lists)."""

_SIGNATURE_ATOMS = re.compile(r"^(Anchor.*|fXY|fXYZ)$")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class _Sig:
    """The signature in force while reading one file; grows when new predicates appear."""

    name: str
    sorts: list[str]
    default_sort: str
    functions: dict[str, FunctionDecl]           # GL symbol -> declaration
    terms: dict[str, Any]
    relations: dict[str, RelationDecl] = field(default_factory=dict)  # GL name -> declaration
    induction: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None, where: str = "<signature>") -> _Sig:
        merged = dict(DEFAULT_GL_SIGNATURE)
        if config is not None:
            if not isinstance(config, Mapping):
                raise _signature_error("a signature must be a JSON object", where)
            merged.update(config)
        validate_signature(merged, where)
        sorts = [str(s) for s in merged.get("sorts", ["N"])]
        default_sort = str(merged.get("default_sort", sorts[0] if sorts else "N"))
        functions: dict[str, FunctionDecl] = {}
        for symbol, spec in dict(merged.get("functions", {})).items():
            functions[str(symbol)] = FunctionDecl(
                str(spec["name"]), tuple(str(s) for s in spec.get("args", [])), str(spec.get("result", default_sort)),
                spec.get("infix"), None, spec.get("notation"), spec.get("precedence") if spec.get("infix") else None,
                spec.get("assoc", "left") if spec.get("infix") else None)
        relations = {
            str(name): RelationDecl(str(spec.get("name", name)), tuple(str(s) for s in spec.get("args", [])),
                                    spec.get("infix"))
            for name, spec in dict(merged.get("relations", {})).items()
        }
        induction = {str(k): [str(c) for c in v] for k, v in dict(merged.get("induction", {})).items()}
        return cls(str(merged.get("name", "gl")), sorts, default_sort, functions, dict(merged.get("terms", {})),
                   relations, induction)


def _signature_error(message: str, where: str) -> MPLTypeError:
    return MPLTypeError(f"bad signature: {message}", SourceLocation(where))


def validate_signature(sig: Mapping[str, Any], where: str) -> None:
    """Refuse a signature (a `.sig.json`, after defaults are merged in) that is not shaped as
    docs/mpl.md describes, naming the offending key; `_Sig.from_config` may then read it blindly.

    Unknown top-level keys are ignored (GL's configs carry more than we read)."""

    def fail(path: str, message: str) -> MPLTypeError:
        return _signature_error(f"{path}: {message}", where)

    def is_str(value: Any) -> bool:
        return isinstance(value, str) and value != ""

    def string_list(value: Any, path: str) -> list[str]:
        if not isinstance(value, list) or not all(is_str(v) for v in value):
            raise fail(path, "must be a list of non-empty strings")
        return value

    def obj(value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise fail(path, f"must be a JSON object, got {json_kind(value)}")
        return value

    if not is_str(sig.get("name")):
        raise fail('"name"', "must be a non-empty string")
    sorts = string_list(sig.get("sorts"), '"sorts"')
    if not sorts:
        raise fail('"sorts"', "must name at least one sort")
    if "default_sort" in sig and sig["default_sort"] not in sorts:
        raise fail('"default_sort"', "must be one of the declared sorts")

    def sort_list(value: Any, path: str) -> None:
        for sort in string_list(value, path):
            if sort not in sorts:
                raise fail(path, f"sort {sort} is not declared in \"sorts\"")

    for symbol, spec in obj(sig.get("functions", {}), '"functions"').items():
        path = f'"functions"."{symbol}"'
        spec = obj(spec, path)
        if not is_str(spec.get("name")):
            raise fail(path, 'needs "name", a non-empty string')
        sort_list(spec.get("args", []), f'{path}."args"')
        if "result" in spec:
            sort_list([spec["result"]], f'{path}."result"')
        for key in ("infix", "notation"):
            if spec.get(key) is not None and not is_str(spec[key]):
                raise fail(f'{path}."{key}"', "must be a non-empty string")
        precedence = spec.get("precedence")
        if precedence is not None and (not isinstance(precedence, int) or isinstance(precedence, bool)
                                       or not 0 <= precedence <= 100):
            raise fail(f'{path}."precedence"', "must be an integer from 0 to 100")
        if spec.get("assoc", "left") not in ("left", "right", "none"):
            raise fail(f'{path}."assoc"', 'must be "left", "right" or "none"')
    for name, spec in obj(sig.get("relations", {}), '"relations"').items():
        path = f'"relations"."{name}"'
        spec = obj(spec, path)
        if "name" in spec and not is_str(spec["name"]):
            raise fail(f'{path}."name"', "must be a non-empty string")
        sort_list(spec.get("args", []), f'{path}."args"')
        if spec.get("infix") is not None and not is_str(spec["infix"]):
            raise fail(f'{path}."infix"', "must be a non-empty string")

    def term_spec(value: Any, path: str, depth: int = 0) -> None:
        if is_str(value):
            return
        if depth > 32 or not isinstance(value, list) or not value or not is_str(value[0]):
            raise fail(path, "must be a symbol or a list [symbol, argument, ...] at most 32 deep")
        for i, arg in enumerate(value[1:], start=1):
            term_spec(arg, f"{path}[{i}]", depth + 1)

    for name, spec in obj(sig.get("terms", {}), '"terms"').items():
        term_spec(spec, f'"terms"."{name}"')
    for sort, constructors in obj(sig.get("induction", {}), '"induction"').items():
        string_list(constructors, f'"induction"."{sort}"')


# ---------------------------------------------------------------- stage 1: text -> GL syntax tree


@dataclass(frozen=True)
class _GLAtom:
    name: str
    args: tuple[str, ...]
    arg_offsets: tuple[int, ...]
    offset: int


@dataclass(frozen=True)
class _GLAnd:
    parts: tuple[_GLExpr, ...]
    offset: int


@dataclass(frozen=True)
class _GLImplies:
    bound: tuple[str, ...]
    bound_offsets: tuple[int, ...]
    premise: _GLExpr
    body: _GLExpr
    offset: int


@dataclass(frozen=True)
class _GLNot:
    body: _GLExpr
    offset: int


_GLExpr = _GLAtom | _GLAnd | _GLImplies | _GLNot

_TOKEN = re.compile(r"\s+|#[^\n]*|//[^\n]*|[()\[\],!&>:]|[^\s()\[\],!&>:#]+")


MAX_GL_DEPTH = 100
"""Deepest nesting of one GL expression (docs/limits.md)."""
MAX_GL_NUMERAL = 100
"""Largest decimal numeral in a GL file: `n` becomes a term n successors deep (docs/limits.md)."""


class _GLParser:
    """A recursive-descent reader for GL expressions with located errors."""

    def __init__(self, text: str, filename: str) -> None:
        self.text = text
        self.filename = filename
        self.tokens: list[tuple[str, int]] = []
        pos = 0
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            assert match is not None  # the last alternative matches any other character run
            value = match.group()
            if not (value.isspace() or value.startswith("#") or value.startswith("//")):
                self.tokens.append((value, pos))
            pos = match.end()
        self.index = 0
        self.depth = 0

    # ------------------------------------------------------------ helpers

    def position(self, offset: int) -> tuple[int, int]:
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return line, column

    def error(self, message: str, offset: int | None = None) -> MPLSyntaxError:
        if offset is None:
            offset = self.tokens[self.index][1] if self.index < len(self.tokens) else len(self.text)
        line, column = self.position(offset)
        return MPLSyntaxError.at(message, self.text, self.filename, line, column)  # type: ignore[return-value]

    def peek(self, ahead: int = 0) -> str | None:
        i = self.index + ahead
        return self.tokens[i][0] if i < len(self.tokens) else None

    def take(self, expected: str | None = None, what: str = "") -> tuple[str, int]:
        if self.index >= len(self.tokens):
            raise self.error(f"unexpected end of file; expected {what or repr(expected)}")
        value, offset = self.tokens[self.index]
        if expected is not None and value != expected:
            raise self.error(f"unexpected {value!r}; expected {what or repr(expected)}")
        self.index += 1
        return value, offset

    # ------------------------------------------------------------ grammar

    def items(self) -> list[tuple[str | None, int, _GLExpr]]:
        items: list[tuple[str | None, int, _GLExpr]] = []
        while self.index < len(self.tokens):
            name: str | None = None
            value, offset = self.tokens[self.index]
            if _IDENT.match(value) and self.peek(1) == ":":
                name = value
                self.index += 2
            items.append((name, offset, self.expr()))
        return items

    def expr(self) -> _GLExpr:
        """One expression; nesting deeper than MAX_GL_DEPTH is refused where it starts (the reader
        and the translation after it recurse once per level)."""
        self.depth += 1
        try:
            return self._expr()
        finally:
            self.depth -= 1

    def _expr(self) -> _GLExpr:
        value, offset = self.take(what="an expression: '(', '!' or an atom")
        if self.depth > MAX_GL_DEPTH:
            raise self.error(f"expression nested deeper than {MAX_GL_DEPTH} levels", offset)
        if value == "!":
            return _GLNot(self.expr(), offset)
        if value != "(":
            self.index -= 1
            return self.atom()
        head = self.peek()
        if head == "&":
            self.take("&")
            parts = []
            while self.peek() != ")":
                parts.append(self.expr())
            self.take(")")
            if len(parts) < 1:
                raise self.error("a conjunction (& ...) needs at least one operand", offset)
            return _GLAnd(tuple(parts), offset)
        if head == ">":
            self.take(">")
            bound, offsets = self.bracket_list(allow_empty=True, what="a variable")
            premise = self.expr()
            body = self.expr()
            self.take(")", "')' closing (>")
            return _GLImplies(tuple(bound), tuple(offsets), premise, body, offset)
        inner = self.atom() if head is not None and head not in ("(", "!") else self.expr()
        self.take(")", "')'")
        return inner

    def atom(self) -> _GLAtom:
        name, offset = self.take(what="an atom name[args]")
        if not (_IDENT.match(name) or name == "="):
            raise self.error(f"unexpected {name!r}; expected an atom name[args]", offset)
        args, offsets = self.bracket_list(allow_empty=True, what="an argument")
        return _GLAtom(name, tuple(args), tuple(offsets), offset)

    def bracket_list(self, allow_empty: bool, what: str) -> tuple[list[str], list[int]]:
        self.take("[", "'['")
        values: list[str] = []
        offsets: list[int] = []
        if self.peek() == "]":
            self.take("]")
            return values, offsets
        while True:
            value, offset = self.take(what=what)
            if value in "()[],!&:" and len(value) == 1 and value not in ("&",):
                raise self.error(f"unexpected {value!r}; expected {what}", offset)
            values.append(value)
            offsets.append(offset)
            sep, _ = self.take(what="',' or ']'")
            if sep == "]":
                return values, offsets
            if sep != ",":
                raise self.error(f"unexpected {sep!r}; expected ',' or ']'", _)


# ---------------------------------------------------------------- stage 2+3: sorts and IR


class _Translator:
    def __init__(self, sig: _Sig, parser: _GLParser) -> None:
        self.sig = sig
        self.parser = parser

    def type_error(self, message: str, offset: int) -> MPLTypeError:
        line, column = self.parser.position(offset)
        return MPLTypeError.at(message, self.parser.text, self.parser.filename, line, column)  # type: ignore[return-value]

    # sorts: one pass collecting constraints per variable name within its binder scope

    def infer_sorts(self, expr: _GLExpr, scope: dict[str, list[str | None]], free: dict[str, list[str | None]],
                    ) -> None:
        match expr:
            case _GLNot(body, _):
                self.infer_sorts(body, scope, free)
            case _GLAnd(parts, _):
                for part in parts:
                    self.infer_sorts(part, scope, free)
            case _GLImplies(bound, _, premise, body, _):
                inner: dict[str, list[str | None]] = dict(scope)
                inner.update({name: [None] for name in bound})
                self.infer_sorts(premise, inner, free)
                self.infer_sorts(body, inner, free)
                for name in bound:
                    # remembered per binder occurrence, for `translate`
                    self._binder_sorts[id(expr), name] = inner[name][0]
            case _GLAtom():
                for arg, sort, offset in self.atom_arg_sorts(expr):
                    cell = scope.get(arg)
                    if cell is None and self.is_variable_name(arg):
                        cell = free.setdefault(arg, [None])
                    if cell is None or sort is None:
                        continue
                    if cell[0] is None:
                        cell[0] = sort
                    elif cell[0] != sort:
                        raise self.type_error(f"sort mismatch: {arg} is used as {sort} here but as {cell[0]} "
                                              "elsewhere", offset)

    def is_signature_atom(self, atom: _GLAtom) -> bool:
        """Anchors, fXY/fXYZ, and any predicate applied to sets or functions (GL's higher-order
        definition references such as NaturalNumbers[N,i0,s,+,*]) state facts about the
        signature, which our typed declarations already carry."""
        if atom.name in ("in", "in2", "in3", "="):
            return False
        if _SIGNATURE_ATOMS.match(atom.name):
            return True
        return any(arg in self.sig.sorts or (arg in self.sig.functions and self.sig.functions[arg].arg_sorts)
                   for arg in atom.args)

    def is_variable_name(self, arg: str) -> bool:
        return (arg not in self.sig.functions and arg not in self.sig.terms and arg not in self.sig.sorts
                and not arg.isdigit())

    def atom_arg_sorts(self, atom: _GLAtom) -> list[tuple[str, str | None, int]]:
        """(argument, the sort its position demands or None, offset) for the term arguments."""
        name, args, offsets = atom.name, atom.args, atom.arg_offsets
        if name == "in" and len(args) == 2:
            return [(args[0], args[1] if args[1] in self.sig.sorts else None, offsets[0])]
        if name in ("in2", "in3") and len(args) == (2 if name == "in2" else 3) + 1:
            fn = self.function(args[-1], len(args) - 1 - 1, offsets[-1])
            sorts = list(fn.arg_sorts) + [fn.result_sort]
            return [(a, s, o) for a, s, o in zip(args[:-1], sorts, offsets[:-1])]
        if name == "=":
            return [(a, None, o) for a, o in zip(args, offsets)]
        if self.is_signature_atom(atom):
            return []
        rel = self.sig.relations.get(name)
        if rel is not None:
            return [(a, s, o) for a, s, o in zip(args, rel.arg_sorts, offsets)]
        return [(a, self.sig.default_sort, o) for a, o in zip(args, offsets)]

    def function(self, symbol: str, arity: int, offset: int) -> FunctionDecl:
        fn = self.sig.functions.get(symbol)
        if fn is None:
            if not _IDENT.match(symbol):
                raise self.type_error(f"unknown GL function symbol {symbol!r}; declare it in the signature", offset)
            fn = FunctionDecl(symbol, (self.sig.default_sort,) * arity, self.sig.default_sort)
            self.sig.functions[symbol] = fn
        if len(fn.arg_sorts) != arity:
            raise self.type_error(f"wrong arity: {symbol} takes {len(fn.arg_sorts)} argument(s), used with {arity}",
                                  offset)
        return fn

    # IR

    def translate(self, expr: _GLExpr, scope: dict[str, Var], free: dict[str, Var]) -> Formula:
        match expr:
            case _GLNot(body, _):
                return Not(self.translate(body, scope, free))
            case _GLAnd(parts, _):
                return _conjoin([self.translate(p, scope, free) for p in parts])
            case _GLImplies(bound, offsets, premise, body, _):
                if len(set(bound)) != len(bound):
                    dup = next(b for b in bound if bound.count(b) > 1)
                    raise self.type_error(f"variable {dup} is bound twice", offsets[bound.index(dup)])
                inner = dict(scope)
                new_vars = []
                for name in bound:
                    var = Var(name, self._binder_sorts.get((id(expr), name)) or self.sig.default_sort)
                    inner[name] = var
                    new_vars.append(var)
                result: Formula = Binary("implies", self.translate(premise, inner, free),
                                         self.translate(body, inner, free))
                for var in reversed(new_vars):
                    result = Quant("forall", var, result)
                return result
            case _GLAtom():
                return self.atom(expr, scope, free)
        raise TypeError(expr)  # pragma: no cover

    def term(self, arg: str, offset: int, scope: dict[str, Var], free: dict[str, Var]) -> Term:
        if arg in scope:
            return scope[arg]
        if arg in self.sig.terms:
            return self.term_spec(self.sig.terms[arg], offset)
        if arg in self.sig.functions:
            fn = self.sig.functions[arg]
            if fn.arg_sorts:
                raise self.type_error(f"{arg} is a function; it cannot stand as an argument here", offset)
            return App(fn.name)
        if arg.isdigit():  # a numeral stands for s(...s(0)): its size is its value
            if not (arg.isascii() and len(arg) <= 4 and int(arg) <= MAX_GL_NUMERAL):
                raise self.type_error(f"numeral {arg[:20]} is not a decimal number up to {MAX_GL_NUMERAL}", offset)
            return self.numeral(int(arg), offset)
        if arg in self.sig.sorts:
            raise self.type_error(f"{arg} is a sort (a set); it cannot stand as an element here", offset)
        if arg in free:
            return free[arg]
        raise self.type_error(f"unknown name {arg!r}", offset)  # pragma: no cover - free vars collected first

    def term_spec(self, spec: Any, offset: int) -> Term:
        if isinstance(spec, str):
            fn = self.sig.functions.get(spec)
            if fn is None:
                raise self.type_error(f"signature term mentions unknown symbol {spec!r}", offset)
            return App(fn.name)
        head, *args = spec
        fn = self.sig.functions.get(str(head))
        if fn is None or len(fn.arg_sorts) != len(args):
            raise self.type_error(f"signature term {spec!r} is ill-formed", offset)
        return App(fn.name, tuple(self.term_spec(a, offset) for a in args))

    def numeral(self, value: int, offset: int) -> Term:
        zero = next((fn for sym, fn in self.sig.functions.items() if fn.notation == "0"), None)
        succ = self.sig.functions.get("s")
        if zero is None or succ is None:
            raise self.type_error(f"numeral {value} needs a constant with notation \"0\" and a successor s", offset)
        term: Term = App(zero.name)
        for _ in range(value):
            term = App(succ.name, (term,))
        return term

    def atom(self, atom: _GLAtom, scope: dict[str, Var], free: dict[str, Var]) -> Formula:
        name, args, offsets = atom.name, atom.args, atom.arg_offsets

        def t(i: int) -> Term:
            return self.term(args[i], offsets[i], scope, free)

        if self.is_signature_atom(atom):
            return Truth(True)
        if name == "in":
            if len(args) != 2:
                raise self.type_error("in[x,S] takes 2 arguments", atom.offset)
            if args[1] not in self.sig.sorts:
                raise self.type_error(f"unknown set {args[1]!r}; declare it as a sort in the signature", offsets[1])
            t(0)
            return Truth(True)
        if name in ("in2", "in3"):
            arity = 1 if name == "in2" else 2
            if len(args) != arity + 2:
                raise self.type_error(f"{name} takes {arity + 2} arguments", atom.offset)
            fn = self.function(args[-1], arity, offsets[-1])
            return Eq(App(fn.name, tuple(t(i) for i in range(arity))), t(arity))
        if name == "=":
            if len(args) != 2:
                raise self.type_error("=[a,b] takes 2 arguments", atom.offset)
            left, right = t(0), t(1)
            return Eq(left, right)
        rel = self.sig.relations.get(name)
        if rel is None:
            rel = RelationDecl(name, (self.sig.default_sort,) * len(args))
            self.sig.relations[name] = rel
        if len(rel.arg_sorts) != len(args):
            raise self.type_error(f"wrong arity: {name} takes {len(rel.arg_sorts)} argument(s), given {len(args)}",
                                  atom.offset)
        return Rel(rel.name, tuple(t(i) for i in range(len(args))))

    _binder_sorts: dict[tuple[int, str], str | None]


# ---------------------------------------------------------------- stage 4: simplification


def _subst_term(term: Term, var: Var, value: Term) -> Term:
    if isinstance(term, Var):
        return value if term == var else term
    return App(term.fn, tuple(_subst_term(a, var, value) for a in term.args))


def _bound_names(formula: Formula) -> set[str]:
    match formula:
        case Quant(_, v, body):
            return {v.name} | _bound_names(body)
        case Not(body):
            return _bound_names(body)
        case Binary(_, left, right):
            return _bound_names(left) | _bound_names(right)
    return set()


def _subst(formula: Formula, var: Var, value: Term) -> Formula:
    match formula:
        case Eq(lhs, rhs):
            return Eq(_subst_term(lhs, var, value), _subst_term(rhs, var, value))
        case Rel(name, args):
            return Rel(name, tuple(_subst_term(a, var, value) for a in args))
        case Truth():
            return formula
        case Not(body):
            return Not(_subst(body, var, value))
        case Binary(op, left, right):
            return Binary(op, _subst(left, var, value), _subst(right, var, value))
        case Quant(kind, v, body):
            if v == var:
                return formula
            return Quant(kind, v, _subst(body, var, value))
    raise TypeError(formula)  # pragma: no cover


def _conjuncts(formula: Formula) -> list[Formula]:
    if isinstance(formula, Binary) and formula.op == "and":
        return _conjuncts(formula.left) + _conjuncts(formula.right)
    return [formula]


def _conjoin(parts: list[Formula]) -> Formula:
    if not parts:
        return Truth(True)
    result = parts[-1]
    for part in reversed(parts[:-1]):
        result = Binary("and", part, result)
    return result


def _drop_truth(formula: Formula) -> Formula:
    """Remove `true` left by typing atoms: true -> P = P, P and true = P, forall x. true = true."""
    match formula:
        case Not(body):
            inner = _drop_truth(body)
            if isinstance(inner, Truth):
                return Truth(not inner.value)
            return Not(inner)
        case Binary(op, left, right):
            a, b = _drop_truth(left), _drop_truth(right)
            if op == "and":
                if a == Truth(True):
                    return b
                if b == Truth(True):
                    return a
            if op == "implies":
                if a == Truth(True):
                    return b
                if b == Truth(True):
                    return Truth(True)
            return Binary(op, a, b)
        case Quant(kind, var, body):
            inner = _drop_truth(body)
            if isinstance(inner, Truth):
                return inner
            return Quant(kind, var, inner)
    return formula


def _existentials(formula: Formula) -> Formula:
    """`not forall xs. (A -> not B)` is `exists xs. A and B`; `not forall xs. not B` is `exists xs. B`."""
    match formula:
        case Not(Quant("forall", _, _)):
            binders: list[Var] = []
            node: Formula = formula.body
            while isinstance(node, Quant) and node.kind == "forall":
                binders.append(node.var)
                node = node.body
            body: Formula | None = None
            if isinstance(node, Binary) and node.op == "implies" and isinstance(node.right, Not):
                body = Binary("and", _existentials(node.left), _existentials(node.right.body))
            elif isinstance(node, Not):
                body = _existentials(node.body)
            if body is not None:
                for var in reversed(binders):
                    body = Quant("exists", var, body)
                return body
            return Not(_existentials(formula.body))
        case Not(body):
            return Not(_existentials(body))
        case Binary(op, left, right):
            return Binary(op, _existentials(left), _existentials(right))
        case Quant(kind, var, body):
            return Quant(kind, var, _existentials(body))
    return formula


def _eliminate_witnesses(formula: Formula) -> Formula:
    """In `forall xs. P1 -> forall ys. P2 -> ... -> C` (premises flattened to conjuncts), replace a
    bound variable x by t wherever a premise says `t = x` (or `x = t`) with x not in t, and drop
    that premise and binder.  Sound and complete: forall x. (t = x -> Q) is equivalent to Q[x := t]."""
    match formula:
        case Quant("forall", _, _) | Binary("implies", _, _):
            pass
        case Quant("exists", _, _):
            return _eliminate_exists_witnesses(formula)
        case Not(body):
            return Not(_eliminate_witnesses(body))
        case Binary(op, left, right):
            return Binary(op, _eliminate_witnesses(left), _eliminate_witnesses(right))
        case _:
            return formula
    binders: list[Var] = []
    premises: list[Formula] = []
    node: Formula = formula
    while True:
        if isinstance(node, Quant) and node.kind == "forall" and node.var not in binders and \
                all(node.var not in free_vars(p) for p in premises):
            binders.append(node.var)
            node = node.body
        elif isinstance(node, Binary) and node.op == "implies":
            premises.extend(_conjuncts(node.left))
            node = node.right
        else:
            break
    conclusion = _eliminate_witnesses(node)
    premises = [_eliminate_witnesses(p) for p in premises]
    changed = True
    while changed:
        changed = False
        for i, premise in enumerate(premises):
            choice = _witness(premise, binders) if isinstance(premise, Eq) else None
            if choice is None:
                continue
            var, value = choice
            rest = premises[:i] + premises[i + 1:]
            if any(v.name in _bound_names(f) for f in rest + [conclusion] for v in term_vars(value)):
                continue  # substituting would capture a variable
            premises = [_subst(p, var, value) for p in rest]
            conclusion = _subst(conclusion, var, value)
            binders.remove(var)
            changed = True
            break
    result = conclusion if not premises else Binary("implies", _conjoin(premises), conclusion)
    for var in reversed(binders):
        result = Quant("forall", var, result)
    return result


def _eliminate_exists_witnesses(formula: Formula) -> Formula:
    """`exists xs. (t = x and P)` is `exists xs - x. P[x := t]` when x is not in t."""
    binders: list[Var] = []
    node: Formula = formula
    while isinstance(node, Quant) and node.kind == "exists" and node.var not in binders:
        binders.append(node.var)
        node = node.body
    conjuncts = [_eliminate_witnesses(c) for c in _conjuncts(node)]
    changed = True
    while changed:
        changed = False
        for i, part in enumerate(conjuncts):
            choice = _witness(part, binders) if isinstance(part, Eq) else None
            if choice is None:
                continue
            var, value = choice
            rest = conjuncts[:i] + conjuncts[i + 1:]
            if not rest or any(v.name in _bound_names(f) for f in rest for v in term_vars(value)):
                continue
            conjuncts = [_subst(c, var, value) for c in rest]
            binders.remove(var)
            changed = True
            break
    result = _conjoin(conjuncts)
    for var in reversed(binders):
        result = Quant("exists", var, result)
    return result


def _witness(eq: Eq, binders: list[Var]) -> tuple[Var, Term] | None:
    """(x, t) when the equation defines a bound variable x by a function term t not containing x.
    Equations between two variables are left alone: `x = y -> y = x` means what it says."""
    for var_side, value in ((eq.rhs, eq.lhs), (eq.lhs, eq.rhs)):
        if isinstance(var_side, Var) and var_side in binders and isinstance(value, App) \
                and var_side not in term_vars(value):
            return var_side, value
    return None


def simplify(formula: Formula) -> Formula:
    """The readable form of a translated GL formula (see module docstring)."""
    result = _existentials(_drop_truth(formula))
    for _ in range(32):  # an outer substitution can expose an inner witness: repeat to a fixpoint
        again = _eliminate_witnesses(result)
        if again == result:
            break
        result = again
    return result


# ---------------------------------------------------------------- public API


def _top_level_parts(expr: _GLExpr) -> list[_GLExpr]:
    """The conjuncts of a top-level (possibly nested) conjunction: one axiom each."""
    if isinstance(expr, _GLAnd):
        return [leaf for part in expr.parts for leaf in _top_level_parts(part)]
    return [expr]



def read_gl_text(text: str, filename: str = "<input>", sorts_config: Mapping[str, Any] | None = None,
                 signature_file: str | None = None) -> Theory:
    """Read GL prefix formulas into a Theory; each top-level expression (or conjunct of a
    top-level conjunction) becomes an axiom, named by its `NAME:` prefix or `gl_<n>`."""
    sig = _Sig.from_config(sorts_config, signature_file or "<signature>")
    parser = _GLParser(text, filename)
    items = parser.items()
    translator = _Translator(sig, parser)
    translator._binder_sorts = {}
    axioms: list[AxiomDecl] = []
    names: set[str] = set()
    counter = 0
    for name, offset, expr in items:
        parts = _top_level_parts(expr) if name is None else [expr]
        for part in parts:
            free_cells: dict[str, list[str | None]] = {}
            translator.infer_sorts(part, {}, free_cells)
            free = {n: Var(n, cell[0] or sig.default_sort) for n, cell in free_cells.items()}
            formula = translator.translate(part, {}, free)
            for var in reversed(list(free.values())):
                formula = Quant("forall", var, formula)
            formula = simplify(formula)
            if formula == Truth(True):
                continue  # only typing / signature facts: implied by the declarations
            counter += 1
            axiom_name = name if name is not None and len(parts) == 1 else f"gl_{counter}"
            if axiom_name in names:
                line, column = parser.position(offset)
                raise MPLTypeError.at(f"duplicate axiom name {axiom_name}", text, filename, line, column)
            names.add(axiom_name)
            line, column = parser.position(offset)
            axioms.append(AxiomDecl(axiom_name, "axiom", formula, SourceLocation(filename, line, column)))
    declared = {fn.name for fn in sig.functions.values()}
    induction: list[InductionDecl] = []
    for sort, ctors in sig.induction.items():
        names_ = tuple(sig.functions[c].name if c in sig.functions else c for c in ctors)
        if sort in sig.sorts and all(c in declared for c in names_):
            induction.append(InductionDecl(sort, names_))
    theory_name = str(sig.name) if sorts_config and "name" in sorts_config else (
        Path(filename).stem if filename != "<input>" else sig.name)
    return Theory(
        name=theory_name,
        source=text,
        source_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        sorts=tuple(sig.sorts),
        functions=tuple(sig.functions.values()),
        relations=tuple(sig.relations.values()),
        axioms=tuple(axioms),
        induction=tuple(induction),
    )


def read_gl_file(path: str | Path, sorts_config: Mapping[str, Any] | None = None) -> Theory:
    """Read a GL file; a JSON signature next to it (`<name>.sig.json`) is used when no config is given."""
    path = Path(path)
    text = read_user_text(path)  # bytes that are not UTF-8: an error at their line and column
    signature_file = None
    if sorts_config is None:
        side = path.with_suffix(".sig.json")
        if side.exists():  # UTF-8, plain JSON (no NaN), nesting bounded; its shape: validate_signature
            sorts_config = parse_user_json(read_user_text(side), str(side))
            signature_file = str(side)
    return read_gl_text(text, str(path), sorts_config, signature_file)
