"""TIP ("Tons of Inductive Problems", SMT-LIB style) -> MPL text.

Stages, each a pure function:

1. `read_sexprs`: text -> located s-expressions (a lark grammar; `;` comments, `|quoted|` symbols).
2. `_Importer`: the commands (`declare-datatype(s)`, `declare-sort`, `declare-fun`, `define-fun`,
   `define-fun-rec`, `define-funs-rec`, `assert`, `prove`, `assert-not`) are read; the goals are
   translated first and every polymorphic datatype and function they reach is instantiated at
   the types used (monomorphisation, worklist). A goal's type variables `(par (a) …)` become
   uninterpreted sorts (`A`): a statement proved for an arbitrary sort holds for every sort.
3. Definitions by `match` become one equation per constructor path (nested matches on
   variables, `_` as the remaining constructors); `ite` becomes MPL's `if … then … else …`;
   Boolean connectives inside a term become `if` too (`and a b` is `if a then b else False`),
   so no new symbol is needed. Datatypes become `datatype` declarations (constructors, induction
   schema, freeness axioms).
4. The MPL text is printed with every binder's sort annotated, so the MPL parser re-checks
   everything (`import_tip_text` parses its own output before returning it).

Higher-order problems are first made first-order where that keeps their meaning (`_Specialiser`:
a goal's function variable becomes a fresh function, each function with a function-typed
parameter one copy per functional argument). Higher-order constructs left after that (`lambda`
with free variables, `@` on a non-argument, function sorts `(=> a b)`) and constructs without a
first-order reading here (`let`, `match` on a non-variable, `=` as a Boolean value on a
non-Bool sort) raise `TipUnsupported` ("unsupported: <construct>") with the file:line:col.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from axiomforge.errors import SourceLocation, UserError, caret_excerpt

# ---------------------------------------------------------------- errors


class TipError(UserError):
    """A TIP file that is not well formed (or not well typed)."""

    @classmethod
    def at(cls, message: str, text: str, file: str, line: int | None, column: int | None) -> TipError:
        detail = caret_excerpt(text, line, column) if line and column else ""
        return cls(message, SourceLocation(file, line, column), detail)


class TipUnsupported(TipError):
    """A well-formed TIP construct with no first-order MPL reading (lambda, @, function sorts)."""


# ---------------------------------------------------------------- s-expressions

_GRAMMAR = r"""
start: _sexpr*
_sexpr: atom | slist
slist: "(" _sexpr* ")"
atom: SYMBOL | QUOTED | NUMBER | STRING
QUOTED: /\|[^|]*\|/
STRING: /"(?:[^"]|"")*"/
NUMBER.2: /[0-9]+(?![^\s()|";])/
SYMBOL: /[^\s()|";0-9][^\s()|";]*/
COMMENT: /;[^\n]*/
%ignore COMMENT
%ignore /[ \t\r\n\f]+/
"""


@dataclass(frozen=True)
class Atom:
    text: str
    line: int
    column: int


@dataclass(frozen=True)
class SList:
    items: tuple[SExpr, ...]
    line: int
    column: int


SExpr = Atom | SList


@lru_cache(maxsize=1)
def _lark() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", propagate_positions=True)


IMPORT_MARKER = "by `axiomforge tip import`"
"""In the first line of every imported theory: `tip import -o` overwrites only files that carry it."""

MAX_SEXPR_DEPTH = 200
"""Deepest nesting of parentheses accepted (docs/limits.md); TIP problems nest a few dozen deep,
and every later stage walks terms recursively."""


def _check_depth(text: str, filename: str) -> None:
    """Refuse nesting past `MAX_SEXPR_DEPTH` before any parser or recursive walk sees it
    (parentheses inside `;` comments, `|quoted|` symbols and strings do not count)."""
    depth, line, column, i, n = 0, 1, 1, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == ";":
            while i < n and text[i] != "\n":
                i += 1
            continue
        if ch in "|\"":
            end = text.find(ch, i + 1)
            end = n - 1 if end < 0 else end
            skipped = text[i:end + 1]
            newlines = skipped.count("\n")
            line, column = (line + newlines, len(skipped) - skipped.rfind("\n")) if newlines else (line, column + len(skipped))
            i = end + 1
            continue
        if ch == "(":
            depth += 1
            if depth > MAX_SEXPR_DEPTH:
                raise TipError.at(f"nested deeper than {MAX_SEXPR_DEPTH} parentheses (docs/limits.md)", text,
                                  filename, line, column)
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == "\n":
            line, column = line + 1, 1
        else:
            column += 1
        i += 1


def read_sexprs(text: str, filename: str = "<input>") -> list[SExpr]:
    """All top-level s-expressions of `text`, with 1-based line and column."""
    _check_depth(text, filename)
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as err:
        line, column = getattr(err, "line", None), getattr(err, "column", None)
        what = "unbalanced ')'" if getattr(getattr(err, "token", None), "type", "") == "RPAR" else (
            "unexpected end of file (a '(' is not closed)" if getattr(err, "token", None) is not None
            and err.token.type == "$END" else "unexpected input")  # type: ignore[attr-defined]
        raise TipError.at(f"s-expression syntax: {what}", text, filename,
                          line if isinstance(line, int) and line > 0 else None,
                          column if isinstance(column, int) and column > 0 else None) from None

    def convert(node: Tree | Token) -> SExpr:
        if isinstance(node, Tree) and node.data == "atom":
            tok = node.children[0]
            assert isinstance(tok, Token)
            value = str(tok)
            if tok.type == "QUOTED":
                value = value[1:-1]
            return Atom(value, tok.line or 0, tok.column or 0)
        assert isinstance(node, Tree)
        return SList(tuple(convert(c) for c in node.children), node.meta.line, node.meta.column)

    return [convert(c) for c in tree.children]


# ---------------------------------------------------------------- types and terms

TType = tuple  # ("Nat",), ("list", ("A",)): head and argument types; ground after instantiation


def mangle(t: TType) -> str:
    return "_".join([t[0], *(mangle(a) for a in t[1:])])


@dataclass(frozen=True)
class TVar:
    name: str
    sort: TType


@dataclass(frozen=True)
class TApp:
    """A function or constructor instance: `key` = (TIP name, type arguments)."""

    kind: str  # "fun" | "ctor"
    key: tuple[str, tuple[TType, ...]]
    args: tuple[TTerm, ...]
    sort: TType


@dataclass(frozen=True)
class TIte:
    cond: TTerm
    then: TTerm
    other: TTerm
    sort: TType


TTerm = TVar | TApp | TIte

BOOL: TType = ("Bool",)


def _true() -> TApp:
    return TApp("ctor", ("true", ()), (), BOOL)


def _false() -> TApp:
    return TApp("ctor", ("false", ()), (), BOOL)


@dataclass
class _Datatype:
    name: str
    params: tuple[str, ...]
    ctors: list[tuple[str, list[tuple[str, SExpr]]]]  # constructor, [(selector, sort expr)]


@dataclass
class _FunDef:
    name: str
    params: tuple[str, ...]  # type parameters
    args: list[tuple[str, SExpr]]
    result: SExpr
    body: SExpr | None  # None: declare-fun (uninterpreted)
    where: SExpr


@dataclass
class _Equation:
    variables: list[TVar]
    lhs: TApp
    rhs: TTerm


@dataclass
class _Result:
    sorts: list[TType] = field(default_factory=list)
    equations: dict[tuple[str, tuple[TType, ...]], list[_Equation]] = field(default_factory=dict)
    goals: list[tuple[str, object]] = field(default_factory=list)


_KEYWORDS = {"forall", "exists", "not", "and", "or", "true", "false", "implies", "iff", "if", "then", "else",
             "theory", "sort", "const", "function", "relation", "definition", "induction", "axiom", "expect",
             "include", "datatype", "goal", "notation", "infix", "precedence", "left", "right", "none", "Prop"}
_SYMBOL_WORDS = {"+": "plus", "-": "minus", "*": "times", "/": "div", "=": "eq", "<": "lt", ">": "gt",
                 "&": "and", "|": "or", "!": "bang", "@": "at", "%": "mod", "^": "pow", ".": "dot",
                 "~": "tilde", "?": "q", "$": "dollar", "#": "hash", ":": "colon"}


def sanitize(name: str) -> str:
    """A TIP symbol as an MPL name: operator characters spelled out (`++` -> plusplus)."""
    out = []
    for ch in name:
        if ch.isalnum() or ch in "_'":
            out.append(ch)
        else:
            out.append(_SYMBOL_WORDS.get(ch, "_"))
    text = "".join(out) or "x"
    if not re.match(r"[A-Za-z_]", text):
        text = "n" + text
    if text in _KEYWORDS:
        text += "_"
    return text


class _Importer:
    def __init__(self, text: str, filename: str) -> None:
        self.text = text
        self.filename = filename
        self.datatypes: dict[str, _Datatype] = {}
        self.ctor_of: dict[str, str] = {}  # constructor -> datatype
        self.selector_of: dict[str, tuple[str, int]] = {}  # selector -> (constructor, index)
        self.sorts: set[str] = set()  # declare-sort (uninterpreted, no parameters)
        self.funs: dict[str, _FunDef] = {}
        self.goal_exprs: list[SExpr] = []
        self.assert_exprs: list[SExpr] = []
        # instantiation state
        self.sort_instances: list[TType] = []
        self.fun_instances: list[tuple[str, tuple[TType, ...]]] = []
        self.ctor_instances: list[tuple[str, tuple[TType, ...]]] = []
        self.selector_instances: list[tuple[str, tuple[TType, ...]]] = []
        self.equations: dict[tuple[str, tuple[TType, ...]], list[_Equation]] = {}
        self.abstract: list[str] = []
        self.fresh = 0

    # -- errors

    def error(self, message: str, node: SExpr | None) -> TipError:
        line, column = (node.line, node.column) if node is not None else (None, None)
        return TipError.at(message, self.text, self.filename, line, column)

    def unsupported(self, construct: str, node: SExpr) -> TipUnsupported:
        line, column = node.line, node.column
        err = TipUnsupported.at(f"unsupported: {construct}", self.text, self.filename, line, column)
        return err  # type: ignore[return-value]

    # -- reading commands

    def read(self) -> None:
        for cmd in read_sexprs(self.text, self.filename):
            if not isinstance(cmd, SList) or not cmd.items or not isinstance(cmd.items[0], Atom):
                raise self.error("expected a command such as (declare-datatype …)", cmd)
            head = cmd.items[0].text
            rest = cmd.items[1:]
            if head == "declare-datatype":
                self._need(cmd, 2)
                self._datatype(self._sym(rest[0]), rest[1])
            elif head == "declare-datatypes":
                self._need(cmd, 2)
                self._datatypes(rest[0], rest[1])
            elif head == "declare-sort":
                name = self._sym(rest[0])
                if len(rest) > 1 and not (isinstance(rest[1], Atom) and rest[1].text == "0"):
                    raise self.unsupported("declare-sort with parameters", cmd)
                self.sorts.add(name)
            elif head in ("define-fun", "define-fun-rec"):
                self._define(rest, cmd)
            elif head == "define-funs-rec":
                self._need(cmd, 2)
                decls, bodies = self._list(rest[0]), self._list(rest[1])
                if len(decls) != len(bodies):
                    raise self.error("define-funs-rec needs one body per declaration", cmd)
                for decl, body in zip(decls, bodies):
                    self._define([*self._list(decl), body], decl)
            elif head == "declare-fun":
                self._declare_fun(rest, cmd)
            elif head in ("prove", "assert-not"):
                self._need(cmd, 1)
                self.goal_exprs.append(rest[0])
            elif head == "assert":
                self._need(cmd, 1)
                self.assert_exprs.append(rest[0])
            elif head in ("check-sat", "set-logic", "set-info", "set-option", "exit", "get-model"):
                continue
            elif head in ("declare-const",):
                self._declare_fun([rest[0], SList((), cmd.line, cmd.column), *rest[1:]], cmd)
            else:
                raise self.unsupported(f"command {head}", cmd)
        if not self.goal_exprs:
            raise TipError("no goal: the file has no (prove …) or (assert-not …)", SourceLocation(self.filename))
        specialiser = _Specialiser(self)
        if specialiser.needed():
            specialiser.run()

    def _need(self, cmd: SList, n: int) -> None:
        if len(cmd.items) < n + 1:
            raise self.error(f"{self._head(cmd)} needs {n} argument(s)", cmd)

    @staticmethod
    def _head(node: SExpr) -> str:
        if isinstance(node, SList) and node.items and isinstance(node.items[0], Atom):
            return node.items[0].text
        return ""

    def _sym(self, node: SExpr) -> str:
        if not isinstance(node, Atom):
            raise self.error("expected a symbol", node)
        return node.text

    def _list(self, node: SExpr) -> tuple[SExpr, ...]:
        if not isinstance(node, SList):
            raise self.error("expected a list", node)
        return node.items

    def _par(self, node: SExpr) -> tuple[tuple[str, ...], SExpr]:
        """`(par (a b) X)` -> (("a", "b"), X); anything else -> ((), node)."""
        if self._head(node) == "par":
            assert isinstance(node, SList)
            if len(node.items) != 3:
                raise self.error("par needs type parameters and a body", node)
            return tuple(self._sym(p) for p in self._list(node.items[1])), node.items[2]
        return (), node

    def _datatype(self, name: str, spec: SExpr) -> None:
        params, body = self._par(spec)
        ctors: list[tuple[str, list[tuple[str, SExpr]]]] = []
        for ctor in self._list(body):
            items = self._list(ctor)
            if not items:
                raise self.error("empty constructor", ctor)
            cname = self._sym(items[0])
            fields: list[tuple[str, SExpr]] = []
            for f in items[1:]:
                pair = self._list(f)
                if len(pair) != 2:
                    raise self.error("a constructor field is (selector sort)", f)
                fields.append((self._sym(pair[0]), pair[1]))
            ctors.append((cname, fields))
            self.ctor_of[cname] = name
            for i, (sel, _) in enumerate(fields):
                self.selector_of[sel] = (cname, i)
        if name in self.datatypes:
            raise self.error(f"datatype {name} is declared twice", spec)
        self.datatypes[name] = _Datatype(name, params, ctors)

    def _datatypes(self, heads: SExpr, bodies: SExpr) -> None:
        names = self._list(heads)
        specs = self._list(bodies)
        if len(names) != len(specs):
            raise self.error("declare-datatypes needs one body per datatype", heads)
        for head, spec in zip(names, specs):
            pair = self._list(head)
            name = self._sym(pair[0])
            arity = int(self._sym(pair[1])) if len(pair) > 1 else 0
            params, _ = self._par(spec)
            if len(params) != arity:
                raise self.error(f"datatype {name} declares {arity} parameters but its body has {len(params)}", spec)
            self._datatype(name, spec)

    def _define(self, rest: tuple[SExpr, ...] | list[SExpr], where: SExpr) -> None:
        if len(rest) < 2:
            raise self.error("define-fun needs a name and a definition", where)
        name = self._sym(rest[0])
        if len(rest) == 2:  # (name (par (a) (((x T)) R)) body)? TIP puts the par around sig and body
            params, sig = self._par(rest[1])
            raise self.error(f"malformed definition of {name}", sig)
        if self._head(rest[1]) == "par":
            params, sig = self._par(rest[1])
            items = self._list(sig)
            if len(items) != 2:
                raise self.error(f"malformed signature of {name}", sig)
            args, result = items[0], items[1]
            body = rest[2]
        else:
            params = ()
            if len(rest) < 4:
                raise self.error(f"definition of {name} has no body", where)
            args, result, body = rest[1], rest[2], rest[3]
        arg_list = []
        for a in self._list(args):
            pair = self._list(a)
            if len(pair) != 2:
                raise self.error("a parameter is (name sort)", a)
            arg_list.append((self._sym(pair[0]), pair[1]))
        if name in self.funs or name in self.ctor_of:
            raise self.error(f"{name} is defined twice", where)
        self.funs[name] = _FunDef(name, params, arg_list, result, body, where)

    def _declare_fun(self, rest: tuple[SExpr, ...] | list[SExpr], where: SExpr) -> None:
        if len(rest) < 3 and not (len(rest) == 2 and self._head(rest[1]) == "par"):
            raise self.error("declare-fun needs a name, argument sorts and a result sort", where)
        name = self._sym(rest[0])
        if self._head(rest[1]) == "par":
            params, sig = self._par(rest[1])
            items = self._list(sig)
            arg_sorts, result = items[0], items[1]
        else:
            params, arg_sorts, result = (), rest[1], rest[2]
        args = [(f"x{i + 1}", s) for i, s in enumerate(self._list(arg_sorts))]
        self.funs[name] = _FunDef(name, params, args, result, None, where)

    # -- types

    def sort_of(self, node: SExpr | TType, tvars: dict[str, TType]) -> TType:
        """A sort expression with the type variables in scope substituted: a ground type."""
        if isinstance(node, tuple):
            return node  # already ground (the parameters of a lifted match)
        if isinstance(node, Atom):
            name = node.text
            if name in tvars:
                return tvars[name]
            if name == "Bool":
                return BOOL
            if name in self.sorts:
                return (name,)
            dt = self.datatypes.get(name)
            if dt is None:
                raise self.error(f"unknown sort {name}", node)
            if dt.params:
                raise self.error(f"datatype {name} takes {len(dt.params)} type argument(s)", node)
            return self._sort_instance((name,))
        items = node.items
        if not items:
            raise self.error("empty sort", node)
        head = self._sym(items[0])
        if head == "=>":
            raise self.unsupported("function sort (=> …) (higher-order)", node)
        dt = self.datatypes.get(head)
        if dt is None:
            raise self.error(f"unknown sort constructor {head}", node)
        if len(dt.params) != len(items) - 1:
            raise self.error(f"datatype {head} takes {len(dt.params)} type argument(s)", node)
        return self._sort_instance((head, *(self.sort_of(a, tvars) for a in items[1:])))

    def _sort_instance(self, t: TType) -> TType:
        if t not in self.sort_instances and t[0] in self.datatypes:
            for arg in t[1:]:
                self._sort_instance(arg)
            self.sort_instances.append(t)
            dt = self.datatypes[t[0]]
            tv = dict(zip(dt.params, t[1:]))
            for _, fields in dt.ctors:  # field sorts first (a list of pairs needs pair)
                for _, s in fields:
                    self.sort_of(s, tv)
        return t

    def ctor_type(self, cname: str, sort: TType) -> list[TType]:
        dt = self.datatypes[self.ctor_of[cname]]
        tv = dict(zip(dt.params, sort[1:]))
        fields = next(f for c, f in dt.ctors if c == cname)
        return [self.sort_of(s, tv) for _, s in fields]

    # -- terms

    def term(self, node: SExpr, env: dict[str, TTerm], tvars: dict[str, TType],
             expected: TType | None = None) -> TTerm:
        if isinstance(node, Atom):
            name = node.text
            if name in env:
                return env[name]
            if name == "true":
                return _true()
            if name == "false":
                return _false()
            if node.text.isdigit():
                raise self.unsupported("numeric literal (TIP's built-in Int)", node)
            return self._apply(name, [], node, env, tvars, expected, None)
        if not node.items:
            raise self.error("empty term", node)
        head_node = node.items[0]
        args = node.items[1:]
        if isinstance(head_node, SList):
            if self._head(head_node) == "_" or self._head(head_node) == "as":
                inner = head_node.items
                name = self._sym(inner[1])
                return self._apply(name, list(args), node, env, tvars, expected, inner[2:])
            if self._head(head_node) == "lambda":
                raise self.unsupported("lambda (higher-order)", head_node)
            raise self.unsupported("application of a term that is not a symbol (higher-order)", head_node)
        head = head_node.text
        if head == "_" or head == "as":
            if len(args) < 2:
                raise self.error(f"({head} …) needs a symbol and a sort", node)
            name = self._sym(args[0])
            if head == "as":
                return self._apply(name, [], node, env, tvars, self.sort_of(args[1], tvars), None)
            return self._apply(name, [], node, env, tvars, expected, args[1:])
        if head == "lambda":
            raise self.unsupported("lambda (higher-order)", node)
        if head == "@":
            raise self.unsupported("@ (higher-order application)", node)
        if head == "let":
            raise self.unsupported("let", node)
        if head == "match":
            return self._lift_match(node, env, tvars)
        if head == "ite":
            if len(args) != 3:
                raise self.error("ite takes 3 arguments", node)
            cond = self.term(args[0], env, tvars, BOOL)
            self._want(cond, BOOL, args[0])
            a = self.term(args[1], env, tvars, expected)
            b = self.term(args[2], env, tvars, a.sort)
            self._want(b, a.sort, args[2])
            return TIte(cond, a, b, a.sort)
        if head in ("and", "or", "=>", "not", "=", "distinct", "xor"):
            return self._bool_term(head, args, node, env, tvars)
        return self._apply(head, list(args), node, env, tvars, expected, None)

    def _lift_match(self, node: SList, env: dict[str, TTerm], tvars: dict[str, TType]) -> TTerm:
        """A `match` inside a term becomes an auxiliary function defined by that match, applied
        to the variables it mentions (lambda lifting): `(match xs ((nil true) …))` -> `match1(xs)`."""
        if len(node.items) != 3:
            raise self.error("match needs a scrutinee and cases", node)
        refs: list[str] = []
        for name in _atoms(node):
            if name in env and name not in refs:
                refs.append(name)
        scrut_node = node.items[1]
        args: list[tuple[str, object]] = [(n, env[n].sort) for n in refs]
        call_args = [env[n] for n in refs]
        body: SExpr = node
        if not (isinstance(scrut_node, Atom) and scrut_node.text in env):
            scrut = self.term(scrut_node, env, tvars)
            args.append(("scrut", scrut.sort))
            call_args.append(scrut)
            body = SList((node.items[0], Atom("scrut", scrut_node.line, scrut_node.column), node.items[2]),
                         node.line, node.column)
        self.fresh += 1
        name = f"match{self.fresh}"
        while name in self.funs or name in self.ctor_of:
            self.fresh += 1
            name = f"match{self.fresh}"
        result = self._case_sort(node, env, tvars)
        self.funs[name] = _FunDef(name, (), args, result, body, node)  # type: ignore[arg-type]
        key = (name, ())
        self._note(self.fun_instances, key)
        return TApp("fun", key, tuple(call_args), result)

    def _case_sort(self, node: SList, env: dict[str, TTerm], tvars: dict[str, TType]) -> TType:
        """The sort of a match: that of its first case body that types without its pattern
        variables' bindings, else that of the first case with the pattern variables bound."""
        scrut = self.term(node.items[1], env, tvars)
        for case in self._list(node.items[2]):
            pattern, rhs = self._list(case)
            local = dict(env)
            if isinstance(pattern, SList):
                cname = self._sym(pattern.items[0])
                if self.ctor_of.get(cname) == scrut.sort[0]:
                    for n, s in zip(pattern.items[1:], self.ctor_type(cname, scrut.sort)):
                        local[self._sym(n)] = TVar(self._sym(n), s)
            try:
                return self.term(rhs, local, tvars).sort
            except TipError:
                continue
        raise self.error("cannot infer the sort of this match", node)

    def _want(self, term: TTerm, sort: TType, node: SExpr) -> None:
        if term.sort != sort:
            raise self.error(f"sort mismatch: expected {mangle(sort)}, this has sort {mangle(term.sort)}", node)

    def _bool_term(self, head: str, args: tuple[SExpr, ...], node: SExpr, env: dict[str, TTerm],
                   tvars: dict[str, TType]) -> TTerm:
        """Boolean connectives as values: `if` over Bool, no new symbol."""
        if head in ("=", "distinct"):
            if len(args) != 2:
                raise self.unsupported(f"{head} with {len(args)} arguments as a Boolean value", node)
            a = self.term(args[0], env, tvars)
            b = self.term(args[1], env, tvars, a.sort)
            self._want(b, a.sort, args[1])
            if a.sort != BOOL:
                raise self.unsupported(f"{head} on sort {mangle(a.sort)} as a Boolean value", node)
            same = TIte(a, b, TIte(b, _false(), _true(), BOOL), BOOL)
            return same if head == "=" else TIte(same, _false(), _true(), BOOL)
        parts = [self.term(a, env, tvars, BOOL) for a in args]
        for part, arg in zip(parts, args):
            self._want(part, BOOL, arg)
        if head == "not":
            if len(parts) != 1:
                raise self.error("not takes 1 argument", node)
            return TIte(parts[0], _false(), _true(), BOOL)
        if len(parts) < 2:
            raise self.error(f"{head} takes at least 2 arguments", node)
        if head == "=>":
            out = parts[-1]
            for p in reversed(parts[:-1]):
                out = TIte(p, out, _true(), BOOL)
            return out
        if head == "xor":
            out = parts[0]
            for p in parts[1:]:
                out = TIte(out, TIte(p, _false(), _true(), BOOL), p, BOOL)
            return out
        out = parts[-1]
        for p in reversed(parts[:-1]):
            out = TIte(p, out, _false(), BOOL) if head == "and" else TIte(p, _true(), out, BOOL)
        return out

    def _apply(self, name: str, args: list[SExpr], node: SExpr, env: dict[str, TTerm], tvars: dict[str, TType],
               expected: TType | None, explicit: tuple[SExpr, ...] | None) -> TTerm:
        """A constructor, selector or function application, its type arguments inferred from the
        argument sorts (or given by `(_ f T…)`)."""
        if name in self.ctor_of:
            dt = self.datatypes[self.ctor_of[name]]
            fields = next(f for c, f in dt.ctors if c == name)
            params, arg_sorts, result = dt.params, [s for _, s in fields], SList(
                (Atom(dt.name, 0, 0), *(Atom(p, 0, 0) for p in dt.params)), 0, 0) if dt.params else Atom(dt.name, 0, 0)
            kind = "ctor"
        elif name in self.selector_of:
            cname, index = self.selector_of[name]
            dt = self.datatypes[self.ctor_of[cname]]
            fields = next(f for c, f in dt.ctors if c == cname)
            whole: SExpr = SList((Atom(dt.name, 0, 0), *(Atom(p, 0, 0) for p in dt.params)), 0, 0) \
                if dt.params else Atom(dt.name, 0, 0)
            params, arg_sorts, result = dt.params, [whole], fields[index][1]
            kind = "sel"
        elif name in self.funs:
            fd = self.funs[name]
            params, arg_sorts, result = fd.params, [s for _, s in fd.args], fd.result
            kind = "fun"
        else:
            raise self.error(f"unknown symbol {name}", node)
        if len(args) != len(arg_sorts):
            raise self.error(f"{name} takes {len(arg_sorts)} argument(s), given {len(args)}", node)
        binding: dict[str, TType] = {}
        if explicit:
            if len(explicit) != len(params) and not (kind == "ctor" and len(explicit) == 1):
                raise self.error(f"{name} takes {len(params)} type argument(s)", node)
            if kind == "ctor" and len(explicit) == 1 and len(params) != 1:
                # (_ nil (list a)) style: the constructor's whole sort
                whole_sort = self.sort_of(explicit[0], tvars)
                binding = dict(zip(params, whole_sort[1:]))
            else:
                binding = {p: self.sort_of(e, tvars) for p, e in zip(params, explicit)}
        terms: list[TTerm] = []
        for a, s in zip(args, arg_sorts):
            want = self._try_sort(s, binding, params)
            t = self.term(a, env, tvars, want)
            self._unify(s, t.sort, binding, params, a)
            terms.append(t)
        if expected is not None:
            self._unify(result, expected, binding, params, node, soft=True)
        missing = [p for p in params if p not in binding]
        if missing:
            raise self.error(f"cannot infer the type argument(s) {', '.join(missing)} of {name}; write (_ {name} …)",
                             node)
        targs = tuple(binding[p] for p in params)
        sort = self.sort_of(result, binding)
        key = (name, targs)
        if kind == "ctor":
            self._note(self.ctor_instances, key)
            return TApp("ctor", key, tuple(terms), sort)
        if kind == "sel":
            self._note(self.selector_instances, key)
            return TApp("sel", key, tuple(terms), sort)
        self._note(self.fun_instances, key)
        return TApp("fun", key, tuple(terms), sort)

    @staticmethod
    def _note(seen: list, key: tuple) -> None:
        if key not in seen:
            seen.append(key)

    def _try_sort(self, s: SExpr, binding: dict[str, TType], params: tuple[str, ...]) -> TType | None:
        try:
            if self._mentions(s, params, binding):
                return None
            return self.sort_of(s, binding)
        except TipError:
            return None

    def _mentions(self, s: SExpr, params: tuple[str, ...], binding: dict[str, TType]) -> bool:
        if isinstance(s, Atom):
            return s.text in params and s.text not in binding
        return any(self._mentions(i, params, binding) for i in s.items)

    def _unify(self, pattern: SExpr, actual: TType, binding: dict[str, TType], params: tuple[str, ...],
               where: SExpr, soft: bool = False) -> None:
        if isinstance(pattern, Atom) and pattern.text in params:
            have = binding.get(pattern.text)
            if have is None:
                binding[pattern.text] = actual
            elif have != actual and not soft:
                raise self.error(f"sort mismatch: expected {mangle(have)}, this has sort {mangle(actual)}", where)
            return
        if isinstance(pattern, Atom):
            if not soft and self.sort_of(pattern, {}) != actual:
                raise self.error(
                    f"sort mismatch: expected {mangle(self.sort_of(pattern, {}))}, this has sort {mangle(actual)}",
                    where)
            return
        head = self._sym(pattern.items[0])
        if head == "=>":
            raise self.unsupported("function sort (=> …) (higher-order)", pattern)
        if actual[0] != head or len(actual) != len(pattern.items):
            if soft:
                return
            raise self.error(f"sort mismatch: expected a {head}, this has sort {mangle(actual)}", where)
        for p, a in zip(pattern.items[1:], actual[1:]):
            self._unify(p, a, binding, params, where, soft)

    # -- formulas (goals and asserts)

    def formula(self, node: SExpr, env: dict[str, TTerm], tvars: dict[str, TType]) -> object:
        """A formula as a nested tuple: ("=", a, b), ("not", F), ("and", F, G), ("or", …),
        ("implies", F, G), ("forall"/"exists", [vars], F), ("true",), ("false",)."""
        if isinstance(node, Atom):
            if node.text == "true":
                return ("true",)
            if node.text == "false":
                return ("false",)
        head = self._head(node)
        if isinstance(node, SList) and head in ("forall", "exists"):
            if len(node.items) != 3:
                raise self.error(f"{head} needs bindings and a body", node)
            new_env = dict(env)
            variables: list[TVar] = []
            for b in self._list(node.items[1]):
                pair = self._list(b)
                if len(pair) != 2:
                    raise self.error("a binding is (name sort)", b)
                var = TVar(sanitize(self._sym(pair[0])), self.sort_of(pair[1], tvars))
                variables.append(var)
                new_env[self._sym(pair[0])] = var
            return (head, variables, self.formula(node.items[2], new_env, tvars))
        if isinstance(node, SList) and head in ("and", "or", "=>", "not", "=", "distinct"):
            args = node.items[1:]
            if head == "not":
                if len(args) != 1:
                    raise self.error("not takes 1 argument", node)
                return ("not", self.formula(args[0], env, tvars))
            if head in ("=", "distinct"):
                if len(args) < 2:
                    raise self.error(f"{head} needs 2 arguments", node)
                terms = [self.term(args[0], env, tvars)]
                for a in args[1:]:
                    t = self.term(a, env, tvars, terms[0].sort)
                    self._want(t, terms[0].sort, a)
                    terms.append(t)
                if head == "=":
                    parts: list[object] = [("=", terms[i], terms[i + 1]) for i in range(len(terms) - 1)]
                else:
                    parts = [("not", ("=", terms[i], terms[j])) for i in range(len(terms))
                             for j in range(i + 1, len(terms))]
                return _conj(parts)
            fs = [self.formula(a, env, tvars) for a in args]
            if len(fs) < 2:
                raise self.error(f"{head} takes at least 2 arguments", node)
            if head == "=>":
                out = fs[-1]
                for f in reversed(fs[:-1]):
                    out = ("implies", f, out)
                return out
            return _conj(fs) if head == "and" else _disj(fs)
        if isinstance(node, SList) and head == "par":
            raise self.error("par is only allowed at the top of a goal", node)
        term = self.term(node, env, tvars, BOOL)
        self._want(term, BOOL, node)
        return ("=", term, _true())

    # -- definitions by pattern matching

    def define(self, key: tuple[str, tuple[TType, ...]]) -> None:
        name, targs = key
        fd = self.funs[name]
        tvars = dict(zip(fd.params, targs))
        params = [TVar(sanitize(a), self.sort_of(s, tvars)) for a, s in fd.args]
        result_sort = self.sort_of(fd.result, tvars)
        if fd.body is None:
            self.equations[key] = []
            return
        env: dict[str, TTerm] = {a: v for (a, _), v in zip(fd.args, params)}
        lhs_args: list[TTerm] = list(params)
        out: list[_Equation] = []
        self._expand(key, lhs_args, fd.body, env, tvars, result_sort, out)
        self.equations[key] = out

    def _expand(self, key: tuple[str, tuple[TType, ...]], lhs_args: list[TTerm], body: SExpr,
                env: dict[str, TTerm], tvars: dict[str, TType], result_sort: TType, out: list[_Equation]) -> None:
        if self._head(body) == "match":
            assert isinstance(body, SList)
            if len(body.items) != 3:
                raise self.error("match needs a scrutinee and cases", body)
            scrutinee = self.term(body.items[1], env, tvars)
            if not isinstance(scrutinee, TVar) or not any(scrutinee in _vars(a) for a in lhs_args):
                raise self.unsupported("match on a term that is not a variable", body.items[1])
            dt_name = scrutinee.sort[0]
            dt = self.datatypes.get(dt_name)
            if dt is None:
                raise self.error(f"match on sort {mangle(scrutinee.sort)}, which is not a datatype", body)
            covered: list[str] = []
            for case in self._list(body.items[2]):
                pair = self._list(case)
                if len(pair) != 2:
                    raise self.error("a match case is (pattern body)", case)
                pattern, rhs = pair
                todo: list[tuple[str, list[str] | None]]
                if isinstance(pattern, Atom) and pattern.text == "_":
                    todo = [(c, None) for c, _ in dt.ctors if c not in covered]
                else:
                    given: list[str] = []
                    if isinstance(pattern, Atom):
                        head_name = pattern.text
                    else:
                        head_name, given = self._sym(pattern.items[0]), [self._sym(p) for p in pattern.items[1:]]
                    if self.ctor_of.get(head_name) != dt_name:
                        raise self.error(f"{head_name} is not a constructor of {dt_name}", pattern)
                    todo = [(head_name, given)]
                for cname, names in todo:
                    if cname in covered:
                        continue
                    covered.append(cname)
                    field_sorts = self.ctor_type(cname, scrutinee.sort)
                    if names is not None and len(names) != len(field_sorts):
                        raise self.error(f"{cname} has {len(field_sorts)} field(s)", pattern)
                    taken = {v.name for a in lhs_args for v in _vars(a)} - {scrutinee.name}
                    fresh_vars = []
                    for i, s in enumerate(field_sorts):
                        base = sanitize(names[i]) if names is not None else f"{scrutinee.name}{i + 1}"
                        fresh_vars.append(TVar(self._fresh_name(base, taken), s))
                        taken.add(fresh_vars[-1].name)
                    ctor_term = TApp("ctor", (cname, scrutinee.sort[1:]), tuple(fresh_vars), scrutinee.sort)
                    self._note(self.ctor_instances, ctor_term.key)
                    sub: dict[TVar, TTerm] = {scrutinee: ctor_term}
                    new_args = [_subst(a, sub) for a in lhs_args]
                    new_env = {k: _subst(v, sub) for k, v in env.items()}
                    if names is not None:
                        for n, v in zip(names, fresh_vars):
                            new_env[n] = v
                    self._expand(key, new_args, rhs, new_env, tvars, result_sort, out)
            return
        rhs_term = self.term(body, env, tvars, result_sort)
        self._want(rhs_term, result_sort, body)
        variables: list[TVar] = []
        for a in lhs_args:
            for v in _vars_in_order(a):
                if v not in variables:
                    variables.append(v)
        lhs = TApp("fun", key, tuple(lhs_args), result_sort)
        out.append(_Equation(variables, lhs, rhs_term))

    @staticmethod
    def _fresh_name(base: str, taken: set[str]) -> str:
        if base not in taken:
            return base
        i = 2
        while f"{base}{i}" in taken:
            i += 1
        return f"{base}{i}"

    # -- the whole problem

    def run(self) -> _Result:
        self.read()
        result = _Result()
        for i, g in enumerate(self.goal_exprs):
            params, body = self._par(g)
            tvars: dict[str, TType] = {}
            for p in params:
                abstract = p.upper() if p.upper() not in self.datatypes and p.upper() not in self.sorts else p.upper() + "_"
                tvars[p] = (abstract,)
                if abstract not in self.abstract:
                    self.abstract.append(abstract)
            result.goals.append((f"goal_{i + 1}" if len(self.goal_exprs) > 1 else "goal", self.formula(body, {}, tvars)))
        for a in self.assert_exprs:
            params, body = self._par(a)
            if params:
                raise self.unsupported("polymorphic assert", a)
            result.goals.append(("assert", self.formula(body, {}, {})))
        done: set[tuple[str, tuple[TType, ...]]] = set()
        while True:
            todo = [k for k in self.fun_instances if k not in done]
            if not todo:
                break
            for key in todo:
                done.add(key)
                self.define(key)
        result.equations = self.equations
        return result


def _atoms(node: SExpr) -> list[str]:
    if isinstance(node, Atom):
        return [node.text]
    return [a for item in node.items for a in _atoms(item)]


def _conj(parts: list) -> object:
    out = parts[-1]
    for p in reversed(parts[:-1]):
        out = ("and", p, out)
    return out


def _disj(parts: list) -> object:
    out = parts[-1]
    for p in reversed(parts[:-1]):
        out = ("or", p, out)
    return out


def _vars(t: TTerm) -> set[TVar]:
    return set(_vars_in_order(t))


def _vars_in_order(t: TTerm, out: list[TVar] | None = None) -> list[TVar]:
    out = [] if out is None else out
    if isinstance(t, TVar):
        if t not in out:
            out.append(t)
    elif isinstance(t, TApp):
        for a in t.args:
            _vars_in_order(a, out)
    else:
        for a in (t.cond, t.then, t.other):
            _vars_in_order(a, out)
    return out


def _subst(t: TTerm, sub: dict[TVar, TTerm]) -> TTerm:
    if isinstance(t, TVar):
        return sub.get(t, t)
    if isinstance(t, TApp):
        return TApp(t.kind, t.key, tuple(_subst(a, sub) for a in t.args), t.sort)
    return TIte(_subst(t.cond, sub), _subst(t.then, sub), _subst(t.other, sub), t.sort)


# ---------------------------------------------------------------- printing MPL


class _Printer:
    def __init__(self, imp: _Importer, result: _Result, theory_name: str) -> None:
        self.imp = imp
        self.result = result
        self.theory_name = theory_name
        self.used: set[str] = set()
        self.sort_names: dict[TType, str] = {}
        self.fn_names: dict[tuple[str, str, tuple[TType, ...]], str] = {}

    def _unique(self, name: str) -> str:
        base, i = name, 2
        while name in self.used or name in _KEYWORDS:
            name = f"{base}_{i}"
            i += 1
        self.used.add(name)
        return name

    def _assign_names(self) -> None:
        imp = self.imp
        uses_bool = False
        self.used.update({"Bool", "True", "False"})
        for t in imp.sort_instances:
            self.sort_names[t] = self._unique(sanitize(mangle(t)))
        for a in imp.abstract:
            self.sort_names[(a,)] = self._unique(sanitize(a))
        for s in sorted(imp.sorts):
            self.sort_names[(s,)] = self._unique(sanitize(s))
        self.sort_names[BOOL] = "Bool"
        groups: dict[tuple[str, str], list[tuple[TType, ...]]] = {}
        for kind, seen in (("ctor", self._all_ctor_instances()), ("sel", imp.selector_instances),
                           ("fun", imp.fun_instances)):
            for name, targs in seen:
                groups.setdefault((kind, name), []).append(targs)
        for (kind, name), instances in groups.items():
            if kind == "ctor" and name in ("true", "false"):
                continue
            for targs in instances:
                base = sanitize(name)
                if len(instances) > 1 and targs:
                    base += "_" + "_".join(sanitize(self._sort_name(t)) for t in targs)
                self.fn_names[(kind, name, targs)] = self._unique(base)
        self.uses_bool = uses_bool

    def _all_ctor_instances(self) -> list[tuple[str, tuple[TType, ...]]]:
        """Every constructor of every datatype instance (a datatype declares all of them)."""
        out: list[tuple[str, tuple[TType, ...]]] = []
        for t in self.imp.sort_instances:
            dt = self.imp.datatypes[t[0]]
            for cname, _ in dt.ctors:
                out.append((cname, tuple(t[1:])))
        return out

    def _sort_name(self, t: TType) -> str:
        return self.sort_names.get(t, sanitize(mangle(t)))

    def term(self, t: TTerm, top: bool = False) -> str:
        if isinstance(t, TVar):
            return t.name
        if isinstance(t, TIte):
            text = f"if {self.term(t.cond)} then {self.term(t.then)} else {self.term(t.other)}"
            return text if top else f"({text})"
        if t.kind == "ctor" and t.key[0] in ("true", "false"):
            return "True" if t.key[0] == "true" else "False"
        name = self.fn_names[(t.kind, t.key[0], t.key[1])]
        if not t.args:
            return name
        return f"{name}({', '.join(self.term(a, True) for a in t.args)})"

    def binders(self, variables: list[TVar]) -> str:
        groups: list[tuple[list[str], TType]] = []
        for v in variables:
            if groups and groups[-1][1] == v.sort:
                groups[-1][0].append(v.name)
            else:
                groups.append(([v.name], v.sort))
        return " ".join(f"({' '.join(names)} : {self._sort_name(s)})" for names, s in groups)

    def formula(self, f: object, prec: int = 0) -> str:
        """Precedence: 0 quantifier/iff context, 1 implies, 2 or, 3 and, 4 atom."""
        assert isinstance(f, tuple)
        op = f[0]
        if op == "true":
            return "true"
        if op == "false":
            return "false"
        if op == "=":
            return f"{self.term(f[1], True)} = {self.term(f[2], True)}"
        if op == "not":
            inner = f[1]
            if isinstance(inner, tuple) and inner[0] == "=":
                return f"{self.term(inner[1], True)} != {self.term(inner[2], True)}"
            return f"not {self.formula(inner, 4)}"
        if op in ("forall", "exists"):
            text = f"{op} {self.binders(f[1])}. {self.formula(f[2], 0)}" if f[1] else self.formula(f[2], prec)
            return f"({text})" if prec > 0 and f[1] else text
        level = {"implies": 1, "or": 2, "and": 3}[op]
        if op == "implies":
            text = f"{self.formula(f[1], 2)} -> {self.formula(f[2], 1)}"
        else:
            text = f"{self.formula(f[1], level + 1)} {op} {self.formula(f[2], level)}"
        return f"({text})" if prec > level else text

    def render(self, source: str) -> str:
        self._assign_names()
        imp = self.imp
        lines = [f"// Imported from {source} {IMPORT_MARKER}.", f"theory {self.theory_name}", ""]
        if self._uses_bool():
            lines.append("datatype Bool := False | True")
        abstract = [self.sort_names[(a,)] for a in imp.abstract] + [self.sort_names[(s,)] for s in sorted(imp.sorts)]
        if abstract:
            lines.append(f"sort {', '.join(abstract)}")
        for t in imp.sort_instances:
            dt = imp.datatypes[t[0]]
            ctors = []
            for cname, _ in dt.ctors:
                name = self.fn_names[("ctor", cname, tuple(t[1:]))]
                field_sorts = imp.ctor_type(cname, t)
                ctors.append(f"{name}({', '.join(self._sort_name(s) for s in field_sorts)})" if field_sorts else name)
            lines.append(f"datatype {self.sort_names[t]} := {' | '.join(ctors)}")
        lines.append("")
        for name, targs in imp.selector_instances:
            cname, index = imp.selector_of[name]
            whole = (imp.ctor_of[cname], *targs)
            field_sorts = imp.ctor_type(cname, whole)
            fname = self.fn_names[("sel", name, targs)]
            lines.append(f"function {fname} : {self._sort_name(whole)} -> {self._sort_name(field_sorts[index])}")
        for name, targs in imp.fun_instances:
            fd = imp.funs[name]
            tv = dict(zip(fd.params, targs))
            args = [self._sort_name(imp.sort_of(s, tv)) for _, s in fd.args]
            result = self._sort_name(imp.sort_of(fd.result, tv))
            fname = self.fn_names[("fun", name, targs)]
            if args:
                lines.append(f"function {fname} : {', '.join(args)} -> {result}")
            else:
                lines.append(f"const {fname} : {result}")
        lines.append("")
        for name, targs in imp.selector_instances:
            cname, index = imp.selector_of[name]
            whole = (imp.ctor_of[cname], *targs)
            field_sorts = imp.ctor_type(cname, whole)
            xs = [TVar(f"x{i + 1}", s) for i, s in enumerate(field_sorts)]
            ctor = TApp("ctor", (cname, targs), tuple(xs), whole)
            fname = self.fn_names[("sel", name, targs)]
            lines.append(f"axiom {fname}_def : forall {self.binders(xs)}. {fname}({self.term(ctor, True)}) = "
                         f"{xs[index].name}")
        for name, targs in imp.fun_instances:
            fname = self.fn_names[("fun", name, targs)]
            eqs = self.result.equations.get((name, targs), [])
            for i, eq in enumerate(eqs):
                label = f"{fname}_def" if len(eqs) == 1 else f"{fname}_{i + 1}"
                body = f"{self.term(eq.lhs, True)} = {self.term(eq.rhs, True)}"
                lines.append(f"axiom {label} : forall {self.binders(eq.variables)}. {body}" if eq.variables
                             else f"axiom {label} : {body}")
        lines.append("")
        for name, f in self.result.goals:
            if name == "assert":
                lines.insert(len(lines) - 1, f"axiom assert_{len(lines)} : {self.formula(f)}")
            else:
                label = self.theory_name if name == "goal" else f"{self.theory_name}_{name}"
                lines.append(f"goal {label} : {self.formula(f)}")
        return "\n".join(lines).rstrip("\n") + "\n"

    def _uses_bool(self) -> bool:
        text_terms: list[TTerm] = []
        for eqs in self.result.equations.values():
            for eq in eqs:
                text_terms.extend([eq.lhs, eq.rhs])
        if any(_sort_mentions_bool(t) for t in text_terms):
            return True
        imp = self.imp
        for name, targs in imp.fun_instances:
            fd = imp.funs[name]
            tv = dict(zip(fd.params, targs))
            if imp.sort_of(fd.result, tv) == BOOL or any(imp.sort_of(s, tv) == BOOL for _, s in fd.args):
                return True
        for t in imp.sort_instances:
            if any(BOOL in imp.ctor_type(c, t) for c, _ in imp.datatypes[t[0]].ctors):
                return True
        return any(_formula_mentions_bool(f) for _, f in self.result.goals)


def _sort_mentions_bool(t: TTerm) -> bool:
    if t.sort == BOOL:
        return True
    if isinstance(t, TApp):
        return any(_sort_mentions_bool(a) for a in t.args)
    return isinstance(t, TIte)


def _formula_mentions_bool(f: object) -> bool:
    if isinstance(f, tuple):
        return any(_formula_mentions_bool(x) for x in f[1:]) or (f[0] == "=" and _sort_mentions_bool(f[1]))
    if isinstance(f, list):
        return any(v.sort == BOOL for v in f if isinstance(v, TVar))
    return False


# ---------------------------------------------------------------- public API


def theory_name_for(path: str) -> str:
    return sanitize(Path(path).stem) if path != "<input>" else "tip"


def import_tip_text(text: str, filename: str = "<input>", theory_name: str | None = None) -> str:
    """TIP problem text -> MPL theory text (checked by parsing it back)."""
    imp = _Importer(text, filename)
    result = imp.run()
    mpl = _Printer(imp, result, theory_name or theory_name_for(filename)).render(
        Path(filename).name if filename != "<input>" else "<input>")
    from axiomforge.logic.parser import parse_theory_text

    parse_theory_text(mpl, f"{filename}.mpl")  # the importer's output must itself be valid MPL
    return mpl


def import_tip_file(path: str | Path) -> str:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise TipError(f"not UTF-8 text: {err.reason} at byte {err.start}", SourceLocation(str(path))) from None
    return import_tip_text(text, str(path))


# -- first-order specialisation of higher-order problems

_BUILTIN_ATOMS = {"true", "false", "=", "distinct", "and", "or", "not", "=>", "ite", "match", "_", "lambda", "@",
                  "let", "forall", "exists", "Bool", "par", "case", "default"}


def _is_fun_sort(node: SExpr) -> bool:
    return isinstance(node, SList) and bool(node.items) and isinstance(node.items[0], Atom) and node.items[0].text == "=>"


def _replace_atoms(node: SExpr, sub: dict[str, SExpr]) -> SExpr:
    if isinstance(node, Atom):
        return sub.get(node.text, node)
    return SList(tuple(_replace_atoms(i, sub) for i in node.items), node.line, node.column)


def _bound_names(node: SExpr | None) -> set[str]:
    """Every name a binder (forall, exists, lambda, let, a match pattern) introduces inside `node`."""
    out: set[str] = set()
    if not isinstance(node, SList) or not node.items:
        return out
    head = node.items[0].text if isinstance(node.items[0], Atom) else ""
    if head in ("forall", "exists", "lambda", "let") and len(node.items) > 1 and isinstance(node.items[1], SList):
        for b in node.items[1].items:
            if isinstance(b, SList) and b.items and isinstance(b.items[0], Atom):
                out.add(b.items[0].text)
    if head == "match":
        for case in node.items[2:]:
            if isinstance(case, SList) and case.items and isinstance(case.items[0], SList):
                out.update(a.text for a in case.items[0].items[1:] if isinstance(a, Atom))
    for item in node.items:
        out |= _bound_names(item)
    return out


def _render(node: SExpr) -> str:
    if isinstance(node, Atom):
        return node.text
    return "(" + " ".join(_render(i) for i in node.items) + ")"


class _Specialiser:
    """Makes a higher-order problem first-order, when that is possible without losing meaning.

    Why: most higher-order TIP problems pass a function-typed argument (`map f`, `filter p`,
    `dropWhile (lambda …)`) unchanged through the recursion. A universally quantified function
    variable of the goal becomes a fresh uninterpreted function (proving the goal for an arbitrary
    function proves it for all), the goal's type parameters become uninterpreted sorts, and each
    recursive function gets one first-order copy per distinct functional argument, with `(@ f x)`
    replaced by the argument applied (a lambda is beta-reduced). Anything else (a lambda with free
    variables, a functional argument that changes in the recursion, a function returned as a value)
    stays "unsupported: …", naming the construct."""

    def __init__(self, imp: _Importer) -> None:
        self.imp = imp
        self.specialised: dict[tuple[str, str], str] = {}
        self.new_funs: dict[str, _FunDef] = {}
        self.value_sorts: dict[str, tuple[list[SExpr], SExpr]] = {}  # skolem -> (arg sorts, result)

    def needed(self) -> bool:
        def ho(node: SExpr) -> bool:
            if isinstance(node, Atom):
                return node.text in ("lambda", "@")
            return any(ho(i) for i in node.items)
        return any(ho(g) for g in self.imp.goal_exprs) or any(
            any(_is_fun_sort(s) for _, s in f.args) or (f.body is not None and ho(f.body))
            for f in self.imp.funs.values())

    def ho_params(self, f: _FunDef) -> list[int]:
        return [i for i, (_, s) in enumerate(f.args) if _is_fun_sort(s)]

    def run(self) -> None:
        imp = self.imp
        for f in imp.funs.values():
            if _is_fun_sort(f.result):
                raise imp.unsupported(f"function {f.name} returns a function (higher-order)", f.where)
        imp.goal_exprs = [self.goal(g) for g in imp.goal_exprs]
        # an assumption's function variable is not arbitrary: it stays and is reported unsupported
        imp.assert_exprs = [self.term(a, {}) for a in imp.assert_exprs]
        ho_funs = {n for n, f in imp.funs.items() if self.ho_params(f)}
        for name, f in list(imp.funs.items()):
            if name in ho_funs or f.body is None:
                continue
            f.body = self.term(f.body, {})
        for name in ho_funs:
            del imp.funs[name]
        imp.funs.update(self.new_funs)

    def goal(self, g: SExpr) -> SExpr:
        imp = self.imp
        params, body = imp._par(g)
        taken = set(imp.datatypes) | imp.sorts | set(imp.funs) | set(imp.ctor_of) | set(_atoms(g))
        sort_sub: dict[str, SExpr] = {}
        for p in params:  # the goal's type parameters become uninterpreted sorts
            name = imp._fresh_name(p.upper(), taken)
            taken.add(name)
            imp.sorts.add(name)
            sort_sub[p] = Atom(name, g.line, g.column)
        clash = set(sort_sub) & _bound_names(body)
        if clash:
            raise imp.unsupported(f"type parameter {sorted(clash)[0]} also names a variable", g)
        body = _replace_atoms(body, sort_sub) if sort_sub else body
        if imp._head(body) == "forall":
            assert isinstance(body, SList)
            binds = []
            sub: dict[str, SExpr] = {}
            for b in imp._list(body.items[1]):
                pair = imp._list(b)
                if len(pair) == 2 and _is_fun_sort(pair[1]):
                    name = imp._fresh_name(sanitize(imp._sym(pair[0])) + "_fn", taken)
                    taken.add(name)
                    sorts = list(imp._list(pair[1])[1:])
                    self.value_sorts[name] = (sorts[:-1], sorts[-1])
                    imp.funs[name] = _FunDef(name, (), [(f"x{i + 1}", s) for i, s in enumerate(sorts[:-1])],
                                             sorts[-1], None, b)
                    sub[imp._sym(pair[0])] = Atom(name, b.line, b.column)
                else:
                    binds.append(b)
            inner = _replace_atoms(body.items[2], sub) if sub else body.items[2]
            body = SList((body.items[0], SList(tuple(binds), body.items[1].line, body.items[1].column), inner),
                         body.line, body.column) if binds else inner
        return self.term(body, {})

    def value(self, node: SExpr, env: dict[str, SExpr]) -> SExpr:
        """A functional argument: a symbol naming a function, or a closed lambda."""
        imp = self.imp
        if isinstance(node, Atom):
            if node.text in env:
                return env[node.text]
            f = imp.funs.get(node.text)
            if f is not None and not f.params and not self.ho_params(f):
                return node
            raise imp.unsupported(f"functional argument {node.text} (higher-order)", node)
        if imp._head(node) == "lambda":
            params = {imp._sym(imp._list(b)[0]) for b in imp._list(node.items[1])}
            known = set(imp.funs) | set(imp.ctor_of) | set(imp.selector_of) | set(imp.datatypes) | imp.sorts
            free = [a for a in _atoms(node.items[2]) if a not in params and a not in known and a not in _BUILTIN_ATOMS]
            if free:
                raise imp.unsupported(f"lambda with free variable {free[0]} (higher-order)", node)
            return node
        raise imp.unsupported("functional argument that is not a symbol or a lambda (higher-order)", node)

    def apply(self, fn: SExpr, args: list[SExpr], where: SExpr) -> SExpr:
        imp = self.imp
        if isinstance(fn, Atom):
            return SList((fn, *args), where.line, where.column)
        binds = imp._list(fn.items[1])
        if len(binds) != len(args):
            raise imp.unsupported("partial application of a lambda (higher-order)", where)
        names = [imp._sym(imp._list(b)[0]) for b in binds]
        return _replace_atoms(fn.items[2], dict(zip(names, args)))

    def sort_of_value(self, fn: SExpr) -> list[SExpr | None] | None:
        """The argument sorts and then the result sort of a functional value (None: not known, a lambda's)."""
        imp = self.imp
        if isinstance(fn, Atom):
            f = imp.funs.get(fn.text) or self.new_funs.get(fn.text)
            return [*(s for _, s in f.args), f.result] if f is not None else None
        return [*(imp._list(b)[1] for b in imp._list(fn.items[1])), None]

    @staticmethod
    def unify(pattern: SExpr, sort: SExpr | None, params: tuple[str, ...], out: dict[str, SExpr]) -> None:
        """Binds the type parameters in `pattern` to the matching parts of the ground `sort`."""
        if sort is None:
            return
        if isinstance(pattern, Atom):
            if pattern.text in params:
                out.setdefault(pattern.text, sort)
            return
        if isinstance(sort, SList) and len(sort.items) == len(pattern.items):
            for p, s in zip(pattern.items, sort.items):
                _Specialiser.unify(p, s, params, out)

    def term(self, node: SExpr, env: dict[str, SExpr]) -> SExpr:
        imp = self.imp
        if isinstance(node, Atom):
            if node.text in env:
                raise imp.unsupported(f"function-typed parameter {node.text} used as a value (higher-order)", node)
            return node
        items = node.items
        head = imp._head(node)
        if head == "@":
            fn = self.value(items[1], env)
            return self.term(self.apply(fn, [self.term(a, env) for a in items[2:]], node), env)
        if head == "lambda":
            raise imp.unsupported("lambda outside an argument position (higher-order)", node)
        if (items and imp._head(items[0]) == "lambda") or (head in env):
            fn = self.value(items[0], env)
            return self.term(self.apply(fn, [self.term(a, env) for a in items[1:]], node), env)
        f = imp.funs.get(head)
        if f is not None and self.ho_params(f):
            return self.call(f, node, env)
        return SList(tuple(i if isinstance(i, Atom) and i is items[0] else self.term(i, env) for i in items),
                     node.line, node.column)

    def call(self, f: _FunDef, node: SList, env: dict[str, SExpr]) -> SExpr:
        imp = self.imp
        args = node.items[1:]
        if len(args) != len(f.args):
            raise imp.unsupported(f"partial application of {f.name} (higher-order)", node)
        ho = self.ho_params(f)
        values = {i: self.value(args[i], env) for i in ho}
        key = (f.name, " ".join(_render(values[i]) for i in ho))
        name = self.specialised.get(key)
        if name is None:
            taken = set(imp.funs) | set(self.new_funs) | set(imp.ctor_of) | set(imp.datatypes) | imp.sorts
            label = "_".join(sanitize(v.text) if isinstance(v, Atom) else "lambda" for v in (values[i] for i in ho))
            name = imp._fresh_name(f"{f.name}_{label}", taken | set(self.specialised.values()))
            self.specialised[key] = name
            self.define(f, name, values, node)
        rest = tuple(self.term(a, env) for i, a in enumerate(args) if i not in values)
        return SList((Atom(name, node.items[0].line, node.items[0].column), *rest), node.line, node.column) \
            if rest else Atom(name, node.line, node.column)

    def define(self, f: _FunDef, name: str, values: dict[int, SExpr], where: SList) -> None:
        """`name` is `f` with its function-typed parameters fixed to `values`."""
        imp = self.imp
        tsub: dict[str, SExpr] = {}
        for i, v in values.items():  # type parameters fixed by the functional arguments' sorts
            param_sorts = list(imp._list(f.args[i][1])[1:])
            value_sorts = self.sort_of_value(v)
            if value_sorts is None or len(value_sorts) != len(param_sorts):
                raise imp.unsupported(f"functional argument of {f.name} with another arity (higher-order)", where)
            for ps, vs in zip(param_sorts, value_sorts):
                self.unify(ps, vs, f.params, tsub)
        if tsub:
            clash = set(tsub) & ({a for a, _ in f.args} | _bound_names(f.body))
            if clash:
                raise imp.unsupported(f"type parameter {sorted(clash)[0]} shadowed by a variable", f.where)
        params = tuple(p for p in f.params if p not in tsub)
        env = {f.args[i][0]: v for i, v in values.items()}
        args = [(a, _replace_atoms(s, tsub)) for i, (a, s) in enumerate(f.args) if i not in values]
        if not args:
            raise imp.unsupported(f"{f.name} with only functional arguments (higher-order)", where)
        result = _replace_atoms(f.result, tsub)
        assert f.body is not None
        new = _FunDef(name, params, args, result, f.body, f.where)
        self.new_funs[name] = new
        new.body = self.term(_replace_atoms(f.body, tsub), env)
