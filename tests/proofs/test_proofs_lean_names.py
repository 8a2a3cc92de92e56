"""No injection through names: whatever the document calls its sorts, symbols, axioms, theorems
and variables, `lean-export` writes exactly the commands it means to (one `axiom` per
declaration, one `theorem` per checked proof), and nothing hides in or escapes a comment.

The file is read back with a small lexer that follows Lean 4 where it matters here: `--` runs to
the end of the line, `/- -/` nests, strings have escapes, and «…» is one identifier.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from proofs_fixtures import peano_document

from axiomforge.cli import main
from axiomforge.proofs.checker import check_document
from axiomforge.proofs.lean_export import export_lean

HOSTILE = [
    "x\n#eval IO.println \"pwned\"\n--", "a\r\nb", "-/", "/-", "-/\n#eval 1\n/-", "«»", "«x»", "x»", "«", '"q"',
    "'", "#eval", "#print axioms", "sorry", "theorem", "axiom", "end", "namespace", "rfl", "absurd", "h_1",
    "hyp_2", "z_0", "_", "1x", "a b", "λ", "ℕ", "\u2028#eval 2", "x\u0085y", "--", "set_option", "@[simp]",
    "macro", "x.y", "Type", "motive", "",
]  # fmt: skip
COMMANDS = {
    "axiom", "theorem", "lemma", "def", "abbrev", "example", "instance", "opaque", "structure", "inductive",
    "class", "namespace", "end", "section", "open", "import", "export", "variable", "universe", "set_option",
    "attribute", "macro", "macro_rules", "syntax", "elab", "notation", "infix", "infixl", "infixr", "prefix",
    "postfix", "initialize", "builtin_initialize", "mutual", "deriving", "noncomputable", "private", "protected",
    "unsafe", "partial", "local", "scoped",
}  # fmt: skip


def lean_tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) tokens outside comments; kinds: ident, guillemet, string, char, other."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif text.startswith("/-", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/-", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("-/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(("string", text[i : j + 1]))
            i = j + 1
        elif c == "«":
            j = text.find("»", i)
            out.append(("guillemet", text[i : (n if j < 0 else j + 1)]))
            i = n if j < 0 else j + 1
        elif c == "#" or c == "@":
            m = re.match(r"[#@][A-Za-z_\[]*", text[i:])
            assert m is not None
            out.append(("other", m.group(0)))
            i += len(m.group(0))
        else:
            m = re.match(r"[A-Za-z_][A-Za-z0-9_'!?.]*", text[i:])
            if m:
                out.append(("ident", m.group(0)))
                i += len(m.group(0))
            else:
                out.append(("other", c))
                i += 1
    return out


def command_tokens(text: str) -> list[str]:
    return [t for kind, t in lean_tokens(text) if (kind == "ident" and t in COMMANDS) or t.startswith(("#", "@["))]


def expected_commands(doc: dict[str, Any], text: str) -> list[str]:
    theory = doc["theory"]
    declared = len(theory["sorts"]) + len(theory["functions"]) + len(theory["relations"]) + len(theory["axioms"])
    declared += len(theory["induction"]) + text.count(".inhabited :")  # witnesses for empty sorts
    checked = len(check_document(doc).checked)
    return ["namespace", *["axiom"] * declared, *["theorem"] * checked, "end"]


def assert_only_intended_commands(doc: dict[str, Any], text: str) -> None:
    tokens = lean_tokens(text)
    assert [t for k, t in tokens if k in ("string", "guillemet")] == []
    assert command_tokens(text) == expected_commands(doc, text)
    for line in text.splitlines():  # each comment line is one line; declarations use plain names
        m = re.match(r"(?:axiom|theorem) (\S+)", line)
        if m:
            assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_']*(\.[A-Za-z][A-Za-z0-9_']*)?", m.group(1)), line


# ---------------------------------------------------------------- renaming a document consistently


def renamed(doc: dict[str, Any], names: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The document with sorts, functions, relations, axioms, theorems and variables renamed
    (names[kind][old] = new), every reference with them, so the proofs still check."""
    sort, fn, rel, ax, thm, var = (names.get(k, {}) for k in ("sort", "fn", "rel", "ax", "thm", "var"))

    def s(x: str) -> str:
        return sort.get(x, x)

    def node(x: Any) -> Any:
        if isinstance(x, list):
            return [node(y) for y in x]
        if not isinstance(x, dict):
            return x
        out = {k: node(y) for k, y in x.items()}
        if "v" in x:
            out["v"], out["s"] = var.get(x["v"], x["v"]), s(x["s"])
        if "f" in x:
            out["f"] = fn.get(x["f"], x["f"])
        if "r" in x:
            out["r"] = rel.get(x["r"], x["r"])
        if isinstance(x.get("var"), list):
            out["var"] = [var.get(x["var"][0], x["var"][0]), s(x["var"][1])]
        if isinstance(x.get("subst"), dict):
            out["subst"] = {var.get(k, k): node(t) for k, t in x["subst"].items()}
        if "ref" in x:
            out["ref"] = (thm if x.get("rule") == "theorem" else ax).get(x["ref"], x["ref"])
        return out

    theory = doc["theory"]
    new_theory = {
        **theory,
        "name": names.get("theory", {}).get("name", theory["name"]),
        "source": names.get("theory", {}).get("source", theory["source"]),
        "sorts": [s(x) for x in theory["sorts"]],
        "functions": [{**f, "name": fn.get(f["name"], f["name"]), "args": [s(a) for a in f["args"]],
                       "result": s(f["result"])} for f in theory["functions"]],
        "relations": [{**r, "name": rel.get(r["name"], r["name"]), "args": [s(a) for a in r["args"]]}
                      for r in theory["relations"]],
        "axioms": [{**a, "name": ax.get(a["name"], a["name"]), "formula": node(a["formula"])} for a in theory["axioms"]],
        "induction": [{"sort": s(i["sort"]), "constructors": [{"name": fn.get(c["name"], c["name"]),
                                                               "args": [s(a) for a in c["args"]]}
                                                              for c in i["constructors"]]} for i in theory["induction"]],
    }  # fmt: skip
    theorems = [{**t, "name": thm.get(t["name"], t["name"]), "statement": node(t["statement"]),
                 "method": names.get("method", {}).get(t["name"], t.get("method", "")),
                 "cites": [thm.get(c, c) for c in t["cites"]], "steps": node(t["steps"])}
                for t in doc["theorems"]]  # fmt: skip
    return {**doc, "theory": new_theory, "theorems": theorems}


