"""The real page in a real browser: Debian's Chromium driven by Playwright against the app on 127.0.0.1.

One walk through what staff do, a screenshot of each step in artifacts/screenshots/, and every
request the page makes recorded to prove it fetches nothing from any other host.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlparse

import pytest

from test_app_support import CHROMIUM_ARGS, SCREENSHOTS, browser_or_skip, served

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(900)]

XSS_DOC = """# Monitoring visit to Testshire children's services

12 January 2023

Dear Director

Monitoring visit of Testshire local authority children's services

This letter summarises the findings of the monitoring visit to Testshire children's services on 5 and 6 December 2022.

Main findings

The duty team used a flamingo protocol <script>window.__xss = 1; alert('xss')</script> to triage every contact within four hours.
Inspectors noted the flamingo protocol is described at [the council website](http://evil.example.com/phish) (also http://evil.example.com/raw) and <img src=x onerror="window.__xss=2">.
Managers record their decisions about the flamingo protocol in every case file.
"""


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    sync_playwright, chromium = browser_or_skip()
    app = served()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    hosts: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.on("request", lambda r: hosts.append(urlparse(r.url).hostname or r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(app.url)
        page.wait_for_selector("#iqa-question textarea")
        yield page, app, hosts, dialogs, tmp_path_factory.mktemp("browser")
        browser.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def choose(page, selector: str, option: str) -> None:
    page.click(f"{selector} input")
    page.get_by_role("option", name=option, exact=True).first.click()


def ask(page, question: str) -> object:
    """Type and send a question; return the locator of the finished turn."""
    before = page.locator("#iqa-conversation .iqa-turn:not(.iqa-pending)").count()
    page.fill("#iqa-question textarea", question)
    page.click("#iqa-ask")
    page.wait_for_function(
        f"document.querySelectorAll('#iqa-conversation .iqa-turn:not(.iqa-pending)').length > {before}")
    return page.locator("#iqa-conversation .iqa-turn:not(.iqa-pending)").nth(before)


def test_staff_walkthrough_in_chromium(browser_page):
    page, app, hosts, dialogs, tmp = browser_page
    shot(page, "01-start")
    assert "focused visit to Barking and Dagenham" in page.inner_text("body")  # examples made from the corpus

    # Ask, see an answer with a citation, open it and see the passage in its document.
    turn = ask(page, "What did the 2022 visit say about young children living in children's homes?")
    assert turn.locator(".iqa-answer .iqa-cite").count() >= 1
    shot(page, "02-answer-with-citations")
    turn.locator(".iqa-answer .iqa-cite").first.click()
    mark = page.locator("#iqa-source mark.iqa-hit")
    mark.wait_for()
    source = page.locator("#iqa-source").inner_text()
    assert "Barking and Dagenham" in source and "focused visit letter" in source
    assert len(mark.inner_text().split()) >= 5
    shot(page, "03-source-passage")

    # Apply a filter: the next answer cites Barnet only, and the filter shows on the turn.
    choose(page, "#iqa-f-authority", "Barnet")
    page.wait_for_function("document.querySelector('#iqa-filter-status').innerText.includes('Barnet')")
    turn = ask(page, "What did inspectors find about thresholds?")
    assert "Barnet" in turn.locator(".iqa-filters").inner_text()
    labels = turn.locator(".iqa-sources li").all_inner_texts()
    assert labels and all("Barnet" in label for label in labels), labels
    shot(page, "04-filtered-answer")

    # The evidence pack downloads with both questions in it.
    with page.expect_download() as download:
        page.click("#iqa-md")
    pack = open(download.value.path(), encoding="utf-8").read()
    assert "What did inspectors find about thresholds?" in pack and "Sources" in pack

    # Findings explorer: filter by theme, see the recurring finding, export the table, open a passage.
    page.get_by_role("tab", name="Findings explorer").click()
    page.wait_for_selector("#iqa-x-table table")
    choose(page, "#iqa-x-theme", "management oversight and supervision")
    page.wait_for_function("document.querySelector('#iqa-x-recurring').innerText.includes('2022')")
    recurring = page.locator("#iqa-x-recurring").inner_text()
    assert "Barking and Dagenham" in recurring and "2018" in recurring
    assert "council’s own view" in page.locator("#iqa-x-compare").inner_text()
    shot(page, "05-findings-explorer")
    with page.expect_download() as download:
        page.click("#iqa-x-csv")
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert rows and {r["theme"] for r in rows} == {"management oversight and supervision"}
    page.locator("#iqa-x-recurring [data-cite]").first.click()
    page.locator("#iqa-x-source mark.iqa-hit").wait_for()
    assert "management oversight" in page.locator("#iqa-x-source mark.iqa-hit").inner_text().lower()
    shot(page, "06-finding-passage")

    # Upload a document (with a script and a markdown link in it), then ask about it.
    doc = tmp / "testshire-visit.txt"
    doc.write_text(XSS_DOC, encoding="utf-8")
    page.get_by_role("tab", name="Documents").click()
    page.set_input_files("#iqa-upload input[type=file]", [str(doc)])
    page.wait_for_timeout(1500)
    page.click("#iqa-ingest")
    page.wait_for_selector("#iqa-upload-status .iqa-ok")
    assert "testshire-visit.txt" in page.locator("#iqa-docs").inner_text()
    shot(page, "07-uploaded")

    page.get_by_role("tab", name="Ask", exact=True).click()
    choose(page, "#iqa-f-authority", "Any")
    turn = ask(page, "What is the flamingo protocol?")
    assert "flamingo" in turn.locator(".iqa-answer").inner_text().lower()
    turn.locator(".iqa-answer .iqa-cite").first.click()
    page.wait_for_function("document.querySelector('#iqa-source').innerText.includes('testshire-visit.txt')")
    panel = page.locator("#iqa-source").inner_text()
    # Ingestion turns markdown links into their text; raw HTML stays, and both must show as plain text.
    assert "<script>" in panel and "<img src=x" in panel and "the council website" in panel
    assert "http://evil.example.com/raw" in panel
    shot(page, "08-document-shown-as-text")

    # Nothing ran, nothing links out, nothing was fetched from another host.
    assert page.evaluate("window.__xss === undefined && window.xss === undefined")
    assert dialogs == []
    assert page.locator("a[href*='evil.example.com']").count() == 0
    assert page.locator("#iqa-source script, #iqa-conversation script, #iqa-source img").count() == 0
    # The API page (linked from the footer) is local too.
    page.get_by_text("Use via API").click()
    page.wait_for_timeout(3000)
    assert "/ask" in page.inner_text("body")
    shot(page, "09-api-page")
    others = sorted({h for h in hosts if h not in ("127.0.0.1", "localhost")})
    assert others == [], f"the page fetched from other hosts: {others}"
