"""What the browser tests ask of axe, and how they submit a form before asking it."""

from axe_playwright_python.sync_playwright import Axe

_AXE = Axe()


def serious_violations(page) -> list[str]:
    """axe's serious and critical findings on the page as loaded, one line per rule."""
    page.wait_for_load_state("load")
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in _AXE.run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def submit(page, selector: str) -> None:
    """Click a button that posts a form and wait for the answer page to load.

    Playwright's click returns once the click is dispatched, before the browser
    swaps documents: axe or a locator running then reads the page being left,
    or no document at all.
    """
    with page.expect_navigation():
        page.click(selector)
