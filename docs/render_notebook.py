"""Execute docs/notebook.ipynb in a Jupyter kernel and render it to docs/notebook.png.

    python docs/render_notebook.py                  # starts a local server for the run
    python docs/render_notebook.py --url grpc://host:8815

The notebook runs with nbclient against a sparkflight server (its first cell reads the
server's URL from ``SPARKFLIGHT_URL``); the executed notebook is saved in place and its
cells are drawn with Pillow: code, text results, HTML tables, display lines and errors.
No browser is needed. Needs the ``test`` extra (nbclient, ipykernel) and Pillow.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "notebook.ipynb"
IMAGE = ROOT / "docs" / "notebook.png"

WIDTH = 1100
MARGIN = 24
PROMPT = 90
LINE = 22
PAD = 10
FONT_SIZE = 15
WRAP = 105
ERROR_LINES = 8

BACKGROUND = "#ffffff"
CODE_BACKGROUND = "#f5f5f5"
BORDER = "#cfcfcf"
PROMPT_IN = "#303f9f"
PROMPT_OUT = "#d84315"
TEXT = "#212121"
MUTED = "#616161"
ERROR_BACKGROUND = "#fdecea"
ERROR_TEXT = "#b71c1c"
HEADER_BACKGROUND = "#eeeeee"


def _font(bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    for folder in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu"):
        path = Path(folder) / name
        if path.exists():
            return ImageFont.truetype(str(path), FONT_SIZE)
    return ImageFont.load_default(size=FONT_SIZE)


class _TableParser(HTMLParser):
    """The rows of the first HTML table, header row included, and any text after it."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.after: list[str] = []
        self._cell: list[str] | None = None
        self._ended = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr" and not self._ended:
            self.rows.append([])
        elif tag in ("td", "th") and not self._ended:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._ended = True

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._ended and data.strip():
            self.after.append(data.strip())


@dataclass
class _Block:
    """One drawable piece: lines of text in a box, or a table."""

    kind: str
    lines: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    prompt: str = ""


def _wrapped(text: str) -> list[str]:
    lines: list[str] = []
    for line in text.splitlines():
        lines.extend(textwrap.wrap(line, WRAP, replace_whitespace=False) or [""])
    return lines


def _blocks(nb: Any) -> list[_Block]:
    blocks: list[_Block] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        count = cell.execution_count or " "
        blocks.append(_Block("code", _wrapped(cell.source), prompt=f"In [{count}]:"))
        for output in cell.outputs:
            blocks.extend(_output_blocks(output, count))
    return blocks


def _output_blocks(output: Any, count: object) -> list[_Block]:
    if output.output_type == "error":
        text = f"{output.ename}: {output.evalue}"
        return [_Block("error", _wrapped(text)[:ERROR_LINES])]
    if output.output_type == "stream":
        return [_Block("text", _wrapped(output.text))]
    data = output.get("data", {})
    prompt = f"Out[{count}]:" if output.output_type == "execute_result" else ""
    if "text/html" in data:
        parser = _TableParser()
        parser.feed(data["text/html"])
        blocks = [_Block("table", rows=parser.rows, prompt=prompt)]
        if parser.after:
            blocks.append(_Block("note", parser.after))
        return blocks
    if "text/plain" in data:
        kind = "text" if prompt else "note"
        return [_Block(kind, _wrapped(data["text/plain"]), prompt=prompt)]
    return []


def _height(block: _Block) -> int:
    if block.kind == "table":
        return len(block.rows) * (LINE + 6) + 2 * PAD
    return len(block.lines) * LINE + 2 * PAD


def render(nb: Any, image: Path) -> None:
    """Draw the executed notebook ``nb`` into ``image``."""
    blocks = _blocks(nb)
    height = MARGIN * 2 + sum(_height(b) + PAD for b in blocks)
    canvas = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    regular, bold = _font(), _font(bold=True)
    left, right = MARGIN + PROMPT, WIDTH - MARGIN
    y = MARGIN
    for block in blocks:
        box_height = _height(block)
        if block.prompt:
            colour = PROMPT_IN if block.kind == "code" else PROMPT_OUT
            draw.text((MARGIN, y + PAD), block.prompt, fill=colour, font=regular)
        if block.kind == "table":
            _draw_table(draw, block.rows, left, y + PAD, regular, bold)
        else:
            fill, outline, colour = {
                "code": (CODE_BACKGROUND, BORDER, TEXT),
                "error": (ERROR_BACKGROUND, ERROR_BACKGROUND, ERROR_TEXT),
                "note": (BACKGROUND, BACKGROUND, MUTED),
                "text": (BACKGROUND, BACKGROUND, TEXT),
            }[block.kind]
            draw.rectangle((left, y, right, y + box_height), fill=fill, outline=outline)
            for index, line in enumerate(block.lines):
                draw.text((left + PAD, y + PAD + index * LINE), line, fill=colour, font=regular)
        y += box_height + PAD
    canvas.save(image)


def _draw_table(
    draw: ImageDraw.ImageDraw, rows: list[list[str]], left: int, top: int, regular: Any, bold: Any
) -> None:
    columns = max(len(r) for r in rows)
    widths = [
        max(int(draw.textlength(r[c], font=bold)) for r in rows if c < len(r)) + 2 * PAD
        for c in range(columns)
    ]
    row_height = LINE + 6
    for index, row in enumerate(rows):
        x = left
        y = top + index * row_height
        header = index == 0
        for column, value in enumerate(row):
            fill = HEADER_BACKGROUND if header else BACKGROUND
            draw.rectangle((x, y, x + widths[column], y + row_height), fill=fill, outline=BORDER)
            font = bold if header else regular
            draw.text((x + PAD, y + 4), value, fill=TEXT, font=font)
            x += widths[column]


def execute(url: str) -> Any:
    """Run the notebook in a fresh kernel against the server at ``url``."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    os.environ["SPARKFLIGHT_URL"] = url
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    ).execute()
    nbformat.write(nb, NOTEBOOK)
    return nb


def _local_server() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sparkflight",
            "serve",
            "--port",
            "0",
            "--conf",
            "spark.driver.memory=1g",
            "--conf",
            "spark.sql.shuffle.partitions=4",
            "--conf",
            "spark.ui.enabled=false",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    if not url.startswith("grpc://"):
        process.terminate()
        raise SystemExit(f"the server did not start (it printed {url!r})")
    return process, url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server; by default one is started")
    args = parser.parse_args()
    server = None
    url = args.url
    if url is None:
        server, url = _local_server()
    try:
        nb = execute(url)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
    render(nb, IMAGE)
    print(f"wrote {NOTEBOOK.relative_to(ROOT)} and {IMAGE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
