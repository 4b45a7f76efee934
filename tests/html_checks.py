"""A small HTML validity and accessibility checker for rendered pages, for every app's tests.

    from tests.html_checks import assert_accessible_html
    assert_accessible_html(response.content.decode())

`html_problems(html)` returns a list of readable problems (empty when the page passes):
- the document parses with html5lib in strict mode (no parse errors, a doctype);
- <html lang> is set and the <title> is not empty;
- exactly one <h1>, and headings never skip a level going down (h2 → h4);
- every <img> has an alt attribute (alt="" for decorative pictures), every <iframe> a title;
- every form control (input, select, textarea) has a label: <label for>, a wrapping <label>,
  aria-label or aria-labelledby; hidden inputs and buttons are exempt;
- links and buttons have an accessible name (text, aria-label or an image's alt);
- ids are unique (labels and aria references depend on it).
Pass `fragment=True` for a template fragment (no doctype/lang/title/h1 checks).

`inline_code_problems(html)` lists what a Content-Security-Policy without 'unsafe-inline' refuses:
an executable <script> without src (JSON-LD and other data blocks are fine), a <style> element,
a style="" attribute, an on…="" event handler and a javascript: address.
"""

from __future__ import annotations

import html5lib
from html5lib.html5parser import ParseError

EXEMPT_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}
# A <script> of any other type is a data block, which no policy stops (JSON-LD, JSON settings).
EXECUTABLE_SCRIPT_TYPES = {
    "",
    "module",
    "text/javascript",
    "application/javascript",
    "application/ecmascript",
    "text/ecmascript",
    "application/x-javascript",
    "text/jscript",
}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


def _text(element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == "img":
            parts.append(child.get("alt") or "")
        elif child.get("aria-hidden") != "true":
            parts.append(_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _accessible_name(element) -> str:
    return (element.get("aria-label") or "").strip() or _text(element) or (element.get("title") or "").strip()


def _parse(html: str, *, fragment: bool):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        if fragment:
            return parser.parseFragment(html), []
        return parser.parse(html), []
    except ParseError as error:
        # Parse again leniently to report every error with its position, and keep checking.
        lenient = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
        tree = lenient.parseFragment(html) if fragment else lenient.parse(html)
        problems = [f"HTML parse error: {error}"]
        for (line, col), code, data in lenient.errors[:10]:
            problems.append(f"HTML parse error at line {line}, column {col}: {code} {data or ''}".strip())
        return tree, problems


def html_problems(html: str, *, fragment: bool = False) -> list[str]:  # noqa: PLR0912 - one list of checks
    tree, problems = _parse(html, fragment=fragment)
    elements = list(tree.iter()) if not fragment else [e for child in tree for e in child.iter()]
    elements = [e for e in elements if isinstance(e.tag, str)]
    by_tag: dict[str, list] = {}
    for element in elements:
        by_tag.setdefault(element.tag, []).append(element)

    if not fragment:
        root = tree if tree.tag == "html" else next(iter(by_tag.get("html", [])), None)
        if root is None or not (root.get("lang") or "").strip():
            problems.append("<html> has no lang attribute")
        titles = by_tag.get("title", [])
        if not titles or not _text(titles[0]):
            problems.append("<title> is missing or empty")
        h1s = by_tag.get("h1", [])
        if len(h1s) != 1:
            problems.append(f"expected exactly one <h1>, found {len(h1s)}")

    previous = 0
    for element in elements:
        level = HEADINGS.get(element.tag)
        if level is None:
            continue
        if previous and level > previous + 1:
            problems.append(f"heading level skipped: <h{previous}> then <h{level}> ({_text(element)[:60]!r})")
        if not _text(element):
            problems.append(f"empty <h{level}>")
        previous = level

    for img in by_tag.get("img", []):
        if img.get("alt") is None:
            problems.append(f"<img src={img.get('src')!r}> has no alt attribute")
    for frame in by_tag.get("iframe", []):
        if not (frame.get("title") or "").strip():
            problems.append(f"<iframe src={frame.get('src')!r}> has no title")

    ids: dict[str, int] = {}
    for element in elements:
        if element.get("id"):
            ids[element.get("id")] = ids.get(element.get("id"), 0) + 1
    problems.extend(f"duplicate id {name!r}" for name, count in ids.items() if count > 1)

    labelled_for = {label.get("for") for label in by_tag.get("label", []) if label.get("for")}
    inside_label = {id(e) for label in by_tag.get("label", []) for e in label.iter()}
    for tag in ("input", "select", "textarea"):
        for control in by_tag.get(tag, []):
            if tag == "input" and (control.get("type") or "text").lower() in EXEMPT_INPUT_TYPES:
                continue
            named = (
                (control.get("id") and control.get("id") in labelled_for)
                or id(control) in inside_label
                or (control.get("aria-label") or "").strip()
                or (control.get("aria-labelledby") or "").strip()
            )
            if not named:
                problems.append(f"<{tag} name={control.get('name')!r}> has no label")

    for link in by_tag.get("a", []):
        if link.get("href") is not None and not _accessible_name(link):
            problems.append(f"<a href={link.get('href')!r}> has no accessible name")
    for button in by_tag.get("button", []):
        if not _accessible_name(button):
            problems.append("<button> has no accessible name")
    return problems


def inline_code_problems(html: str) -> list[str]:
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    problems = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        script_type = (element.get("type") or "").split(";")[0].strip().lower()
        if element.tag == "script" and element.get("src") is None and script_type in EXECUTABLE_SCRIPT_TYPES:
            problems.append(f"inline <script>: {(element.text or '').strip()[:60]!r}")
        if element.tag == "style":
            problems.append(f"<style> element: {(element.text or '').strip()[:60]!r}")
        for name, value in element.attrib.items():
            if name == "style":
                problems.append(f"style attribute on <{element.tag}>: {value[:60]!r}")
            elif name.startswith("on"):
                problems.append(f"event handler {name} on <{element.tag}>")
            elif name in {"href", "src", "action", "formaction"} and value.strip().lower().startswith("javascript:"):
                problems.append(f"javascript: address in <{element.tag} {name}>")
    return problems


def assert_no_inline_code(html: str) -> None:
    problems = inline_code_problems(html)
    assert not problems, "Inline code a strict Content-Security-Policy refuses:\n  " + "\n  ".join(problems)


def assert_accessible_html(html: str, *, fragment: bool = False) -> None:
    problems = html_problems(html, fragment=fragment)
    assert not problems, "HTML problems:\n  " + "\n  ".join(problems)
