"""The checks every page a journey visits must pass, each returning a list of problems (empty when it passes).

- `Watch` listens to a page in the normal context (CSP on): console errors, uncaught exceptions, CSP violations,
  failed requests and answers of 400 or more that the journey did not expect.
- `horizontal_scroll`: the page is no wider than the window.
- `small_targets`: buttons, navigation links and form controls are at least 44x44 CSS px. Links inside running
  text are exempt (WCAG 2.5.8's inline exception); a checkbox or radio counts with its label.
- `axe`: axe-core (node_modules/axe-core, from `npm ci`) finds no serious or critical violation. It runs in a
  second context that bypasses CSP, on a copy of the page's current document at the same address.
"""

import functools
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
MIN_TARGET = 44

# Runs before any page script: CSP violations become console errors and are kept on window for the check.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile || ""}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} (${where})`);
});
"""

TARGETS = """
(min) => {
  const visible = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== "hidden" && style.display !== "none" && box.width > 0 && box.height > 0;
  };
  const describe = (el) => {
    let text = el.id ? `#${el.id}` : el.tagName.toLowerCase();
    const classes = typeof el.className === "string" ? el.className.trim() : "";
    if (!el.id && classes) text += "." + classes.split(/\\s+/).join(".");
    if (el.name) text += `[name=${el.name}]`;
    if (el.type && el.tagName === "INPUT") text += `[type=${el.type}]`;
    const label = (el.getAttribute("aria-label") || el.textContent || el.value || "").trim().replace(/\\s+/g, " ");
    return label ? `${text} "${label.slice(0, 40)}"` : text;
  };
  // A link among words of running text is exempt; a link that is the whole paragraph or list item is not.
  const inline = (el) => {
    const block = el.closest("p, li, td, dd, figcaption, blockquote");
    if (!block || el.closest("nav, .site-header, body > header, .button, .btn")) return false;
    return block.textContent.trim().length > el.textContent.trim().length + 1;
  };
  const selector = [
    "button", "[role=button]", "input:not([type=hidden])", "select", "textarea", "summary",
    "nav a", ".site-header a", "body > header a", "a.button", "a[class*=btn]", "a[class*=button]",
    "[role=tab]", "[role=menuitem]",
  ].join(",");
  const problems = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!visible(el) || (el.tagName === "A" && inline(el))) continue;
    let box = el.getBoundingClientRect();
    if (el.type === "checkbox" || el.type === "radio") {
      const label = el.closest("label") || (el.id && document.querySelector(`label[for="${el.id}"]`));
      if (label) {
        const outer = label.getBoundingClientRect();
        box = {width: Math.max(box.width, outer.width), height: Math.max(box.height, outer.height)};
      }
    }
    if (box.width < min - 0.5 || box.height < min - 0.5) {
      problems.push(`${describe(el)} is ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return problems;
}
"""

AXE_RUN = """
async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 6).map((n) => n.target.join(" ")),
    }));
}
"""


@dataclass
class Watch:
    """What went wrong on a page in the normal context since the last `take()`."""

    problems: list[str] = field(default_factory=list)
    expected: set[tuple[str, int]] = field(default_factory=set)

    def attach(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught exception: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def expect(self, path: str, status: int) -> None:
        """A journey that walks into an error on purpose names the address part and the status it expects."""
        self.expected.add((path, status))

    def take(self, page) -> list[str]:
        found = self.problems + [f"CSP violation: {text}" for text in page.evaluate("window.__cspViolations || []")]
        page.evaluate("window.__cspViolations = []")
        self.problems = []
        return found

    def _console(self, message) -> None:
        if message.type == "error" and not self._is_expected_status_message(message.text):
            self.problems.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def _is_expected_status_message(self, text: str) -> bool:
        # Chromium logs every answer >= 400 as "Failed to load resource"; expected ones are not errors.
        return "Failed to load resource" in text and any(f"status of {status}" in text for _, status in self.expected)

    def _failed(self, request) -> None:
        failure = request.failure or ""
        # ERR_ABORTED is the browser cancelling a request: a download, a navigation replaced by the next one, a
        # picture or a script's fetch (the admin's icon sprite) still under way when the person moved on. What
        # the site fails answers >= 400 (below) or fails with another network error.
        if "ERR_ABORTED" in failure:
            return
        self.problems.append(f"request failed: {request.method} {request.url} {failure}")

    def _response(self, response) -> None:
        if response.status < 400:
            return
        if any(path in response.url and status == response.status for path, status in self.expected):
            return
        self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")


def horizontal_scroll(page) -> list[str]:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if widths[0] > widths[1]:
        wide = page.evaluate(
            """(width) => [...document.querySelectorAll("body *")]
                .filter((el) => el.getBoundingClientRect().right > width + 1)
                .slice(0, 3)
                .map((el) => el.tagName.toLowerCase() + "." + String(el.className).split(" ")[0])""",
            widths[1],
        )
        return [f"horizontal scroll: page is {widths[0]}px wide in a {widths[1]}px window (widest: {', '.join(wide)})"]
    return []


# Text and controls inside a card (the site's .card) keep clear of its edges; only pictures run to the edge.
CRAMPED = """(inset) => {
    const found = [];
    for (const card of document.querySelectorAll(".card")) {
        const box = card.getBoundingClientRect();
        for (const el of card.querySelectorAll("a, button, p, h2, h3, li, progress")) {
            const r = el.getBoundingClientRect();
            if (!r.width || !r.height || el.closest(".card-media, picture")) continue;
            if (r.left - box.left < inset || box.right - r.right < inset) {
                found.push(el.tagName.toLowerCase() + " '" + (el.innerText || "").trim().slice(0, 40) + "'");
            }
        }
    }
    return found.slice(0, 3);
}"""
CARD_INSET = 8


def cramped_cards(page) -> list[str]:
    return [f"touches its card's edge: {what}" for what in page.evaluate(CRAMPED, CARD_INSET)]


def small_targets(page) -> list[str]:
    return [f"small target: {text}" for text in page.evaluate(TARGETS, MIN_TARGET)]


@functools.cache
def axe_source() -> str:
    return AXE_SOURCE.read_text()


def axe(axe_context, page) -> list[str]:
    """axe-core on a copy of the page's current document, served at its own address in the CSP-bypassing context."""
    url, html = page.url, page.content()
    axe_context.add_cookies(page.context.cookies())
    copy = axe_context.new_page()
    try:
        copy.route(url, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html))
        copy.goto(url, wait_until="load")
        copy.add_script_tag(content=axe_source())
        violations = copy.evaluate(AXE_RUN)
    finally:
        copy.close()
    return [f"axe {v['impact']} {v['id']} ({v['help']}): {'; '.join(v['targets'])}" for v in violations]
