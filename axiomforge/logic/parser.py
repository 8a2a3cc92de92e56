"""MPL text -> logic IR: parse with the lark grammar, resolve names, infer and check sorts.

Stages, each a pure function of its input:

1. `_parse_tree`: text -> lark tree (grammar in mpl.lark); lark's exceptions become
   `MPLSyntaxError` with file:line:col, a caret line and the expected tokens in words.
2. `_Elaborator`: declarations are processed in file order into a `_Signature` (a symbol
   declared later cannot be used earlier); formulas become pre-terms whose variables carry
   union-find sort cells, so a variable's sort is inferred from every place it is used.
3. Sort cells are solved; unresolved ones are an "ambiguous sort" error unless the theory has a
   single sort. The result is the frozen IR of `axiomforge.logic.ir`.

Public API: `parse_theory_file`, `parse_theory_text`, `parse_formula`, `parse_term`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, NoReturn

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from axiomforge.errors import SourceLocation
from axiomforge.logic.errors import MPLError, MPLSyntaxError, MPLTypeError
from axiomforge.logic.ir import (
    App,
    AxiomDecl,
    Binary,
    Eq,
    ExpectDecl,
    Formula,
    FunctionDecl,
    GoalDecl,
    InductionDecl,
    Not,
    Quant,
    Rel,
    RelationDecl,
    Term,
    Theory,
    Truth,
    Var,
)

PROP = "Prop"
"""The result 'sort' of a definition that defines a relation."""

BOOL, BOOL_TRUE, BOOL_FALSE = "Bool", "True", "False"
"""`if c then a else b` needs `datatype Bool := False | True`; a Bool term in formula position
`p(x)` reads `p(x) = True`."""


def ite_name(sort: str) -> str:
    """The function symbol `if … then … else …` at `sort` stands for (declared on first use)."""
    return f"ite_{sort}"

# Printed operator spellings that mean the same symbol: a theory declares one, users may type either.
OPERATOR_ALIASES: dict[str, str] = {"·": "*", "*": "·", "≤": "<=", "<=": "≤", "≥": ">=", ">=": "≥"}

DEFAULT_PRECEDENCE = 5

_BINARY_OPS: dict[str, Literal["and", "or", "implies", "iff"]] = {
    "and_": "and", "or_": "or", "implies": "implies", "iff": "iff"}

# ---------------------------------------------------------------- stage 1: text -> tree


@lru_cache(maxsize=1)
def _lark() -> Lark:
    grammar = resources.files("axiomforge.logic").joinpath("mpl.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", propagate_positions=True, maybe_placeholders=True)


_TOKEN_WORDS: dict[str, str] = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": 'a string "..."',
    "QUANT": "forall/exists",
    "IFF": "'<->'",
    "IMPLIES": "'->'",
    "OR": "'or'",
    "AND": "'and'",
    "NOT": "'not'",
    "TRUE": "'true'",
    "FALSE": "'false'",
    "NE": "'!='",
    "EQ": "'='",
    "DEFEQ": "':='",
    "LBRACKET": "'['",
    "ASSOC": "left/right/none",
    "IF": "'if'",
    "THEN": "'then'",
    "ELSE": "'else'",
    "VBAR": "'|'",
    "OPSYM": "an operator",
    "LPAR": "'('",
    "RPAR": "')'",
    "RSQB": "']'",
    "COMMA": "','",
    "COLON": "':'",
    "DOT": "'.'",
    "SEMICOLON": "';'",
    "$END": "end of file",
}
_FRAGMENT_WORDS = {"$END": "end of input"}

_ITEM_KEYWORDS = ("theory", "sort", "const", "function", "relation", "definition", "induction", "axiom",
                  "expect", "include", "datatype", "goal")


def _expected_words(expected: Iterable[str], fragment: bool = False) -> str:
    """Lark's expected terminal names as words; `fragment` (a lone formula) drops declarations."""
    words: list[str] = []
    keywords: list[str] = []
    for name in sorted(set(expected)):
        if fragment and name in _FRAGMENT_WORDS:
            words.append(_FRAGMENT_WORDS[name])
            continue
        if name in _TOKEN_WORDS:
            words.append(_TOKEN_WORDS[name])
            continue
        # Anonymous keyword terminals are named after their text, e.g. THEORY, AXIOM, NOTATION.
        keywords.append(name.lower())
    items = [] if fragment else [k for k in keywords if k in _ITEM_KEYWORDS]
    others = [k for k in keywords if k not in _ITEM_KEYWORDS]
    if len(items) >= 3:
        words.append("a declaration (" + ", ".join(sorted(items)) + ")")
    else:
        words.extend(f"'{k}'" for k in items)
    words.extend(f"'{k}'" for k in others)
    unique = sorted(set(words))
    if not unique:
        return ""
    if len(unique) == 1:
        return unique[0]
    return ", ".join(unique[:-1]) + " or " + unique[-1]


_TOKEN_START = set("()[],.:=!\"/\\~_+*·-^<>&|@$%⊕⊗∘≤≥⊆⊂∪∩×÷∀∃↔→∨∧¬⊤⊥≠")


def _could_start_token(char: str) -> bool:
    return char.isascii() and char.isalnum() or char in _TOKEN_START


def _describe_token(token: Token) -> str:
    if token.type == "$END":
        return "end of file"
    return f"{token.value!r}"


def _acceptable(err: UnexpectedToken) -> set[str]:
    """The terminals the parser would really accept here. LALR's `expected` merges lookaheads
    of similar states (and so lists ')' where no parenthesis is open); replaying each terminal
    through the interactive parser is exact."""
    try:
        return set(err.interactive_parser.accepts())
    except Exception:  # pragma: no cover - defensive: fall back to lark's approximate set
        return set(err.expected)


