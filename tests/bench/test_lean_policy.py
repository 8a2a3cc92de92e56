"""The acceptance policy on a crafted corpus: forbidden constructs, tampering, sorry in comments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from axiomforge.lean.assemble import candidate_from_answer, extract_last_lean_block, insert_tactics
from axiomforge.lean.messages import LeanMessage, parse_axioms, parse_lean_output
from axiomforge.lean.policy import Category, Track, classify_error, judge_lean_messages, screen_source
from axiomforge.lean.source import blank_comments_and_strings

DATA = Path(__file__).resolve().parent / "data" / "challenges.jsonl"
RECORDS = {r["id"]: r for r in map(json.loads, DATA.read_text().splitlines())}
BB = RECORDS["bb-halts_exact-0001"]
MBA = RECORDS["mba-linear_identity-0001"]


def screen(candidate: str, record: dict = BB, track: Track = Track.STANDARD):
    return screen_source(candidate, record["lean"], record["theorem_name"], record["lean_statement"], track)


def with_proof(tactics: str, record: dict = BB) -> str:
    return insert_tactics(record["lean"], tactics)


def categories(candidate: str, **kw) -> list[Category]:
    return [v.category for v in screen(candidate, **kw)]


def test_a_plain_proof_passes_the_screen():
    assert screen(with_proof("rfl")) == []


def test_the_unmodified_challenge_is_rejected_for_its_sorry():
    violations = screen(BB["lean"])
    assert [v.category for v in violations] == [Category.FORBIDDEN]
    assert "sorry" in violations[0].message
    assert violations[0].line == BB["lean"].count("\n")  # the line of the sorry


@pytest.mark.parametrize(
    "proof",
    [
        "-- sorry, this is only a comment\n  rfl",
        "/- sorry /- nested sorry -/ still comment: admit -/\n  rfl",
        "/-- doc comment: sorry -/\n  rfl",
        'have h : "sorry" = "sorry" := rfl\n  rfl',
        "have c : Char := 'x'\n  rfl",
        "-- axiom unsafe implemented_by native_decide #eval\n  rfl",
    ],
)
def test_forbidden_words_inside_comments_and_strings_are_allowed(proof):
    assert screen(with_proof(proof)) == []


@pytest.mark.parametrize(
    ("proof", "word"),
    [
        ("sorry", "sorry"),
        ("admit", "admit"),
        ("exact?", "exact?"),
        ("apply?", "apply?"),
        ("rw?", "rw?"),
        ("/- a comment -/ sorry", "sorry"),
        ("first | rfl | sorry", "sorry"),
        ("exact (sorry : halts 6)", "sorry"),
        ("set_option debug.skipKernelTC true in\n  rfl", "debug"),
        ("native_decide", "native_decide"),
        ("bv_decide", "bv_decide"),
        ("exact Lean.ofReduceBool _ _ rfl", "ofReduceBool"),
    ],
)
def test_forbidden_tactics_are_rejected(proof, word):
    violations = screen(with_proof(proof))
    assert violations and violations[0].category is Category.FORBIDDEN
    assert word in violations[0].message or word in proof


@pytest.mark.parametrize(
    ("extra", "word"),
    [
        ("axiom cheat : False", "axiom"),
        ("unsafe def f : Nat := 0", "unsafe"),
        ("@[implemented_by id] def g (n : Nat) : Nat := n", "implemented_by"),
        ('@[extern "c_fn"] def h (n : Nat) : Nat := n', "extern"),
        ("@[csimp] theorem t : @id = @id := rfl", "csimp"),
        ("notation \"halts\" => True", "notation"),
        ("macro \"cheat\" : tactic => `(tactic| rfl)", "macro"),
        ("syntax \"cheat\" : tactic", "syntax"),
        ("elab \"cheat\" : tactic => pure ()", "elab"),
        ("instance : Inhabited Nat := ⟨7⟩", "instance"),
        ("variable (h : False)", "variable"),
        ("namespace Sneaky", "namespace"),
        ("#eval IO.println \"hi\"", "#eval"),
        ("#exit", "#exit"),
        ("run_cmd pure ()", "run_cmd"),
        ("import Lean", "import"),
        ("opaque secret : Nat", "opaque"),
    ],
)
def test_forbidden_commands_before_the_theorem_are_rejected(extra, word):
    proof = with_proof("rfl")
    at = proof.index("theorem " + BB["theorem_name"])
    candidate = proof[:at] + extra + "\n\n" + proof[at:]
    violations = screen(candidate)
    assert Category.FORBIDDEN in [v.category for v in violations], violations
    assert any(word.strip("#@[") in v.message or v.message.startswith("uses the command") for v in violations)


def test_native_constructs_pass_in_the_native_track_only():
    proof = with_proof("bv_decide", MBA)
    assert categories(proof, record=MBA) == [Category.FORBIDDEN]
    assert screen(proof, record=MBA, track=Track.NATIVE) == []
    assert screen(with_proof("native_decide"), track=Track.NATIVE) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("halts 6 := by", "halts 7 := by"),  # the claim
        ("theorem bb_halts_0001 : halts 6", "theorem bb_halts_0001 : halts 6 ∨ True"),
        ("theorem bb_halts_0001 :", "theorem bb_halts_0001 (h : False) :"),  # extra hypothesis
        ("def halts (n : Nat) : Prop := n = 6", "def halts (n : Nat) : Prop := True"),  # a definition
        ("theorem bb_halts_0001", "theorem bb_halts_0002"),  # the name
    ],
)
def test_statement_tampering_is_rejected(old, new):
    candidate = with_proof("rfl")
    assert old in candidate
    tampered = candidate.replace(old, new, 1)
    assert Category.STATEMENT_CHANGED in categories(tampered)


def test_redeclaring_a_challenge_definition_after_the_preamble_is_rejected():
    proof = with_proof("rfl")
    at = proof.index("theorem " + BB["theorem_name"])
    candidate = proof[:at] + "def halts' := 1\ndef step (n : Nat) : Nat := n\n\n" + proof[at:]
    violations = screen(candidate)
    assert [v.category for v in violations] == [Category.STATEMENT_CHANGED]
    assert "step" in violations[0].message


def test_whitespace_and_comments_in_the_statement_do_not_matter():
    candidate = with_proof("rfl").replace("theorem bb_halts_0001 : halts 6", "theorem  bb_halts_0001\n    : -- claim\n  halts   6")
    assert screen(candidate) == []


def test_a_duplicated_theorem_is_rejected():
    candidate = with_proof("rfl") + "\ntheorem bb_halts_0001 : halts 6 := rfl\n"
    assert Category.STATEMENT_CHANGED in categories(candidate)


def test_helper_lemmas_are_allowed():
    proof = with_proof("exact helper")
    at = proof.index("theorem " + BB["theorem_name"])
    candidate = proof[:at] + "theorem helper : halts 6 := rfl\n\n" + proof[at:]
    assert screen(candidate) == []


def test_blanking_keeps_positions_and_handles_nesting():
    text = 'a /- x /- y -/ z -/ b -- c\n"s\\"t" \'q\' h\' r#"raw "sorry""#'
    blanked = blank_comments_and_strings(text)
    assert len(blanked) == len(text)
    assert blanked.split() == ["a", "b", '"', '"', "'", "'", "h'", 'r#"', '"#']
    assert blank_comments_and_strings("/- unterminated sorry").strip() == ""


def _lexed(text: str) -> list[tuple[str, str]]:
    from axiomforge.lean.source import lex

    result = lex(text)
    assert result.error is None, result.error
    return [(t.kind, t.name or t.text) for t in result.tokens]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('def «"» := 1', [("ident", "def"), ("ident", '"'), ("symbol", ":"), ("symbol", "="), ("number", "1")]),
        ("«--» x", [("ident", "--"), ("ident", "x")]),
        ("«/-» x «-/»", [("ident", "/-"), ("ident", "x"), ("ident", "-/")]),
        ("/- a /- b -/ c -/ d", [("ident", "d")]),
        ("/-- doc /- nested -/ -/ e", [("ident", "e")]),
        ("x -- comment «\ny", [("ident", "x"), ("ident", "y")]),
        ('"a\\"b" c', [("string", '"a\\"b"'), ("ident", "c")]),
        ('"a\\\\" c', [("string", '"a\\\\"'), ("ident", "c")]),
        ("'a' h' '\\n' '\\x41'", [("char", "'a'"), ("ident", "h'"), ("char", "'\\n'"), ("char", "'\\x41'")]),
        ('r#"a"b"# c', [("raw_string", 'r#"a"b"#'), ("ident", "c")]),
        ('r"\\" d', [("raw_string", 'r"\\"'), ("ident", "d")]),
        ('s!"x{y}z{"w"}"', [("ident", "s!"), ("interpolated", '"x{'), ("ident", "y"), ("interpolated", "}z{"),
                            ("string", '"w"'), ("interpolated", '}"')]),
        ('s!"{ {a := 1}.a }"', [("ident", "s!"), ("interpolated", '"{'), ("symbol", "{"), ("ident", "a"), ("symbol", ":"),
                               ("symbol", "="), ("number", "1"), ("symbol", "}"), ("symbol", "."), ("ident", "a"),
                               ("interpolated", '}"')]),
        ("sorryλ", [("ident", "sorry"), ("symbol", "λ")]),
        ("αβ x₁ 𝔽", [("ident", "αβ"), ("ident", "x₁"), ("ident", "𝔽")]),
        ("Lean.«ofReduceBool»", [("ident", "Lean.ofReduceBool")]),
        ("«debug».skipKernelTC", [("ident", "debug.skipKernelTC")]),
        ("h.1 2#8 0xff 1.5e3", [("ident", "h"), ("symbol", "."), ("number", "1"), ("number", "2"), ("symbol", "#"),
                                ("number", "8"), ("number", "0xff"), ("number", "1.5e3")]),
        ("`foo.«bar» x", [("name", "foo.bar"), ("ident", "x")]),
        ("f(--c\n)", [("ident", "f"), ("symbol", "("), ("symbol", ")")]),
        ("exact?  simp!", [("ident", "exact?"), ("ident", "simp!")]),
    ],
)
def test_the_lexer_reads_tricky_sources_as_lean_does(source, expected):
    assert _lexed(source) == expected


def test_identifier_character_classes_agree_with_leans_predicates():
    """The lexer's regular expressions are the spelled-out `is_id_first`/`is_id_rest` (Lean's
    `isIdFirst`/`isIdRest`: ASCII letters, `_`, letter-like blocks, subscripts, `'!?`)."""
    from axiomforge.lean import source

    points = [*range(0, 0x2200), *range(0x1D400, 0x1D600)]
    for code in points:
        c = chr(code)
        assert bool(source._ID_FIRST_RE.fullmatch(c)) == source.is_id_first(c), hex(code)
        assert bool(source._ID_PART_RE.fullmatch("a" + c)) == source.is_id_rest(c), hex(code)
    assert not source.is_id_first("λ") and not source.is_id_first("Π") and not source.is_id_first("Σ")
    assert source.is_id_first("α") and source.is_id_rest("₁") and not source.is_id_first("é")


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("/- never closed", "unterminated comment"),
        ('"never closed', "unterminated string"),
        ("«never closed", "unterminated identifier"),
        ("'ab'", "missing end of character"),
        ('"\\q"'[:0] + '"\\q"', "escape"),
        ("a <--b", "glued"),
        ("a \\/- b -/", "glued"),
        ('s!"{x"', "unterminated"),
        ("1e", "exponent"),
    ],
)
def test_the_lexer_refuses_what_it_cannot_read_safely(source, problem):
    from axiomforge.lean.source import lex

    error = lex(source).error
    assert error is not None and problem in error.message


def test_last_lean_block_is_extracted():
    answer = "plan...\n```lean4\nfirst\n```\ntext\n```python\nx\n```\n```lean\ntheorem a : True := trivial\n```\nbye"
    assert extract_last_lean_block(answer) == "theorem a : True := trivial\n"
    assert extract_last_lean_block("no code") is None
    assert extract_last_lean_block("```lean4\ncut off by max_tokens") == "cut off by max_tokens"
    nested = "````lean\n-- shows a fence:\n```\nx\n```\nrfl\n````\n```lean\n```"
    assert extract_last_lean_block(nested.rsplit("\n```lean", 1)[0]) == "-- shows a fence:\n```\nx\n```\nrfl\n"
    assert extract_last_lean_block("a\r\n```lean4\r\nb\r\n```\r\n") == "b\n"
    assert extract_last_lean_block("~~~lean\nc\n~~~") == "c\n"


def test_answers_without_the_preamble_are_appended_to_it():
    block = "theorem bb_halts_0001 : halts 6 := by\n  rfl\n"
    candidate = candidate_from_answer(BB["lean"], BB["theorem_name"], block)
    assert candidate.startswith(BB["lean"].split("theorem bb_halts_0001")[0].rstrip())
    assert screen(candidate) == []
    bare = candidate_from_answer(BB["lean"], BB["theorem_name"], "by\n  rfl")
    assert screen(bare) == []
    restated = "def halts (n : Nat) : Prop := True\ntheorem bb_halts_0001 : halts 6 := trivial\n"
    assert Category.STATEMENT_CHANGED in categories(candidate_from_answer(BB["lean"], BB["theorem_name"], restated))


# -- judging a Lean run ------------------------------------------------------------------------


def test_lean_output_parsing_json_and_text():
    out = (
        '{"severity":"error","pos":{"line":3,"column":2},"endPos":null,"data":"unsolved goals\\n⊢ False","fileName":"C.lean"}\n'
        "C.lean:9:0: warning: declaration uses 'sorry'\n"
        "C.lean:12:0: 'thm' depends on axioms: [propext,\n Classical.choice, Quot.sound]\n"
    )
    msgs = parse_lean_output(out)
    assert [m.severity for m in msgs] == ["error", "warning", "information"]
    assert msgs[0] == LeanMessage("error", 3, 2, "unsolved goals\n⊢ False")
    assert parse_axioms(msgs[2].text, "thm") == ["Classical.choice", "Quot.sound", "propext"]
    assert parse_axioms("'thm' does not depend on any axioms", "thm") == []
    assert parse_axioms("nothing", "thm") is None
    assert parse_axioms("'Clean.thm' depends on axioms: [propext]", "thm") is None  # a decoy's answer


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("unexpected token 'at'; expected term", Category.PARSE),
        ("unterminated comment", Category.PARSE),
        ("type mismatch\n  h\nhas type\n  A\nbut is expected to have type\n  B", Category.TYPE_MISMATCH),
        ("unsolved goals\n⊢ False", Category.TACTIC_FAILURE),
        ("tactic 'decide' failed for proposition", Category.TACTIC_FAILURE),
        ("(deterministic) timeout at `whnf`, maximum number of heartbeats (200000) has been reached", Category.TIMEOUT),
        ("unknown identifier 'foo'", Category.ELABORATION),
        ("failed to synthesize\n  HAdd Nat Bool ?m", Category.ELABORATION),
    ],
)
def test_error_taxonomy(message, category):
    assert classify_error(message) is category


def test_judging_axioms_and_signatures():
    ok = ["propext", "Quot.sound"]
    assert judge_lean_messages([], ok, "t", Track.STANDARD, "sig", "sig") is None
    assert judge_lean_messages([], [], "t", Track.STANDARD) is None
    native = judge_lean_messages([], ["Lean.ofReduceBool"], "t", Track.STANDARD)
    assert native is not None and native.category is Category.FORBIDDEN and "native track" in native.message
    assert judge_lean_messages([], ["Lean.ofReduceBool", "propext"], "t", Track.NATIVE) is None
    assert judge_lean_messages([], ["cheat"], "t", Track.NATIVE).category is Category.FORBIDDEN
    assert judge_lean_messages([], ["sorryAx"], "t", Track.STANDARD).category is Category.FORBIDDEN
    sorry_warning = [LeanMessage("warning", 5, 0, "declaration uses 'sorry'")]
    assert judge_lean_messages(sorry_warning, ok, "t", Track.STANDARD).category is Category.FORBIDDEN
    changed = judge_lean_messages([], ok, "t", Track.STANDARD, "t : False", "t : True")
    assert changed.category is Category.STATEMENT_CHANGED
    assert judge_lean_messages([], None, "t", Track.STANDARD).category is Category.CHECKER_ERROR
    errors = [LeanMessage("error", 9, 0, "unknown identifier 'x'"), LeanMessage("error", 2, 4, "unsolved goals")]
    first = judge_lean_messages(errors, ok, "t", Track.STANDARD)
    assert (first.category, first.line) == (Category.TACTIC_FAILURE, 2)


@pytest.mark.lean
def test_real_lean_accepts_and_rejects(tmp_path):
    from axiomforge.lean.checker import CheckJob, LeanChecker
    from axiomforge.lean.toolchain import find_lean_toolchain

    toolchain = find_lean_toolchain()
    assert toolchain is not None
    checker = LeanChecker(toolchain, timeout_s=120, memory_mb=0, workers=2)
    challenge = "def double (n : Nat) : Nat := n + n\n\ntheorem double_two : double 2 = 4 := by\n  sorry\n"
    statement = "theorem double_two : double 2 = 4"
    good = insert_tactics(challenge, "rfl")
    wrong = insert_tactics(challenge, "exact Nat.le_refl 3")
    sneaky = insert_tactics(challenge, "exact cheat").replace("theorem double_two", "axiom cheat : double 2 = 4\n\ntheorem double_two")
    sorry = challenge
    results = checker.check_many([CheckJob(t, "double_two", challenge) for t in (good, wrong, sneaky, sorry)])
    assert results[0].accepted, results[0]
    assert not results[1].accepted and results[1].category in ("type_mismatch", "tactic_failure")
    assert not results[2].accepted and "cheat" in results[2].message
    assert not results[3].accepted and results[3].category == "forbidden_construct"
    assert screen_source(good, challenge, "double_two", statement) == []


# -- the hostile corpus ------------------------------------------------------------------------

from hostile_corpus import CORPUS, LEGIT_PROOF, Hostile, build_candidate  # noqa: E402
from hostile_corpus import load_challenges as load_hostile_challenges  # noqa: E402

HOSTILE_CHALLENGES = load_hostile_challenges()
CORPUS_CLASSES = {
    "lexer:guillemet", "lexer:raw-string", "lexer:char", "lexer:string", "lexer:interpolation", "lexer:comment",
    "deny:sorry", "deny:native", "deny:set_option", "deny:syntax", "deny:attribute", "deny:command",
    "statement", "answer",
}


def test_the_hostile_corpus_is_large_and_covers_every_class():
    assert len(CORPUS) >= 80
    assert len({e.id for e in CORPUS}) == len(CORPUS)
    assert {e.cls for e in CORPUS} == CORPUS_CLASSES
    assert {e.kind for e in CORPUS} == set(HOSTILE_CHALLENGES)


@pytest.mark.parametrize("entry", CORPUS, ids=lambda e: e.id)
def test_every_hostile_candidate_is_rejected_by_the_screen(entry: Hostile):
    record = HOSTILE_CHALLENGES[entry.kind]
    violations = screen(build_candidate(entry, record), record, Track(entry.track))
    assert violations, entry.id
    want = entry.want.replace("THM", record["theorem_name"])
    assert any(want in v.message for v in violations), violations


@pytest.mark.parametrize("kind", sorted(LEGIT_PROOF))
@pytest.mark.parametrize(
    ("mode", "text"),
    [
        ("tactic", "LEGIT"),
        ("before", "theorem helper_fact : True := trivial"),
        ("before", "@[simp] theorem helper_fact : 1 + 1 = 2 := rfl"),
        ("after", "example : True := trivial"),
        ("answer", "```lean4\nSTMT := by\n  LEGIT\n```"),
        ("answer", "````lean4\r\nSTMT := by\r\n  LEGIT\r\n````\r\n"),
    ],
)
def test_legitimate_candidates_built_like_the_corpus_pass(kind, mode, text):
    """The corpus harness itself does not reject everything: the same shapes with honest text pass."""
    record = HOSTILE_CHALLENGES[kind]
    entry = Hostile("legit", "legit", kind, mode, text.replace("LEGIT", LEGIT_PROOF[kind]), "")
    track = Track.NATIVE if kind == "mba_native" else Track.STANDARD
    assert screen(build_candidate(entry, record), record, track) == []


def test_the_generators_own_proofs_of_fresh_challenges_pass_the_screen(tmp_path, capsys):
    """The screen is strict, not hostile to honest work: every proof the generators give for a
    freshly generated set (certificate proofs and reference proofs) passes it."""
    from axiomforge.cli import main
    from axiomforge.generators import proof_from_certificate

    checked = 0
    for domain, count in (("bb", 20), ("mba", 10)):
        out = tmp_path / domain
        assert main(["gen", domain, "--count", str(count), "--seed", "3", "--out", str(out)]) == 0
        for line in (out / "challenges.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            for tactics in {proof_from_certificate(record), record.get("reference_proof")} - {None}:
                track = Track.NATIVE if "native" in record.get("lean_features", []) else Track.STANDARD
                assert screen(insert_tactics(record["lean"], tactics), record, track) == [], (record["id"], tactics)
                checked += 1
    capsys.readouterr()
    assert checked >= 15


@pytest.mark.parametrize(
    "extra",
    [
        '#eval IO.println "pwned"',
        "run_cmd pure ()",
        "initialize pure ()",
        'elab "x" : term => pure (Lean.mkNatLit 0)',
        "@[implemented_by id] def f (n : Nat) : Nat := n",
        "@[tactic Lean.Parser.Tactic.decide] def fakeDecide : Lean.Elab.Tactic.Tactic := fun _ => pure ()",
    ],
)
def test_a_challenge_that_would_run_code_is_refused_before_any_lean_run(extra):
    from axiomforge.lean.policy import screen_challenge

    challenge = BB["lean"].replace("theorem bb_halts_0001", extra + "\n\ntheorem bb_halts_0001")
    assert screen_challenge(challenge) and all(v.category is Category.CHECKER_ERROR for v in screen_challenge(challenge))
    verdict = screen_source(insert_tactics(challenge, "rfl"), challenge, BB["theorem_name"], BB["lean_statement"])
    assert verdict and verdict[0].category is Category.CHECKER_ERROR and "challenge itself" in verdict[0].message
    assert screen_challenge(BB["lean"]) == [] and screen_challenge(MBA["lean"]) == []
