"""Helpers for the browser tests: Chromium's options, a guard that keeps every page on the
service, axe-core's accessibility check and the screenshots' folder."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from playwright.sync_api import Page, Route, ViewportSize

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOOPBACK = "127.0.0.1"

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
DEVICES = {"desktop": DESKTOP, "phone": PHONE}

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def localised(path: str, lang: str) -> str:
    """``path`` with ``lang=`` added to its query string."""
    return f"{path}{'&' if '?' in path else '?'}{urlencode({'lang': lang})}"


def screenshots_folder() -> Path:
    """Where screenshots go: ``$SCREENSHOTS``, or ``test-artifacts/screenshots``."""
    folder = Path(os.environ.get("SCREENSHOTS") or ROOT / "test-artifacts" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def select_variables(query: str) -> list[str]:
    """The variables a ``SELECT ?a ?b …`` query projects, in order."""
    found = re.search(r"^\s*SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?((?:\?\w+\s*)+)", query, re.M)
    assert found, "not a SELECT query of plain variables"
    return [name.lstrip("?") for name in found[1].split()]


@dataclass
class Guard:
    """A context's route handler: requests to the loopback host go on, the rest are stopped.

    Also keeps every requested URL, and the uncaught script errors of the context's pages.
    """

    requested: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)

    def route(self, route: Route) -> None:
        url = route.request.url
        self.requested.append(url)
        if urlsplit(url).hostname == LOOPBACK:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def requested_paths(self) -> set[str]:
        """The paths of every request so far."""
        return {urlsplit(url).path for url in self.requested}


# Accessibility

AXE_RUN = """tags => axe.run(document, {
  runOnly: {type: "tag", values: tags},
  resultTypes: ["violations"]
})"""
"""Only the violations are wanted: axe then spends no time detailing what passed."""


def axe_report(page: Page) -> str:
    """What axe-core finds against WCAG 2.1 A and AA on the page as it is now: each rule
    broken, its help, and where, with the offending HTML; empty if nothing."""
    assert AXE.is_file(), f"no axe-core at {AXE}: run `npm ci` in {ROOT}"
    if not page.evaluate("() => typeof axe !== 'undefined'"):  # once per page load
        page.add_script_tag(path=AXE)
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN, WCAG_TAGS)["violations"]
    if not violations:
        return ""
    width = page.viewport_size["width"] if page.viewport_size else "?"
    lines = [f"{len(violations)} accessibility rule(s) broken on {page.url} at {width} px:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html']}")
            summary = " ".join(node.get("failureSummary", "").split())
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (node) => {
    for (let e = node.parentElement; e && e !== document.body; e = e.parentElement) {
      if (getComputedStyle(e).overflowX !== "visible") return true;
    }
    return false;
  };
  const found = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(text);
    if (range.getBoundingClientRect().right > width + 1 && !scrolls(text)) {
      found.add(text.parentElement.outerHTML.slice(0, 160));
    }
  }
  return [document.documentElement.scrollWidth, [...found].slice(0, 8)];
}"""
"""The page's width, and the text that sticks out past the window outside any scroll box."""


def overflow_report(page: Page) -> str:
    """Whether the page scrolls sideways (WCAG 1.4.10 Reflow, which axe-core does not test),
    and the elements whose text sticks out; empty if it fits the window."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    scroll_width, sticking_out = page.evaluate(OVERFLOW)
    if scroll_width <= width:
        return ""
    lines = [f"{page.url} scrolls sideways: {scroll_width} px wide in a {width} px window"]
    lines.extend(f"    sticking out: {html}" for html in sticking_out)
    return "\n".join(lines)
