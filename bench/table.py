"""Printing a benchmark's results: percentiles and a plain text table."""

from __future__ import annotations

from collections.abc import Sequence


def p(values: Sequence[float], q: float) -> float:
    """The q-quantile (0.5: the median) of ``values``, nearest rank; NaN when there are none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(r[i]) for r in [*rows, header]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)))
