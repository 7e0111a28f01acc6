"""Builds one notebook per seed tutorial from its code blocks, verbatim and in order.

    .venv/bin/python tests/seeds/build.py [SEEDS_DIR]          # (re)write tests/seeds/*.ipynb
    .venv/bin/python tests/seeds/build.py --check [SEEDS_DIR]  # exit 1 if they differ

SEEDS_DIR defaults to ``shared/seeds`` beside the checkout (``../shared/seeds``). The committed
notebooks are what the tests run; this script only says how they were made.

Each notebook starts with a markdown cell naming its seed file and listing the blocks that are
not notebook code (commands for a terminal, JavaScript for the browser console, a log the
tutorial shows). Every other block becomes one code cell with the id ``block-NN`` (NN counts
the code cells from 01), its text exactly as the tutorial has it: odd indentation, prose that
slipped into a block and all.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
DEFAULT_SEEDS = HERE.parents[2] / "shared" / "seeds"


@dataclass(frozen=True)
class Seed:
    file: str  # the seed's file name
    notebook: str  # the notebook's file name in tests/seeds
    title: str
    syntax: str  # "indented" (markdown, 4-space code blocks), "fenced" (markdown ```), "rst"


SEEDS = (
    Seed("000_ee201e11310ae41e.txt", "000_deep_learning_quickstart.ipynb",
         "人工智慧期末報告-在 Google Colab 中快速实践深度学习", "indented"),
    Seed("001_a3c683d2e284aa95.txt", "001_colab_tutorial_tf2.ipynb", "Colab教程", "fenced"),
    Seed("002_3a5ff2c01c249f66.txt", "002_colab_and_pytorch_tutorial.ipynb",
         "Colab Tutorial and PyTorch Tutorial", "fenced"),
    Seed("003_c4c1d13373be13f0.txt", "003_colab_gpu_keras_fashion_mnist.ipynb", "Colab", "rst"),
    Seed("004_b0a70bdc119a0213.txt", "004_colab_drive_kaggle_tpu.ipynb", "Google Colab & Drive / Kaggle", "fenced"),
)

# Blocks that are not code for a notebook, found by how they start, and why.
NOT_CODE = (
    ("pip install jupyter_http_over_ws", "shell commands for a terminal on your own machine (they let Colab "
     "connect to a local Jupyter server)"),
    ("jupyter notebook \\", "a shell command for a terminal on your own machine (starts a local Jupyter server)"),
    ("function ClickConnect()", "JavaScript for the browser's developer console (keeps a Colab tab connected)"),
    ("WARNING:tensorflow:Keras support is now deprecated", "the log the tutorial's TPU training printed: "
     "output to read, not code to run"),
)


def _indented_blocks(lines: list[str]) -> list[tuple[str, str]]:
    """Markdown indented code blocks: after a blank line, lines indented 4+ spaces (and blank
    lines between them); 4 spaces come off each line."""
    blocks: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        starts = line.startswith("    ") and line.strip() and (i == 0 or not lines[i - 1].strip())
        if not starts:
            i += 1
            continue
        body: list[str] = []
        while i < len(lines) and (not lines[i].strip() or lines[i].startswith("    ")):
            body.append(lines[i][4:] if lines[i].strip() else "")
            i += 1
        while body and not body[-1]:
            body.pop()
        blocks.append(("", "\n".join(body)))
    return blocks


def _fenced_blocks(lines: list[str]) -> list[tuple[str, str]]:
    blocks: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        opening = re.match(r"^```\s*([\w+-]*)\s*$", lines[i])
        if not opening:
            i += 1
            continue
        i += 1
        body: list[str] = []
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        i += 1
        blocks.append((opening.group(1), "\n".join(body).strip("\n")))
    return blocks


def _rst_blocks(lines: list[str]) -> list[tuple[str, str]]:
    """``.. code::`` / ``.. code:: python`` directives and their indented body."""
    blocks: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        directive = re.match(r"^\.\. code::\s*(\w*)\s*$", lines[i])
        if not directive:
            i += 1
            continue
        i += 1
        body: list[str] = []
        while i < len(lines) and (not lines[i].strip() or lines[i].startswith("    ")):
            body.append(lines[i][4:] if lines[i].strip() else "")
            i += 1
        blocks.append((directive.group(1), "\n".join(body).strip("\n")))
    return blocks


def code_blocks(seed: Seed, text: str) -> list[tuple[str, str]]:
    """The seed's code blocks in order, as (language or "", text)."""
    lines = text.split("\n")
    return {"indented": _indented_blocks, "fenced": _fenced_blocks, "rst": _rst_blocks}[seed.syntax](lines)


def not_code_reason(text: str) -> str | None:
    for start, reason in NOT_CODE:
        if text.lstrip().startswith(start):
            return reason
    return None


def notebook(seed: Seed, text: str) -> nbformat.NotebookNode:
    cells, skipped = [], []
    for lang, body in code_blocks(seed, text):
        reason = not_code_reason(body)
        if reason:
            skipped.append((lang, body, reason))
            continue
        cell = nbformat.v4.new_code_cell(body)
        cell.id = f"block-{len(cells) + 1:02d}"
        cells.append(cell)
    intro = [
        f"# Seed `{seed.file}`: {seed.title}",
        "",
        f"The code blocks of the seed tutorial `{seed.file}`, copied verbatim and in order, one cell each "
        "(`tests/seeds/build.py` makes this notebook). `tests/test_seed_notebooks.py` and "
        "`tests/e2e/test_seed_stories.py` run it through nbcloud and check what each block shows.",
    ]
    if skipped:
        intro += ["", "Not notebook code (left out):"]
        for lang, body, reason in skipped:
            intro += ["", f"- {reason}:", "", f"  ```{lang}"] + [f"  {line}" if line else "" for line in body.split("\n")]
            intro += ["  ```"]
    head = nbformat.v4.new_markdown_cell("\n".join(intro))
    head.id = "seed"
    nb = nbformat.v4.new_notebook()
    nb.cells = [head, *cells]
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "colab": {"provenance": []},
    }
    nbformat.validate(nb)
    return nb


def render(seed: Seed, seeds_dir: Path) -> str:
    return nbformat.writes(notebook(seed, (seeds_dir / seed.file).read_text(encoding="utf-8"))) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    seeds_dir = Path(args[0]) if args else DEFAULT_SEEDS
    stale = []
    for seed in SEEDS:
        text = render(seed, seeds_dir)
        target = HERE / seed.notebook
        if check:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(seed.notebook)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(HERE.parents[1])}")
    if stale:
        print("out of date (run tests/seeds/build.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