def _parse_tree(text: str, filename: str, fragment: bool = False) -> Tree:
    try:
        return _lark().parse(text)
    except UnexpectedEOF as err:
        lines = text.splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
        expected = _expected_words(err.expected, fragment)
        raise MPLSyntaxError.at(
            "unexpected end of file" + (f"; expected {expected}" if expected else ""), text, filename, line, column
        ) from None
    except UnexpectedToken as err:
        expected = _expected_words(_acceptable(err), fragment)
        token = err.token
        if token.type == "$END":
            lines = text.splitlines() or [""]
            line, column = len(lines), len(lines[-1]) + 1
        else:
            line, column = err.line, err.column
        raise MPLSyntaxError.at(
            f"unexpected {_describe_token(token)}" + (f"; expected {expected}" if expected else ""),
            text, filename, line, column,
        ) from None
    except UnexpectedCharacters as err:
        pos = err.pos_in_stream if err.pos_in_stream is not None else -1
        char = text[pos] if 0 <= pos < len(text) else "?"
        allowed = set(err.allowed or ())
        if not _could_start_token(char):
            hint = " (not part of MPL syntax)"
        elif allowed and len(allowed) <= 8:
            hint = f"; expected {_expected_words(allowed, fragment)}"
        else:
            hint = ""
        raise MPLSyntaxError.at(f"unexpected character {char!r}{hint}", text, filename, err.line, err.column) from None
    except UnexpectedInput as err:  # pragma: no cover - the three above are exhaustive in lark 1.x
        raise MPLSyntaxError.at(f"syntax error: {err}", text, filename, err.line, err.column) from None
    except RecursionError:
        raise MPLSyntaxError("formula nested too deeply", SourceLocation(filename)) from None


# ---------------------------------------------------------------- stage 2: names, sorts, pre-terms


@dataclass
class _Source:
    """The text being elaborated, for locating errors."""

    text: str
    filename: str

    def loc(self, node: Tree | Token) -> tuple[int | None, int | None]:
        if isinstance(node, Token):
            return node.line, node.column
        meta = node.meta
        if getattr(meta, "empty", True):
            return None, None
        return meta.line, meta.column

    def type_error(self, message: str, node: Tree | Token | None) -> NoReturn:
        line, column = self.loc(node) if node is not None else (None, None)
        raise MPLTypeError.at(message, self.text, self.filename, line, column)

    def location(self, node: Tree | Token) -> SourceLocation:
        line, column = self.loc(node)
        return SourceLocation(self.filename, line, column)


@dataclass
class _SortCell:
    """A union-find node for a variable's sort; `where` says which use fixed the sort."""

    sort: str | None = None
    where: str = ""
    parent: _SortCell | None = None

    def root(self) -> _SortCell:
        cell = self
        while cell.parent is not None:
            cell = cell.parent
        return cell


@dataclass
class _Binder:
    name: str
    cell: _SortCell
    node: Token


@dataclass
class _PVar:
    binder: _Binder
    node: Tree | Token


@dataclass
class _PApp:
    fn: str
    args: list[_PTerm]
    sort: str
    node: Tree | Token


_PTerm = _PVar | _PApp


@dataclass(frozen=True)
class _Infix:
    """A resolved infix symbol: a binary function (precedence, assoc) or a relation."""

    name: str
    kind: Literal["function", "relation"]
    precedence: int
    assoc: str


@dataclass
class _Signature:
    """The symbols declared so far, in declaration order."""

    name: str | None = None
    sorts: list[str] = field(default_factory=list)
    functions: dict[str, FunctionDecl] = field(default_factory=dict)
    relations: dict[str, RelationDecl] = field(default_factory=dict)
    notations: dict[str, str] = field(default_factory=dict)
    infixes: dict[str, _Infix] = field(default_factory=dict)
    axioms: list[AxiomDecl] = field(default_factory=list)
    induction: list[InductionDecl] = field(default_factory=list)
    expects: list[ExpectDecl] = field(default_factory=list)
    goals: list[GoalDecl] = field(default_factory=list)

    @classmethod
    def of_theory(cls, theory: Theory) -> _Signature:
        sig = cls(name=theory.name, sorts=list(theory.sorts))
        for fn in theory.functions:
            sig.functions[fn.name] = fn
            if fn.notation:
                sig.notations[fn.notation] = fn.name
            if fn.infix:
                sig.infixes[fn.infix] = _Infix(fn.name, "function", fn.precedence or DEFAULT_PRECEDENCE,
                                               fn.assoc or "left")
        for rel in theory.relations:
            sig.relations[rel.name] = rel
            if rel.infix:
                sig.infixes[rel.infix] = _Infix(rel.name, "relation", 0, "none")
        return sig

    def infix(self, symbol: str) -> _Infix | None:
        if symbol in self.infixes:
            return self.infixes[symbol]
        alias = OPERATOR_ALIASES.get(symbol)
        return self.infixes.get(alias) if alias else None

    def symbol_taken(self, name: str) -> str | None:
        if name in self.functions:
            return "function" if self.functions[name].arg_sorts else "constant"
        if name in self.relations:
            return "relation"
        if name in self.sorts or name == PROP:
            return "sort"
        return None


class _Scope:
    """Bound variables (innermost last) plus, for `parse_formula`, implicitly free ones."""

    def __init__(self, free: dict[str, _Binder] | None, allow_free: bool) -> None:
        self.stack: list[_Binder] = []
        self.free = free if free is not None else {}
        self.allow_free = allow_free

    def lookup(self, name: str) -> _Binder | None:
        for binder in reversed(self.stack):
            if binder.name == name:
                return binder
        return self.free.get(name)


