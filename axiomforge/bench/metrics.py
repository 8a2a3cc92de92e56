"""pass@k: the unbiased estimator, per task and averaged over groups of tasks.

For a task with n samples of which c are correct, pass@k = 1 - C(n-c, k) / C(n, k): the chance
that k samples drawn without replacement from the n include a correct one (Chen et al. 2021).
It is computed with exact integers and one rational division, so there is no cancellation or
overflow whatever n is; the float comes last.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

DEFAULT_KS = (1, 8, 32)


def pass_at_k_exact(n: int, c: int, k: int) -> Fraction:
    """The unbiased estimator as an exact fraction; requires 0 <= c <= n and 1 <= k <= n."""
    if not (0 <= c <= n) or not (1 <= k <= n):
        raise ValueError(f"pass@k needs 0 <= c <= n and 1 <= k <= n (n={n}, c={c}, k={k})")
    if n - c < k:
        return Fraction(1)
    return 1 - Fraction(math.comb(n - c, k), math.comb(n, k))


def pass_at_k(n: int, c: int, k: int) -> float:
    return float(pass_at_k_exact(n, c, k))


def applicable_ks(samples: Iterable[int], ks: Sequence[int] = DEFAULT_KS) -> list[int]:
    """The ks that every task supports (k <= the smallest sample count)."""
    counts = list(samples)
    if not counts:
        return []
    smallest = min(counts)
    return [k for k in sorted(set(ks)) if 1 <= k <= smallest]


@dataclass(frozen=True)
class GroupScore:
    tasks: int
    samples: int
    correct: int
    pass_at: dict[int, float]


def group_pass_at_k(per_task: Sequence[tuple[int, int]], ks: Sequence[int] = DEFAULT_KS) -> GroupScore:
    """Mean pass@k over tasks given as (n, c); ks larger than some task's n are left out."""
    usable = applicable_ks((n for n, _ in per_task), ks)
    scores = {
        k: float(sum((pass_at_k_exact(n, c, k) for n, c in per_task), Fraction(0)) / len(per_task)) for k in usable
    }
    return GroupScore(
        tasks=len(per_task),
        samples=sum(n for n, _ in per_task),
        correct=sum(c for _, c in per_task),
        pass_at=scores,
    )
