"""A journey: one person's walk through the site in one browser window, checked and photographed at each step."""

import re
from dataclasses import dataclass, field

import pypdfium2

from tests.e2e.browser import checks
from tests.e2e.conftest import ROOT

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHECKS = ROOT / "artifacts" / "checks"

# Turn lazy pictures eager, then wait (at most 5 s) until each has loaded or failed; a failure is
# reported by the failed-request check, not here.
LOAD_EVERY_PICTURE = """async () => {
    const pictures = [...document.images];
    pictures.forEach((img) => { img.loading = "eager"; });
    const settled = pictures.map((img) => img.complete ? null : new Promise((done) => {
        img.addEventListener("load", done, {once: true});
        img.addEventListener("error", done, {once: true});
    }));
    await Promise.race([Promise.all(settled), new Promise((done) => setTimeout(done, 5000))]);
}"""


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass
class Journey:
    name: str
    width: str
    site: object
    page: object
    axe_context: object
    watch: checks.Watch
    problems: list[tuple[str, str]] = field(default_factory=list)
    steps: int = 0

    def url(self, path: str) -> str:
        return self.site.url + path

    def goto(self, path: str, step: str | None = None):
        self.page.goto(self.url(path))
        if step:
            self.step(step)

    def step(self, name: str) -> None:
        """Look at the page as it is now: screenshot it and run every check on it."""
        self.page.wait_for_load_state("load")
        self.show_every_picture()
        self.steps += 1
        path = SCREENSHOTS / f"{self.name}-{self.width}-{self.steps:02d}-{slugify(name)}.png"
        self.page.screenshot(path=path, full_page=True)
        found = self.watch.take(self.page) + checks.horizontal_scroll(self.page) + checks.small_targets(self.page)
        found += checks.cramped_cards(self.page)
        found += checks.axe(self.axe_context, self.page)
        path = self.page.url.removeprefix(self.site.url)
        self.problems += [(f"{self.width}px step {self.steps:02d} {name}: {path}", problem) for problem in found]

    def read_pdf(self, name: str, data: bytes) -> str:
        """Open a PDF the person downloaded: its first page photographed beside the steps, its text returned
        (words separated by single spaces, so that a line break inside a title does not hide it)."""
        self.steps += 1
        document = pypdfium2.PdfDocument(data)
        try:
            picture = document[0].render(scale=1.5).to_pil()
            picture.save(SCREENSHOTS / f"{self.name}-{self.width}-{self.steps:02d}-{slugify(name)}-pdf.png")
            return " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)
        finally:
            document.close()

    def show_every_picture(self) -> None:
        """Load the pictures below the fold too, so that the full-page screenshot shows them and not empty frames.

        A person scrolling gets them the same way: `loading="lazy"` only defers them until they come near.
        """
        self.page.evaluate(LOAD_EVERY_PICTURE)

    def expect_status(self, path: str, status: int) -> None:
        self.watch.expect(path, status)

    def finish(self) -> None:
        """The journey is over: every problem of every step, listed together."""
        assert not self.problems, f"{len(self.problems)} problems on the pages visited:\n" + "\n".join(self.unique())

    def unique(self) -> list[str]:
        """Each problem once, with the first step that met it (the header and footer repeat on every page)."""
        first = {}
        for where, what in self.problems:
            first.setdefault(what, where)
        return [f"{what}   [first at {where}]" for what, where in first.items()]

    def new_page(self):
        """Another tab in the same browser context (same cookies), watched like the first."""
        page = self.page.context.new_page()
        self.watch.attach(page)
        return page