class _Elaborator:
    """Turns lark trees into IR against a growing signature."""

    def __init__(self, sig: _Signature, source: _Source) -> None:
        self.sig = sig
        self.src = source
        self.binders: list[_Binder] = []

    # ------------------------------------------------------------ sorts

    def _unify_var(self, var: _PVar, sort: str, node: Tree | Token) -> None:
        root = var.binder.cell.root()
        if root.sort is None:
            line, column = self.src.loc(node)
            root.sort, root.where = sort, f"{line}:{column}"
        elif root.sort != sort:
            self.src.type_error(
                f"sort mismatch: variable {var.binder.name} is used as {sort} here but as {root.sort} "
                f"at {root.where}", node)

    def _merge_vars(self, a: _PVar, b: _PVar, node: Tree | Token) -> None:
        ra, rb = a.binder.cell.root(), b.binder.cell.root()
        if ra is rb:
            return
        if ra.sort is not None and rb.sort is not None and ra.sort != rb.sort:
            self.src.type_error(
                f"sort mismatch: {a.binder.name} has sort {ra.sort} but {b.binder.name} has sort {rb.sort}", node)
        if ra.sort is None:
            ra.sort, ra.where = rb.sort, rb.where
        rb.parent = ra

    def _expect_sort(self, term: _PTerm, sort: str, what: str) -> None:
        if isinstance(term, _PVar):
            self._unify_var(term, sort, term.node)
        elif term.sort != sort:
            self.src.type_error(f"sort mismatch: {what} expects {sort}, but this term has sort {term.sort}",
                                term.node)

    def _same_sort(self, left: _PTerm, right: _PTerm, node: Tree | Token) -> None:
        if isinstance(left, _PVar) and isinstance(right, _PVar):
            self._merge_vars(left, right, node)
        elif isinstance(left, _PVar):
            assert isinstance(right, _PApp)
            self._unify_var(left, right.sort, left.node)
        elif isinstance(right, _PVar):
            self._unify_var(right, left.sort, right.node)
        elif left.sort != right.sort:
            self.src.type_error(
                f"sort mismatch: the left side has sort {left.sort}, the right side {right.sort}", right.node)

    # ------------------------------------------------------------ terms

    def _new_binder(self, name_tok: Token, sort: str | None) -> _Binder:
        binder = _Binder(str(name_tok), _SortCell(sort, f"{name_tok.line}:{name_tok.column}"), name_tok)
        self.binders.append(binder)
        return binder

    def _check_sort_name(self, tok: Token) -> str:
        name = str(tok)
        if name not in self.sig.sorts:
            self.src.type_error(f"undeclared sort {name}", tok)
        return name

    def term(self, node: Tree | Token, scope: _Scope) -> _PTerm:
        """An operand or chain in term position."""
        if isinstance(node, Token):  # pragma: no cover - grammar always wraps tokens
            self.src.type_error("expected a term", node)
        kind = node.data
        if kind == "chain":
            result = self._chain(node, scope)
            if not isinstance(result, _PVar | _PApp):
                self.src.type_error("expected a term, found a formula", node)
            return result
        if kind == "paren":
            return self.term(_kids(node)[0], scope)
        if kind == "name_ref":
            tok = _kids(node)[0]
            name = str(tok)
            binder = scope.lookup(name)
            if binder is not None:
                return _PVar(binder, tok)
            fn = self.sig.functions.get(name)
            if fn is not None:
                if fn.arg_sorts:
                    self.src.type_error(
                        f"{name} is a function of {len(fn.arg_sorts)} argument(s); write {name}(...)", tok)
                return _PApp(name, [], fn.result_sort, tok)
            if name in self.sig.relations:
                self.src.type_error(f"{name} is a relation, not a term", tok)
            if scope.allow_free:
                binder = _Binder(name, _SortCell(), tok)
                scope.free[name] = binder
                self.binders.append(binder)
                return _PVar(binder, tok)
            self.src.type_error(f"undeclared name {name} (not a bound variable or a constant)", tok)
        if kind == "app":
            return self._app_term(node, scope)
        if kind == "ite":
            return self._ite_term(node, scope)
        if kind == "numeral":
            return self._notation_term(str(_kids(node)[0]), node)
        if kind == "brackets":
            return self._notation_term("[]", node)
        if kind in ("true", "false"):
            self.src.type_error(f"expected a term, found '{kind}'", node)
        self.src.type_error("expected a term, found a formula", node)

    def _notation_term(self, text: str, node: Tree) -> _PApp:
        name = self.sig.notations.get(text)
        if name is None:
            self.src.type_error(f"undeclared notation {text} (declare a constant with notation \"{text}\")", node)
        return _PApp(name, [], self.sig.functions[name].result_sort, node)

    def _args(self, node: Tree, scope: _Scope) -> list[_PTerm]:
        return [self.term(child, scope) for child in _kids(node)[1:] if child is not None]

    def _app_term(self, node: Tree, scope: _Scope) -> _PApp:
        tok = _kids(node)[0]
        name = str(tok)
        fn = self.sig.functions.get(name)
        if fn is None:
            if scope.lookup(name) is not None:
                self.src.type_error(f"{name} is a variable, not a function", tok)
            if name in self.sig.relations:
                self.src.type_error(f"{name} is a relation; it cannot be used as a term", tok)
            self.src.type_error(f"undeclared function {name}", tok)
        args = self._args(node, scope)
        self._check_arity(name, fn.arg_sorts, args, node)
        for i, (arg, sort) in enumerate(zip(args, fn.arg_sorts)):
            self._expect_sort(arg, sort, f"argument {i + 1} of {name}")
        return _PApp(name, args, fn.result_sort, node)

    def _ite_term(self, node: Tree, scope: _Scope) -> _PApp:
        """`if c then a else b`: c a Bool term, a and b of one sort S; the IR term is
        `ite_S(c, a, b)`, with `ite_S(True, a, b) = a` and `ite_S(False, a, b) = b` as axioms."""
        _if, cond_node, _then, then_node, _else, else_node = _kids(node)
        bool_ctors = self.sig.functions.get(BOOL_TRUE), self.sig.functions.get(BOOL_FALSE)
        if any(c is None or c.result_sort != BOOL or c.arg_sorts for c in bool_ctors):
            self.src.type_error(f"if … then … else … needs the sort {BOOL}: declare "
                                f"`datatype {BOOL} := {BOOL_FALSE} | {BOOL_TRUE}` first", node)
        cond = self.term(cond_node, scope)
        self._expect_sort(cond, BOOL, "the condition of if")
        then_term, else_term = self.term(then_node, scope), self.term(else_node, scope)
        self._same_sort(then_term, else_term, node)
        sort = next((t.sort for t in (then_term, else_term) if isinstance(t, _PApp)), None)
        if sort is None:
            for t in (then_term, else_term):
                if isinstance(t, _PVar) and t.binder.cell.root().sort is not None:
                    sort = t.binder.cell.root().sort
        if sort is None:
            self.src.type_error("cannot infer the sort of this if … then … else …; annotate its variables", node)
        name = ite_name(sort)
        if name not in self.sig.functions:
            self._declare_ite(sort, node)
        return _PApp(name, [cond, then_term, else_term], sort, node)

    def _declare_ite(self, sort: str, node: Tree) -> None:
        name = ite_name(sort)
        taken = self.sig.symbol_taken(name)
        if taken is not None:
            self.src.type_error(f"if … then … else … at {sort} needs the name {name}, already a {taken}", node)
        self.sig.functions[name] = FunctionDecl(name, (BOOL, sort, sort), sort, None, self.src.location(node))
        a, b = Var("a", sort), Var("b", sort)
        for ctor, picked in ((BOOL_TRUE, a), (BOOL_FALSE, b)):
            body: Formula = Eq(App(name, (App(ctor), a, b)), picked)
            self.sig.axioms.append(AxiomDecl(f"{name}_{ctor.lower()}", "axiom",
                                             Quant("forall", a, Quant("forall", b, body)), self.src.location(node)))

    def _check_arity(self, name: str, arg_sorts: Sequence[str], args: Sequence[_PTerm], node: Tree) -> None:
        if len(args) != len(arg_sorts):
            plural = "" if len(arg_sorts) == 1 else "s"
            self.src.type_error(
                f"wrong arity: {name} takes {len(arg_sorts)} argument{plural}, given {len(args)}", node)

    # ------------------------------------------------------------ infix chains

    def _chain(self, node: Tree, scope: _Scope) -> _PTerm | _PFormula:
        children = _kids(node)
        operands = children[0::2]
        ops: list[Token] = children[1::2]
        if not ops:
            only = operands[0]
            if isinstance(only, Tree) and only.data == "paren":
                return self._paren(only, scope)
            if isinstance(only, Tree) and only.data in ("true", "false"):
                return _PTruth(only.data == "true")
            if isinstance(only, Tree) and only.data in ("app", "name_ref"):
                name = str(_kids(only)[0])
                if name in self.sig.relations and scope.lookup(name) is None:
                    return self._relation_atom(only, scope)
            return self.term(only, scope)
        relational = [i for i, op in enumerate(ops) if self._is_relational(op)]
        if len(relational) > 1:
            self.src.type_error("comparisons do not chain; join them with 'and' or add parentheses",
                                ops[relational[1]])
        if not relational:
            return self._climb([self.term(o, scope) for o in operands], ops)
        cut = relational[0]
        op = ops[cut]
        left = self._climb([self.term(o, scope) for o in operands[: cut + 1]], ops[:cut])
        right = self._climb([self.term(o, scope) for o in operands[cut + 1:]], ops[cut + 1:])
        if op.type in ("EQ", "NE"):
            self._same_sort(left, right, op)
            eq = _PEq(left, right)
            return _PNot(eq) if op.type == "NE" else eq
        infix = self.sig.infix(str(op))
        assert infix is not None and infix.kind == "relation"
        rel = self.sig.relations[infix.name]
        for i, (arg, sort) in enumerate(zip((left, right), rel.arg_sorts)):
            self._expect_sort(arg, sort, f"argument {i + 1} of {rel.name}")
        return _PRel(rel.name, [left, right])

    def _is_relational(self, op: Token) -> bool:
        if op.type in ("EQ", "NE"):
            return True
        infix = self.sig.infix(str(op))
        if infix is None:
            self.src.type_error(f"undeclared operator {str(op)!r}", op)
        return infix.kind == "relation"

    def _climb(self, operands: list[_PTerm], ops: list[Token]) -> _PTerm:
        """Precedence climbing over infix function symbols."""
        position = 0

        def parse(min_prec: int) -> _PTerm:
            nonlocal position
            left = operands[position]
            while position < len(ops):
                op = ops[position]
                infix = self.sig.infix(str(op))
                assert infix is not None
                if infix.precedence < min_prec:
                    break
                position += 1
                next_min = infix.precedence + (0 if infix.assoc == "right" else 1)
                right = parse(next_min)
                left = self._apply_infix(infix, left, right, op)
                if infix.assoc == "none" and position < len(ops):
                    following = self.sig.infix(str(ops[position]))
                    if following is not None and following.precedence == infix.precedence:
                        self.src.type_error(
                            f"operator {str(op)!r} is non-associative; add parentheses", ops[position])
            return left

        result = parse(0)
        assert position == len(ops)
        return result

    def _apply_infix(self, infix: _Infix, left: _PTerm, right: _PTerm, op: Token) -> _PApp:
        fn = self.sig.functions[infix.name]
        for i, (arg, sort) in enumerate(zip((left, right), fn.arg_sorts)):
            self._expect_sort(arg, sort, f"argument {i + 1} of {str(op)!r} ({fn.name})")
        return _PApp(fn.name, [left, right], fn.result_sort, op)

    # ------------------------------------------------------------ formulas

    def _relation_atom(self, node: Tree, scope: _Scope) -> _PRel:
        tok = _kids(node)[0]
        rel = self.sig.relations[str(tok)]
        args = self._args(node, scope) if node.data == "app" else []
        self._check_arity(rel.name, rel.arg_sorts, args, node)
        for i, (arg, sort) in enumerate(zip(args, rel.arg_sorts)):
            self._expect_sort(arg, sort, f"argument {i + 1} of {rel.name}")
        return _PRel(rel.name, args)

    def _paren(self, node: Tree, scope: _Scope) -> _PTerm | _PFormula:
        inner = _kids(node)[0]
        if isinstance(inner, Tree) and inner.data == "chain":
            return self._chain(inner, scope)
        return self.formula(inner, scope)

    def formula(self, node: Tree | Token, scope: _Scope) -> _PFormula:
        if isinstance(node, Token):  # pragma: no cover
            self.src.type_error("expected a formula", node)
        kind = node.data
        if kind == "chain" or kind == "paren":
            result = self._chain(node, scope) if kind == "chain" else self._paren(node, scope)
            if isinstance(result, _PApp) and result.sort == BOOL and BOOL_TRUE in self.sig.functions:
                return _PEq(result, _PApp(BOOL_TRUE, [], BOOL, node))  # `p(x)` reads `p(x) = True`
            if isinstance(result, _PVar | _PApp):
                self.src.type_error("expected a formula, found a term (add '= ...' or use a relation)", node)
            return result
        if kind == "not_":
            return _PNot(self.formula(_kids(node)[1], scope))
        if kind in ("and_", "or_", "implies", "iff"):
            op = _BINARY_OPS[kind]
            return _PBinary(op, self.formula(_kids(node)[0], scope), self.formula(_kids(node)[2], scope))
        if kind == "quant":
            return self._quant(node, scope)
        self.src.type_error("expected a formula", node)

    def _quant(self, node: Tree, scope: _Scope) -> _PFormula:
        kind_tok: Token = _kids(node)[0]
        quant_kind: Literal["forall", "exists"] = "forall" if str(kind_tok) in ("forall", "∀") else "exists"
        binders: list[_Binder] = []
        for b in _kids(node)[1:-1]:
            if b.data == "plain_binder":
                binders.append(self._new_binder(_kids(b)[0], None))
            else:
                sort = self._check_sort_name(_kids(b)[-1])
                binders.extend(self._new_binder(tok, sort) for tok in _kids(b)[:-1])
        seen: set[str] = set()
        for binder in binders:
            if binder.name in seen:
                self.src.type_error(f"variable {binder.name} is bound twice", binder.node)
            seen.add(binder.name)
            taken = self.sig.symbol_taken(binder.name)
            if taken in ("function", "relation"):
                self.src.type_error(f"{binder.name} is a declared {taken}; choose another variable name",
                                    binder.node)
        scope.stack.extend(binders)
        body = self.formula(_kids(node)[-1], scope)
        del scope.stack[len(scope.stack) - len(binders):]
        for binder in reversed(binders):
            body = _PQuant(quant_kind, binder, body)
        return body

    # ------------------------------------------------------------ solving

    def solve(self) -> None:
        """Fix every variable's sort or report the first ambiguous one."""
        data_sorts = [s for s in self.sig.sorts if s != PROP]
        for binder in self.binders:
            root = binder.cell.root()
            if root.sort is None:
                if len(data_sorts) == 1:
                    root.sort = data_sorts[0]
                else:
                    self.src.type_error(
                        f"ambiguous sort: cannot infer the sort of {binder.name}; annotate it, e.g. "
                        f"forall ({binder.name} : {data_sorts[0] if data_sorts else 'S'}). ...", binder.node)
        self.binders.clear()


