"""The prover benchmark: challenge sets in, prover attempts checked by Lean, pass@k reports out.

Stages, one module each: `challenges` (load a set) -> `plugins` (provers make attempts) ->
`axiomforge.lean` (assemble, screen, check) -> `store` (SQLite, resumable) -> `metrics` (pass@k)
-> `report` (Markdown, HTML, JSONL). `runner` wires them together.
"""