def _distinct(pool: list[str], count: int) -> st.SearchStrategy[list[str]]:
    names = st.one_of(st.sampled_from([h for h in pool if h]), st.text(min_size=1, max_size=8))
    return st.lists(names, min_size=count, max_size=count, unique=True)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_hostile_names_never_add_a_command(data):
    doc = peano_document()
    theory = doc["theory"]
    kinds = {
        "sort": theory["sorts"], "fn": [f["name"] for f in theory["functions"]],
        "rel": [r["name"] for r in theory["relations"]], "ax": [a["name"] for a in theory["axioms"]],
        "thm": [t["name"] for t in doc["theorems"]], "var": ["a", "b", "c", "n", "p", "q", "y"],
    }  # fmt: skip
    names = {kind: dict(zip(old, data.draw(_distinct(HOSTILE, len(old))))) for kind, old in kinds.items()}
    names["theory"] = {"name": data.draw(st.sampled_from(HOSTILE)), "source": data.draw(st.sampled_from(HOSTILE))}
    names["method"] = {t["name"]: data.draw(st.sampled_from(HOSTILE)) for t in doc["theorems"]}
    hostile = renamed(doc, names)
    report = check_document(hostile)
    # a renaming is no reason to reject a proof (the names are only names)
    assert report.checked == tuple(names["thm"][t] for t in check_document(doc).checked), report.failures
    text = export_lean(hostile, report)
    assert_only_intended_commands(hostile, text)


def test_every_hostile_name_at_once(hand_doc):
    theory = hand_doc["theory"]
    hostile = [h for h in HOSTILE if h]
    pick = iter(hostile * 4)
    names = {
        "fn": {f["name"]: next(pick) for f in theory["functions"]},
        "ax": {a["name"]: next(pick) for a in theory["axioms"]},
        "thm": {t["name"]: next(pick) for t in hand_doc["theorems"]},
        "theory": {"name": "x\n#eval 1", "source": "-/\n#eval 2\n/-"},
        "method": {t["name"]: "induction\n#eval 3" for t in hand_doc["theorems"]},
    }
    doc = renamed(hand_doc, names)
    text = export_lean(doc)
    assert len(check_document(doc).checked) == len(hand_doc["theorems"])
    assert_only_intended_commands(doc, text)
    assert "\n#eval" not in text