# Pre-formulas: like the IR but with unsolved variables.


@dataclass
class _PEq:
    lhs: _PTerm
    rhs: _PTerm


@dataclass
class _PRel:
    name: str
    args: list[_PTerm]


@dataclass
class _PTruth:
    value: bool


@dataclass
class _PNot:
    body: _PFormula


@dataclass
class _PBinary:
    op: Literal["and", "or", "implies", "iff"]
    left: _PFormula
    right: _PFormula


@dataclass
class _PQuant:
    kind: Literal["forall", "exists"]
    binder: _Binder
    body: _PFormula


_PFormula = _PEq | _PRel | _PTruth | _PNot | _PBinary | _PQuant


def _binder_var(binder: _Binder) -> Var:
    sort = binder.cell.root().sort
    assert sort is not None
    return Var(binder.name, sort)


def _to_term(term: _PTerm) -> Term:
    if isinstance(term, _PVar):
        return _binder_var(term.binder)
    return App(term.fn, tuple(_to_term(a) for a in term.args))


def _to_formula(formula: _PFormula) -> Formula:
    match formula:
        case _PEq(lhs, rhs):
            return Eq(_to_term(lhs), _to_term(rhs))
        case _PRel(name, args):
            return Rel(name, tuple(_to_term(a) for a in args))
        case _PTruth(value):
            return Truth(value)
        case _PNot(body):
            return Not(_to_formula(body))
        case _PBinary(op, left, right):
            return Binary(op, _to_formula(left), _to_formula(right))
        case _PQuant(kind, binder, body):
            return Quant(kind, _binder_var(binder), _to_formula(body))
    raise TypeError(formula)  # pragma: no cover


