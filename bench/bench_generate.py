"""Benchmark: generate a synthetic population and write its CSV files (about 25 rows per family).

40,000 families give about a million contact rows; the target is 20 s for
generation plus writing on a two-core machine.
"""

from __future__ import annotations

import tempfile

from bench.common import Measurement, measure
from journey.synthetic import generate, write_population


def _generate_and_write(families: int, folder: str) -> None:
    write_population(generate(families, seed=7), folder)


def run() -> list[Measurement]:
    """Time generate + write_population for 2,000 and 40,000 families (median of 3 runs)."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for families, target in ((2_000, 2.0), (40_000, 20.0)):
            results.append(
                measure(
                    f"generate+write {families:,} families",
                    lambda families=families: _generate_and_write(families, folder),
                    repeat=3,
                    target_s=target,
                )
            )
    return results


if __name__ == "__main__":
    run()
