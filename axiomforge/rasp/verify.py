"""Agreement between the interpreter (the reference) and a compiled model.

Every input up to `max_len` over the vocabulary when there are at most `exhaustive_limit` of
them, else a stated number of uniformly random inputs per length (seeded). Inputs on which the
interpreter raises `RaspRuntimeError` are outside the program's domain and are counted apart.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from axiomforge.rasp import ir
from axiomforge.rasp.errors import RaspRuntimeError
from axiomforge.rasp.interpreter import evaluate


@dataclass
class Agreement:
    lengths: list[int]
    exhaustive: bool
    sequences: int = 0
    sequences_agree: int = 0
    positions: int = 0
    positions_agree: int = 0
    out_of_domain: int = 0
    samples_per_length: int | None = None
    mismatches: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sequence_rate(self) -> float:
        return self.sequences_agree / self.sequences if self.sequences else 1.0

    @property
    def position_rate(self) -> float:
        return self.positions_agree / self.positions if self.positions else 1.0

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["sequence_agreement"] = self.sequence_rate
        data["position_agreement"] = self.position_rate
        return data


def inputs_for_length(vocab: Sequence[Any], n: int, limit: int, rng: random.Random) -> tuple[list[list[Any]], bool]:
    total = len(vocab) ** n
    if total <= limit:
        return [list(s) for s in itertools.product(vocab, repeat=n)], True
    return [[rng.choice(list(vocab)) for _ in range(n)] for _ in range(limit)], False


def check_agreement(program: ir.SOp, model: Any, vocab: Sequence[Any], lengths: Sequence[int],
                    causal: bool = False, exhaustive_limit: int = 100_000, samples: int = 1000,
                    seed: int = 0, batch: int = 4096, keep_mismatches: int = 5) -> Agreement:
    rng = random.Random(seed)
    result = Agreement(list(lengths), True)
    budget_each = exhaustive_limit
    memo: dict[Any, Any] = {}
    for n in lengths:
        seqs, complete = inputs_for_length(vocab, n, budget_each, rng)
        if not complete:
            seqs = [[rng.choice(list(vocab)) for _ in range(n)] for _ in range(samples)]
            result.exhaustive = False
            result.samples_per_length = samples
        expected: list[list[Any] | None] = []
        for s in seqs:
            try:
                expected.append(evaluate(program, s, causal, memo))
            except RaspRuntimeError:
                expected.append(None)
        for start in range(0, len(seqs), batch):
            chunk = seqs[start : start + batch]
            got = model.run(chunk)
            for s, want, have in zip(chunk, expected[start : start + batch], got):
                if want is None:
                    result.out_of_domain += 1
                    continue
                result.sequences += 1
                same = [_same(w, h) for w, h in zip(want, have)]
                result.positions += len(same)
                result.positions_agree += sum(same)
                if all(same):
                    result.sequences_agree += 1
                elif len(result.mismatches) < keep_mismatches:
                    result.mismatches.append({"input": s, "expected": [repr(v) for v in want],
                                              "model": [repr(v) for v in have]})
    return result


def _same(want: Any, have: Any) -> bool:
    if want is None or have is None:
        return want is None and have is None
    if type(want) is bool or type(have) is bool:  # True and 1 are different RASP values
        return type(want) is type(have) and want == have
    return bool(want == have)


def same_outputs(want: Sequence[Any], have: Sequence[Any]) -> bool:
    """Whether two output sequences agree value by value (True and 1 differ)."""
    return len(want) == len(have) and all(_same(w, h) for w, h in zip(want, have))
