"""Proofs users can trust and read: the independent checker, the HTML site and the Lean export.

Nothing here imports the engine (`axiomforge.logic`): the only contract is docs/proof-format.md.
"""