# ---------------------------------------------------------------- declarations


class _TheoryBuilder:
    """Processes the items of one file (and its includes) into a `_Signature`."""

    def __init__(self, sig: _Signature, including: tuple[Path, ...] = (), is_include: bool = False) -> None:
        self.sig = sig
        self.including = including
        self.is_include = is_include
        self.axiom_names: dict[str, str] = {}
        self.expect_names: set[str] = set()

    def run(self, text: str, filename: str, base_dir: Path | None) -> None:
        tree = _parse_tree(text, filename)
        src = _Source(text, filename)
        for item in _kids(tree):
            handler = getattr(self, f"_{item.data}")
            handler(item, src, base_dir)

    # each handler: (item tree, source, directory for includes)

    def _declare_name(self, tok: Token, src: _Source) -> str:
        name = str(tok)
        taken = self.sig.symbol_taken(name)
        if taken is not None:
            src.type_error(f"duplicate declaration: {name} is already declared as a {taken}", tok)
        return name

    def _theory_decl(self, item: Tree, src: _Source, base_dir: Path | None) -> None:
        if self.is_include:
            return  # an included file's theory name does not rename the includer
        if self.sig.name is not None:
            src.type_error("the theory name is declared twice", _kids(item)[0])
        self.sig.name = str(_kids(item)[0])

    def _sort_decl(self, item: Tree, src: _Source, base_dir: Path | None) -> None:
        for tok in _kids(item):
            if str(tok) == PROP:
                src.type_error(f"{PROP} is reserved for relations; choose another sort name", tok)
            self.sig.sorts.append(self._declare_name(tok, src))

    def _fixities(self, items: Sequence[Tree], src: _Source, kind: str) -> dict[str, tuple[object, Tree]]:
        found: dict[str, tuple[object, Tree]] = {}
        for fx in items:
            key = fx.data
            if key in found:
                src.type_error(f"{key} given twice", fx)
            tok = fx.children[0]
            value: object = str(tok)
            if key in ("notation", "infix"):
                value = str(tok)[1:-1]
            elif key == "precedence":
                value = int(str(tok))
                if not 1 <= int(str(tok)) <= 99:
                    src.type_error("precedence must be between 1 and 99", tok)
            found[key] = (value, fx)
        allowed = {"constant": {"notation"}, "function": {"infix", "precedence", "assoc"},
                   "relation": {"infix"}}[kind]
        for key, (_, fx) in found.items():
            if key not in allowed:
                src.type_error(f"'{key}' is not allowed on a {kind}", fx)
        if ("precedence" in found or "assoc" in found) and "infix" not in found:
            src.type_error("precedence and associativity need an infix symbol", items[0])
        return found

    def _check_notation(self, text: str, node: Tree, src: _Source) -> None:
        if not (text.isdigit() or text == "[]"):
            src.type_error(f"notation {text!r} must be a numeral or []", node)
        if text in self.sig.notations:
            src.type_error(f"notation {text!r} already denotes {self.sig.notations[text]}", node)

    def _check_infix(self, text: str, node: Tree, src: _Source) -> None:
        try:
            tok = _operator_token(text)
        except MPLError:
            tok = None
        if tok is None:
            src.type_error(f"infix symbol {text!r} must be made of operator characters such as + * ++ <=", node)
        if text in ("=",) or self.sig.infix(text) is not None:
            src.type_error(f"infix symbol {text!r} is already in use", node)

    def _add_function(self, name: str, arg_sorts: tuple[str, ...], result: str, fixes: dict, node: Tree,
                      src: _Source) -> None:
        notation = fixes.get("notation", (None, None))[0]
        infix = fixes.get("infix", (None, None))[0]
        if notation is not None:
            self._check_notation(str(notation), fixes["notation"][1], src)
        precedence: int | None = None
        assoc: Literal["left", "right", "none"] | None = None
        if infix is not None:
            if len(arg_sorts) != 2:
                src.type_error("only functions of two arguments can be infix", fixes["infix"][1])
            self._check_infix(str(infix), fixes["infix"][1], src)
            precedence = int(fixes.get("precedence", (DEFAULT_PRECEDENCE, None))[0])  # type: ignore[call-overload]
            assoc = fixes.get("assoc", ("left", None))[0]  # type: ignore[assignment]
        decl = FunctionDecl(name, arg_sorts, result, None if infix is None else str(infix), src.location(node),
                            None if notation is None else str(notation), precedence, assoc)
        self.sig.functions[name] = decl
        if decl.notation:
            self.sig.notations[decl.notation] = name
        if decl.infix:
            self.sig.infixes[decl.infix] = _Infix(name, "function", precedence or DEFAULT_PRECEDENCE,
                                                  assoc or "left")

    def _add_relation(self, name: str, arg_sorts: tuple[str, ...], fixes: dict, node: Tree, src: _Source) -> None:
        infix = fixes.get("infix", (None, None))[0]
        if infix is not None:
            if len(arg_sorts) != 2:
                src.type_error("only relations of two arguments can be infix", fixes["infix"][1])
            self._check_infix(str(infix), fixes["infix"][1], src)
        self.sig.relations[name] = RelationDecl(name, arg_sorts, None if infix is None else str(infix),
                                                src.location(node))
        if infix is not None:
            self.sig.infixes[str(infix)] = _Infix(name, "relation", 0, "none")

    def _sorts(self, toks: Sequence[Token], src: _Source) -> tuple[str, ...]:
        return tuple(_Elaborator(self.sig, src)._check_sort_name(t) for t in toks)

    def _const_decl(self, item: Tree, src: _Source, base_dir: Path | None) -> None:
        name_tok, sort_tok, *fixes = _kids(item)
        sort = self._sorts([sort_tok], src)[0]
        name = self._declare_name(name_tok, src)
        self._add_function(name, (), sort, self._fixities(fixes, src, "constant"), item, src)

    def _function_decl(self, item: Tree, src: _Source, base_dir: Path | None) -> None:
        name_tok, sort_list, _arrow, result_tok, *fixes = _kids(item)
        arg_sorts = self._sorts(_kids(sort_list), src)
        result = self._sorts([result_tok], src)[0]
        name = self._declare_name(name_tok, src)
        kind = "function" if arg_sorts else "constant"
        self._add_function(name, arg_sorts, result, self._fixities(fixes, src, kind), item, src)

    def _relation_decl(self, item: Tree, src: _Source, base_dir: Path | None) -> None:
        name_tok, sort_list, *fixes = _kids(item)
        arg_sorts = self._sorts(_kids(sort_list), src)
        name = self._declare_name(name_tok, src)
        self._add_relation(name, arg_sorts, self._fixities(fixes, src, "relation"), item, src)

    def _add_axiom(self, name_tok: Token, kind: Literal["axiom", "definition"], formula: Formula, item: Tree,
                   src: _Source) -> None:
        name = str(name_tok)
        if name in self.axiom_names:
            src.type_error(f"duplicate axiom name {name} (already used by a {self.axiom_names[name]})", name_tok)
        self.axiom_names[name] = kind
        self.sig.axioms.append(AxiomDecl(name, kind, formula, src.location(item)))

    def _definition_decl(self, item: Tree, src: _Source, base_dir: Path | None) -> None:
        name_tok, params, result_tok, _defeq, body, *fixes = _kids(item)
        elab = _Elaborator(self.sig, src)
        scope = _Scope(None, allow_free=False)
        binders: list[_Binder] = []
        for param in _kids(params):
            ptok, stok = _kids(param)
            if any(b.name == str(ptok) for b in binders):
                src.type_error(f"parameter {ptok} is declared twice", ptok)
            binders.append(elab._new_binder(ptok, elab._check_sort_name(stok)))
        scope.stack.extend(binders)
        result = str(result_tok)
        if result != PROP:
            elab._check_sort_name(result_tok)
        arg_sorts = tuple(b.cell.sort or "" for b in binders)
        if result == PROP:
            pbody = elab.formula(body, scope)
        else:
            pbody_term = elab.term(body, scope)
            elab._expect_sort(pbody_term, result, f"definition of {name_tok}")
        elab.solve()
        name = self._declare_name(name_tok, src)
        vars_ = [_binder_var(b) for b in binders]
        head: Formula
        if result == PROP:
            self._add_relation(name, arg_sorts, self._fixities(fixes, src, "relation"), item, src)
            head = Binary("iff", Rel(name, tuple(vars_)), _to_formula(pbody))
        else:
            kind = "function" if arg_sorts else "constant"
            self._add_function(name, arg_sorts, result, self._fixities(fixes, src, kind), item, src)
            head = Eq(App(name, tuple(vars_)), _to_term(pbody_term))
        for var in reversed(vars_):
            head = Quant("forall", var, head)
        self._add_axiom(Token("NAME", f"{name}_def", line=name_tok.line, column=name_tok.column),
                        "definition", head, item, src)

    def _induction_decl(self, item: Tree, src: _Source, base_dir: Path | None) -> None:
        sort_tok, *ctor_toks = _kids(item)
        sort = self._sorts([sort_tok], src)[0]
        if any(ind.sort == sort for ind in self.sig.induction):
            src.type_error(f"induction for {sort} is declared twice", sort_tok)
        ctors: list[str] = []
        for tok in ctor_toks:
            name = str(tok)
            fn = self.sig.functions.get(name)
            if fn is None:
                src.type_error(f"undeclared constructor {name}: declare it as a function or constant first", tok)
            if fn.result_sort != sort:
                src.type_error(f"constructor {name} has result sort {fn.result_sort}, not {sort}", tok)
            if name in ctors:
                src.type_error(f"constructor {name} is listed twice", tok)
            ctors.append(name)
        if all(sort in self.sig.functions[c].arg_sorts for c in ctors):
            src.type_error(f"induction on {sort} needs a base constructor (one without a {sort} argument)",
                           ctor_toks[0])
        self.sig.induction.append(InductionDecl(sort, tuple(ctors), src.location(item)))

    def _datatype_decl(self, item: Tree, src: _Source, base_dir: Path | None) -> None:
        """`datatype S := C1 | C2(S1, S2)`: the sort, its constructors, its induction schema and
        the freeness axioms (distinct constructors differ, each constructor is injective), which
        hold of every algebraic data type but follow from no induction schema."""
        sort_tok, _defeq, *ctor_items = _kids(item)
        if str(sort_tok) == PROP:
            src.type_error(f"{PROP} is reserved for relations; choose another sort name", sort_tok)
        sort = self._declare_name(sort_tok, src)
        self.sig.sorts.append(sort)
        ctors: list[tuple[str, tuple[str, ...]]] = []
        for ctor in ctor_items:
            name_tok, *arg_toks = _kids(ctor)
            arg_sorts = self._sorts([t for t in arg_toks if t is not None], src)
            name = self._declare_name(name_tok, src)
            self._add_function(name, arg_sorts, sort, {}, ctor, src)
            ctors.append((name, arg_sorts))
        if all(sort in args for _, args in ctors):
            src.type_error(f"datatype {sort} needs a base constructor (one without a {sort} argument)", sort_tok)
        self.sig.induction.append(InductionDecl(sort, tuple(c for c, _ in ctors), src.location(item)))

        def fresh(prefix: str, args: tuple[str, ...]) -> tuple[Var, ...]:
            return tuple(Var(f"{prefix}{i + 1}", s) for i, s in enumerate(args))

        def close(variables: Sequence[Var], body: Formula) -> Formula:
            for var in reversed(variables):
                body = Quant("forall", var, body)
            return body

        where = Token("NAME", sort, line=sort_tok.line, column=sort_tok.column)
        for i, (c1, a1) in enumerate(ctors):
            for c2, a2 in ctors[i + 1:]:
                xs, ys = fresh("x", a1), fresh("y", a2)
                body: Formula = Not(Eq(App(c1, xs), App(c2, ys)))
                self._add_axiom(where.update(value=f"{c1}_ne_{c2}"), "axiom", close(xs + ys, body), item, src)
        for c, args in ctors:
            xs, ys = fresh("x", args), fresh("y", args)
            for k in range(len(args)):
                body = Binary("implies", Eq(App(c, xs), App(c, ys)), Eq(xs[k], ys[k]))
                suffix = "" if len(args) == 1 else f"_{k + 1}"
                self._add_axiom(where.update(value=f"{c}_inj{suffix}"), "axiom", close(xs + ys, body), item, src)

    def _goal_decl(self, item: Tree, src: _Source, base_dir: Path | None) -> None:
        name_tok, body = _kids(item)
        name = str(name_tok)
        if any(g.name == name for g in self.sig.goals):
            src.type_error(f"duplicate goal name {name}", name_tok)
        self.sig.goals.append(GoalDecl(name, self._closed_formula(body, src), src.location(item)))

    def _closed_formula(self, node: Tree, src: _Source) -> Formula:
        elab = _Elaborator(self.sig, src)
        pformula = elab.formula(node, _Scope(None, allow_free=False))
        elab.solve()
        return _to_formula(pformula)

    def _axiom_decl(self, item: Tree, src: _Source, base_dir: Path | None) -> None:
        name_tok, body = _kids(item)
        self._add_axiom(name_tok, "axiom", self._closed_formula(body, src), item, src)

    def _expect_decl(self, item: Tree, src: _Source, base_dir: Path | None) -> None:
        name_tok, body = _kids(item)
        name = str(name_tok)
        if name in self.expect_names:
            src.type_error(f"duplicate expect name {name}", name_tok)
        self.expect_names.add(name)
        self.sig.expects.append(ExpectDecl(name, self._closed_formula(body, src), src.location(item)))

    def _include_decl(self, item: Tree, src: _Source, base_dir: Path | None) -> None:
        tok = _kids(item)[0]
        rel = str(tok)[1:-1]
        path = ((base_dir or Path.cwd()) / rel).resolve()
        if path in self.including:
            src.type_error(f"include cycle: {rel} includes itself", tok)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            src.type_error(f"cannot include {rel}: {getattr(err, 'strerror', None) or err}", tok)
        nested = _TheoryBuilder(self.sig, self.including + (path,), is_include=True)
        nested.axiom_names = self.axiom_names
        nested.expect_names = self.expect_names
        nested.run(text, str(Path(src.filename).parent / rel) if src.filename != "<input>" else rel, path.parent)


