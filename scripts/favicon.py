"""Render ``webapp/static/favicon.svg`` into ``favicon.ico`` beside it, for browsers and
tools that ask for ``/favicon.ico`` and read no SVG.

Chromium draws the SVG at each size with a transparent background; the ICO holds those PNG
images, as ICO files may since Windows Vista and as every current browser reads them.

    .venv/bin/python scripts/favicon.py     # or: make favicon
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

STATIC = Path(__file__).resolve().parent.parent / "webapp" / "static"
SIZES = (16, 32, 48)
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def render(svg: str, sizes: tuple[int, ...]) -> list[bytes]:
    """The SVG drawn by Chromium as a PNG of each size, square, with transparency kept."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            images = []
            for size in sizes:
                page = browser.new_page(viewport={"width": size, "height": size})
                page.set_content(
                    "<style>html,body{margin:0;background:transparent}"
                    f"svg{{display:block;width:{size}px;height:{size}px}}</style>{svg}"
                )
                images.append(page.screenshot(omit_background=True))
                page.close()
            return images
        finally:
            browser.close()


def icon(images: list[bytes], sizes: tuple[int, ...]) -> bytes:
    """An ICO file holding ``images`` (PNG), one directory entry per size."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries = b""
    for size, image in zip(sizes, images, strict=True):
        # Width and height 0 stand for 256; colour count 0, planes 1, 32 bits per pixel.
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return header + entries + b"".join(images)


def main() -> int:
    svg = (STATIC / "favicon.svg").read_text(encoding="utf-8")
    (STATIC / "favicon.ico").write_bytes(icon(render(svg, SIZES), SIZES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
