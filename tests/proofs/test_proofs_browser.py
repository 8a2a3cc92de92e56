"""The Peano proof site in headless Chromium: search, open a theorem, follow a premise link."""

from __future__ import annotations

import pytest

from axiomforge.proofs.site import write_site

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.mark.browser
def test_navigate_the_peano_site(engine_docs, engine_theories, tmp_path, artifacts_dir):
    from playwright.sync_api import sync_playwright

    doc = engine_docs["peano"]
    index = write_site(doc, tmp_path / "site", theory_file=engine_theories["peano"])
    target = next(t for t in doc["theorems"] if t["method"].startswith("induction") and len(t["steps"]) > 12)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(index.as_uri())
            rows = page.locator("#theorems tbody tr")
            assert rows.count() == len(doc["theorems"])

            page.fill("#search", target["name"])
            visible = page.locator("#theorems tbody tr:visible")
            assert 1 <= visible.count() < len(doc["theorems"])
            assert "theorems" in page.inner_text("#count")
            page.select_option("#method", "induction")
            page.select_option("#method", "")

            page.click(f"a.thm-link:text-is('{target['name']}')")
            page.wait_for_load_state()
            assert page.url.endswith(".html") and "thm-" in page.url
            assert page.inner_text("h1.thm-name") == target["name"]
            assert "✓ every step re-derived, against the theory file" in page.inner_text(".facts")

            premise = page.locator("a.premise").last
            step_id = premise.inner_text()
            premise.click()
            assert page.url.endswith(f"#step-{step_id}")
            assert page.locator(f"#step-{step_id}").is_visible()
            highlighted = page.eval_on_selector(f"#step-{step_id}", "e => getComputedStyle(e).backgroundColor")
            assert highlighted == "rgb(255, 244, 194)"  # :target highlight of the premise step

            shot = artifacts_dir / "proofs-site-peano.png"
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 10_000
        finally:
            browser.close()