def test_a_newline_in_a_gl_function_name_stays_in_its_comment(repo_root, tmp_path, capsys):
    """Issue 12: a GL signature naming a function "rev\\n#eval …" left `#eval` as code."""
    source = (repo_root / "theories" / "gl" / "lists.gl").read_text()
    (tmp_path / "lists.gl").write_text(source)
    sig = json.loads((repo_root / "theories" / "gl" / "lists.sig.json").read_text())
    sig["functions"]["reverse"]["name"] = 'rev\n#eval IO.println "pwned"\n--'
    sig["functions"]["length"]["name"] = 'len -/ «x» "q"'
    (tmp_path / "lists.sig.json").write_text(json.dumps(sig))
    assert main(["prove", str(tmp_path / "lists.gl"), "--out", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    doc = json.loads((tmp_path / "out" / "proofs.json").read_text())
    text = (tmp_path / "out" / "proofs.lean").read_text()
    assert any("\n" in t["name"] for t in doc["theorems"])  # the engine did name theorems after it
    assert_only_intended_commands(doc, text)


def test_the_lexer_sees_what_lean_sees():
    text = '/- a /- nested -/ still -/ axiom x : T -- theorem y\n#eval "s\\" -- t" «a»'
    assert [t for _, t in lean_tokens(text)][:2] == ["axiom", "x"]
    assert command_tokens(text) == ["axiom", "#eval"]
    assert ("guillemet", "«a»") in lean_tokens(text) and ("string", '"s\\" -- t"') in lean_tokens(text)


def test_engine_exports_have_only_intended_commands():
    for name in ("peano", "lists", "peano_order"):
        doc = json.loads((Path(__file__).resolve().parent / "data" / f"{name}.proofs.json").read_text())
        assert_only_intended_commands(doc, export_lean(doc))


# ---------------------------------------------------------------- challenge files (BB, MBA)


def _bb_claim() -> Any:
    from axiomforge.generators.busy_beaver import claims as C
    from axiomforge.generators.busy_beaver.machine import parse_machine

    return C.Claim("halts_exact", parse_machine("1RB1LB_1LA1RZ"), C.halts_exact(6), True)


def _mba_claim(text: str, width: int | None) -> Any:
    from axiomforge.generators.mba.parse import parse_identity
    from axiomforge.generators.mba.render import Claim

    return Claim(parse_identity(text), width, True)


def _challenge_commands(text: str) -> list[str]:
    assert [t for k, t in lean_tokens(text) if k in ("string", "guillemet")] == []
    return command_tokens(text)


@settings(max_examples=80, deadline=None)
@given(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12)), st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12)))
def test_challenge_renderers_refuse_or_keep_their_commands(name, challenge_id):
    from axiomforge.generators.busy_beaver.render import lean_file as bb_file
    from axiomforge.generators.mba.render import lean_file as mba_file

    renders = [
        (lambda n, i: bb_file(_bb_claim(), n, i)),
        (lambda n, i: mba_file(_mba_claim("(x ^ y) + 2*(x & y) == x + y", None), n, i, "linear")),
    ]
    for render in renders:
        honest = _challenge_commands(render("challenge_theorem", "challenge-1"))
        try:
            text = render(name, challenge_id)
        except ValueError:
            continue  # refused: nothing written
        assert _challenge_commands(text) == honest
        assert re.search(r"^theorem ([A-Za-z_][A-Za-z0-9_]*)\b", text, re.MULTILINE).group(1) == name


def test_mba_variables_that_are_lean_keywords_or_the_width_are_refused():
    import pytest

    from axiomforge.generators.mba.render import lean_file

    for identity, width in (("fun + x == x + fun", 8), ("sorry == sorry", 8), ("w + x == x + w", None)):
        with pytest.raises(ValueError):
            lean_file(_mba_claim(identity, width), "t", "mba-1", "linear")
    assert "(x w : BitVec 8)" in lean_file(_mba_claim("w + x == x + w", 8), "t", "mba-1", "linear")
