"""Regenerate nbcloud/runtime/sample_data (`python nbcloud/runtime/make_sample_data.py`) (small stand-ins for Colab's /content/sample_data).

Deterministic: the same files every run. Anscombe's quartet is the real data set; the housing
and digit files are synthetic samples with the columns and layout of Colab's files.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "sample_data"

ANSCOMBE_X = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5]
ANSCOMBE = {
    "I": (ANSCOMBE_X, [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68]),
    "II": (ANSCOMBE_X, [9.14, 8.14, 8.74, 8.77, 9.26, 8.10, 6.13, 3.10, 9.13, 7.26, 4.74]),
    "III": (ANSCOMBE_X, [7.46, 6.77, 12.74, 7.11, 7.81, 8.84, 6.08, 5.39, 8.15, 6.42, 5.73]),
    "IV": ([8, 8, 8, 8, 8, 8, 8, 19, 8, 8, 8], [6.58, 5.76, 7.71, 8.84, 8.47, 7.04, 5.25, 12.50, 5.56, 7.91, 6.89]),
}

# 5x7 bitmaps of the digits, scaled into 28x28 images like MNIST's.
FONT = {
    0: ["01110", "10001", "10011", "10101", "11001", "10001", "01110"],
    1: ["00100", "01100", "00100", "00100", "00100", "00100", "01110"],
    2: ["01110", "10001", "00001", "00010", "00100", "01000", "11111"],
    3: ["11110", "00001", "00001", "01110", "00001", "00001", "11110"],
    4: ["00010", "00110", "01010", "10010", "11111", "00010", "00010"],
    5: ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
    6: ["00110", "01000", "10000", "11110", "10001", "10001", "01110"],
    7: ["11111", "00001", "00010", "00100", "01000", "01000", "01000"],
    8: ["01110", "10001", "10001", "01110", "10001", "10001", "01110"],
    9: ["01110", "10001", "10001", "01111", "00001", "00010", "01100"],
}

HOUSING_HEADER = ("longitude,latitude,housing_median_age,total_rooms,total_bedrooms,population,households,"
                  "median_income,median_house_value")


def housing(rng: random.Random, n: int) -> str:
    lines = [HOUSING_HEADER]
    for _ in range(n):
        lon = round(rng.uniform(-124.3, -114.3), 2)
        lat = round(rng.uniform(32.5, 42.0), 2)
        age = float(rng.randint(1, 52))
        households = float(rng.randint(50, 1500))
        rooms = float(round(households * rng.uniform(3.5, 7.0)))
        bedrooms = float(round(rooms * rng.uniform(0.17, 0.25)))
        population = float(round(households * rng.uniform(2.0, 3.5)))
        income = round(rng.lognormvariate(1.25, 0.45), 4)
        value = float(min(500001, round(income * 42000 + rng.uniform(-30000, 60000) + 50000, -2)))
        lines.append(f"{lon},{lat},{age},{rooms},{bedrooms},{population},{households},{income},{value}")
    return "\n".join(lines) + "\n"


def digit(rng: random.Random, label: int) -> list[int]:
    img = [[0] * 28 for _ in range(28)]
    dx, dy = rng.randint(-2, 2), rng.randint(-2, 2)
    for r, row in enumerate(FONT[label]):
        for c, bit in enumerate(row):
            if bit == "1":
                for y in range(3):
                    for x in range(3):
                        yy, xx = 4 + r * 3 + y + dy, 6 + c * 3 + x + dx
                        if 0 <= yy < 28 and 0 <= xx < 28:
                            img[yy][xx] = max(img[yy][xx], rng.randint(180, 255))
    return [v for row in img for v in row]


def mnist(rng: random.Random, n: int) -> str:
    rows = []
    for i in range(n):
        label = i % 10
        rows.append(",".join(map(str, [label, *digit(rng, label)])))
    return "\n".join(rows) + "\n"


README = """This directory includes a few small sample datasets to get you started.

*   `california_housing_train.csv` and `california_housing_test.csv` have the columns of the
    1990 California housing data (one row per block group); the rows here are a small
    synthetic sample, enough to try pandas and plotting.

*   `mnist_train_small.csv` and `mnist_test.csv` are digit images in MNIST's CSV layout: the
    label, then 784 pixel values (28x28, row by row) in 0-255. The digits here are drawn from
    a simple font, a small stand-in for the real data set.

*   `anscombe.json` contains a copy of
    [Anscombe's quartet](https://en.wikipedia.org/wiki/Anscombe%27s_quartet); it was
    originally described in

    Anscombe, F. J. (1973). 'Graphs in Statistical Analysis'. American
    Statistician. 27 (1): 17-21. JSTOR 2682899.
"""


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1990)
    (OUT / "README.md").write_text(README)
    records = [{"Series": s, "X": x, "Y": y} for s, (xs, ys) in ANSCOMBE.items() for x, y in zip(xs, ys, strict=True)]
    (OUT / "anscombe.json").write_text(json.dumps(records, indent=2) + "\n")
    (OUT / "california_housing_train.csv").write_text(housing(rng, 300))
    (OUT / "california_housing_test.csv").write_text(housing(rng, 100))
    (OUT / "mnist_train_small.csv").write_text(mnist(rng, 100))
    (OUT / "mnist_test.csv").write_text(mnist(rng, 30))


if __name__ == "__main__":
    main()