def _kids(tree: Tree) -> list[Any]:
    """A tree's children, typed loosely: the grammar fixes which are tokens and which trees."""
    return list(tree.children)


def _operator_token(text: str) -> Token | None:
    """The single OPSYM token that `text` lexes to, or None."""
    import re

    if re.fullmatch(r"<=|>=|[+*·\-^<>&|@$%⊕⊗∘≤≥⊆⊂∪∩×÷]+", text) and not text.startswith("->") and "<->" not in text:
        return Token("OPSYM", text)
    return None


# ---------------------------------------------------------------- public API


def _too_deep(filename: str) -> MPLSyntaxError:
    return MPLSyntaxError("formula nested too deeply to process", SourceLocation(filename))


def parse_theory_text(text: str, filename: str = "<input>", *, base_dir: Path | None = None) -> Theory:
    """Parse and check a whole MPL theory; `include` paths are relative to `base_dir`."""
    try:
        return _parse_theory_text(text, filename, base_dir)
    except RecursionError:
        raise _too_deep(filename) from None


def _parse_theory_text(text: str, filename: str, base_dir: Path | None) -> Theory:
    sig = _Signature()
    builder = _TheoryBuilder(sig, (Path(filename).resolve(),) if filename != "<input>" else ())
    builder.run(text, filename, base_dir if base_dir is not None else
                (Path(filename).parent if filename != "<input>" else None))
    name = sig.name or (Path(filename).stem if filename != "<input>" else "theory")
    return Theory(
        name=name,
        source=text,
        source_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        sorts=tuple(sig.sorts),
        functions=tuple(sig.functions.values()),
        relations=tuple(sig.relations.values()),
        axioms=tuple(sig.axioms),
        induction=tuple(sig.induction),
        expects=tuple(sig.expects),
        goals=tuple(sig.goals),
    )


