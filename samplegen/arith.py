"""Whole-number arithmetic shared by every part of the sample generator.

Why a module of its own: the sample must come out byte for byte the same on every machine and
every run, so no float ever decides a count. Every split of a total goes through `allocate` or
`spread` (the parts always add up to the total exactly), every rate through `permille` or `scale`
(rounded half up, not Python's half to even), every move between two periods through `between`.
Keeping them together makes the rounding rules one thing to review, and lets the annual, 2025,
sub-annual and test code use exactly the same ones.
"""

from __future__ import annotations


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split a whole `total` in proportion to whole `weights` (largest remainder, ties to the first).

    A part is never above its weight when `total <= sum(weights)`: the floor of total × w / Σw is at
    most w, and is below w whenever a remainder adds one.
    """
    whole = sum(weights)
    if total and not whole:
        raise ValueError(f"cannot split {total} over zero weights")
    if not total:
        return [0] * len(weights)
    shares = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda k: (-(total * weights[k] % whole), k))
    for k in order[: total - sum(shares)]:
        shares[k] += 1
    return shares


def permille(n: int, rate: int) -> int:
    """n × rate / 1000, rounded half up, never below 0."""
    return max(0, (n * rate + 500) // 1000)


def jitter(weights: list[int], salt: int) -> list[int]:
    """Deterministic variation of weights, so that small counts do not always land in one commune."""
    return [w * (10 + (3 * k + 7 * salt) % 9) for k, w in enumerate(weights)]


def scale(n: int, new: int, old: int) -> int:
    """n × new / old, rounded half up (n unchanged when old is 0)."""
    return (2 * n * new + old) // (2 * old) if old else n


def narrow(whole: int, whole_before: int, part_before: int, gap: int) -> int:
    """A part within its whole whose shortfall (whole - part before) shrinks to `gap` permille."""
    return whole - min(whole, permille(max(0, whole_before - part_before), gap))


def between(before: int, after: int, step: int, steps: int) -> int:
    """The value `step` steps of `steps` of the way from `before` to `after`, rounded half up:
    `between(a, b, steps, steps) == b`, and the result never leaves the range of `a` and `b`."""
    return (2 * (before * steps + (after - before) * step) + steps) // (2 * steps)


def spread(total: int, parts: int, salt: int) -> list[int]:
    """Split `total` into `parts` near-equal whole parts that add up to it exactly; the parts that get
    one more are chosen by `salt`, so that over many rows no period is always the larger one."""
    base, extra = divmod(total, parts)
    more = {(salt + j) % parts for j in range(extra)}
    return [base + (k in more) for k in range(parts)]