def parse_theory_file(path: str | Path) -> Theory:
    """Read and parse an MPL file; errors carry the path as given."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise MPLSyntaxError(f"not UTF-8 text: {err.reason} at byte {err.start}",
                             SourceLocation(str(path))) from None
    return parse_theory_text(text, str(path), base_dir=path.parent)


def _fragment_tree(text: str, filename: str) -> Tree:
    """Parse a lone formula or term by wrapping it in an axiom, then shift locations back."""
    prefix = "axiom _ : "
    try:
        tree = _parse_tree(prefix + text, filename, fragment=True)
    except MPLSyntaxError as err:
        raise _shift_error(err, text, filename, len(prefix)) from None
    items = _kids(tree)
    if len(items) != 1 or items[0].data != "axiom_decl":
        raise MPLSyntaxError.at("expected a single formula", text, filename, 1, 1)
    body = items[0].children[1]
    _shift_positions(body, len(prefix))
    return body


def _shift_error(err: MPLError, text: str, filename: str, shift: int) -> MPLError:
    loc = err.location
    if loc is None or loc.line is None:
        return err
    column = loc.column
    if loc.line == 1 and column is not None:
        column = max(1, column - shift)
    return type(err).at(err.message, text, filename, loc.line, column)


def _shift_positions(tree: Tree, shift: int) -> None:
    for node in tree.iter_subtrees():
        meta = node.meta
        if not getattr(meta, "empty", True) and meta.line == 1:
            meta.column -= shift
        for child in _kids(node):
            if isinstance(child, Token) and child.line == 1 and child.column is not None:
                child.column -= shift


def parse_formula(text: str, theory: Theory, filename: str = "<input>") -> Formula:
    """Parse one formula against `theory`; free variables are allowed and their sorts inferred."""
    tree = _fragment_tree(text, filename)
    src = _Source(text, filename)
    elab = _Elaborator(_Signature.of_theory(theory), src)
    try:
        pformula = elab.formula(tree, _Scope(None, allow_free=True))
        elab.solve()
        return _to_formula(pformula)
    except RecursionError:
        raise _too_deep(filename) from None


def parse_term(text: str, theory: Theory, variables: dict[str, str] | None = None,
               filename: str = "<input>") -> Term:
    """Parse one term; `variables` maps names to sorts, other unknown names become variables
    whose sorts are inferred."""
    tree = _fragment_tree(text, filename)
    src = _Source(text, filename)
    sig = _Signature.of_theory(theory)
    elab = _Elaborator(sig, src)
    free: dict[str, _Binder] = {}
    for name, sort in (variables or {}).items():
        if sort not in sig.sorts:
            raise MPLTypeError(f"undeclared sort {sort} for variable {name}", SourceLocation(filename))
        binder = _Binder(name, _SortCell(sort, "the given variables"), Token("NAME", name, line=1, column=1))
        free[name] = binder
    try:
        pterm = elab.term(tree, _Scope(free, allow_free=True))
        elab.solve()
        return _to_term(pterm)
    except RecursionError:
        raise _too_deep(filename) from None
