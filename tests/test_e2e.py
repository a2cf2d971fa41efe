"""End-to-end: the web UI in a real browser (Debian's chromium driven by Playwright).

The session archive (the corpus, stored and indexed once for the tests) is served by
`create_app` with waitress (as `bulletins serve` does) on 127.0.0.1 with a free port in a background thread,
and chromium opens it like a member of staff would: search, facet, dates, hit, permalink,
copy link / citation, and the copied link in a fresh browser context.

No browser download: chromium is Debian's (`apt-get install chromium`), started with the
flags this machine needs (no sandbox as root, no background networking). Without
/usr/bin/chromium the module is skipped, except under CI (`CI` set), where it fails.

The README's screenshot is taken every run but written to docs/ only when asked:
`pytest tests/test_e2e.py --update-screenshot` (a test run changes no tracked file).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from service.config import Config
from web import create_app
from web.context import archive_of

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "screenshot-search.png"

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(
        f"{CHROMIUM} is missing (apt-get install chromium fonts-wqy-microhei); "
        "under CI this is a failure, not a skip",
        allow_module_level=True,
    )

from playwright.sync_api import Browser, BrowserContext, Page, expect  # noqa: E402

DEPARTMENT = "自然资源厅"
DATE_FROM, DATE_TO = "2024-09-01", "2024-12-31"
# The weekly issues whose weeks lie in [DATE_FROM, DATE_TO]: the only ones a hit may come from.
ISSUES_IN_RANGE = {"weekly-2024-09-09", "weekly-2024-12-09"}
TIMEOUT_MS = 15_000


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def base_url(indexed_archive: Path) -> Iterator[str]:
    """The app on the session archive, served by waitress on 127.0.0.1:<free port> until the
    module ends."""
    from waitress import create_server

    app = create_app(Config.load(indexed_archive, host="127.0.0.1", port=0))
    server = create_server(app, host="127.0.0.1", port=0, threads=4, ident="bulletins")
    thread = threading.Thread(target=server.run, name="e2e-waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        server.task_dispatcher.shutdown()
        for channel in list(server._map.values()):  # the loop ends when its map is empty
            channel.close()
        thread.join(timeout=5)
        archive_of(app).close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"CI is set but {CHROMIUM} is missing: .ci/run must apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright gives each launch a fresh, empty user-data dir of its own.
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def new_context(browser: Browser, base_url: str, **options) -> BrowserContext:
    """A fresh context (no history, no storage) that may use the clipboard, like a user who allowed it."""
    options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(base_url=base_url, locale="zh-CN", **options)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    context = new_context(browser, base_url)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


# ---------------------------------------------------------------- helpers


def hit_issue_ids(page: Page) -> list[str]:
    """The issue of every hit on the results page, from its permalink /items/<issue>/<anchor>."""
    hrefs = page.locator("ol.hits li.hit a.hit-title").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    ids = []
    for href in hrefs:
        match = re.fullmatch(r"/items/([^/]+)/([^/]+)", href)
        assert match, f"a hit links to its permalink, not {href!r}"
        ids.append(match.group(1))
    return ids


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def target_in_viewport(page: Page) -> dict:
    """Where the highlighted item is relative to the window."""
    return page.locator("li.item.target").evaluate(
        """el => {
            const r = el.getBoundingClientRect();
            return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                    width: window.innerWidth, height: window.innerHeight,
                    pageTop: r.top + window.scrollY, scrollY: window.scrollY};
        }"""
    )


def assert_lands_on_target(page: Page, anchor: str) -> str:
    """The permalink page highlights exactly one item, the right one, scrolled into view; its text."""
    targets = page.locator("li.item.target")
    expect(targets).to_have_count(1)
    target = targets.first
    expect(target).to_have_attribute("id", anchor)
    expect(target).to_be_visible()
    page.wait_for_load_state("load")
    box = target_in_viewport(page)
    assert box["bottom"] - box["top"] < box["height"], f"the item fits in the window: {box}"
    assert 0 <= box["top"] and box["bottom"] <= box["height"], (
        f"the item is scrolled into view: {box}"
    )
    assert 0 <= box["left"] and box["right"] <= box["width"], (
        f"the item is not cut off sideways: {box}"
    )
    if box["pageTop"] > box["height"]:
        assert box["scrollY"] > 0, "an item below the fold is brought into view by scrolling"
    # highlighted: it looks different from an ordinary item
    background = target.evaluate("el => getComputedStyle(el).backgroundColor")
    plain = page.locator("li.item:not(.target)").first.evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert background != plain, "the target item is highlighted"
    return own_text(target)


def own_text(item) -> str:
    """An item's own text, without its tools' button labels."""
    return item.locator(":scope > .item-text").inner_text()


def read_clipboard(page: Page) -> str:
    return page.evaluate("() => navigator.clipboard.readText()")


# ---------------------------------------------------------------- the scenario


def test_search_facet_dates_hit_permalink_copy_and_reopen(
    page: Page, browser: Browser, base_url: str
):
    # 1. Home: one search box; search for a department.
    page.goto("/")
    box = page.locator("form.searchbox input[name=q]")
    expect(box).to_be_visible()
    box.fill(DEPARTMENT)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    assert query_of(page)["q"] == [DEPARTMENT]
    expect(page.locator("ol.hits li.hit").first).to_be_visible()
    all_issues = set(hit_issue_ids(page))
    assert len(all_issues) > len(ISSUES_IN_RANGE), (
        "the plain search spans more issues than the date range"
    )

    # 2. Click the department facet: it becomes the selected (and removable) one.
    facet = page.locator(
        "aside.filters section.facet[data-facet=department] a", has_text=DEPARTMENT
    ).first
    expect(facet).not_to_have_class(re.compile(r"\bon\b"))
    facet.click()
    page.wait_for_url(re.compile(r"dept="))
    assert query_of(page)["dept"] == [DEPARTMENT]
    selected = page.locator("section.facet[data-facet=department] a.on")
    expect(selected).to_have_count(1)
    expect(selected).to_contain_text(DEPARTMENT)
    expect(page.locator("aside.filters .selected")).to_contain_text(f"部门：{DEPARTMENT}")

    # 3. Narrow by dates with the date form.
    dates = page.locator("form.dates")
    dates.locator("input[name=from]").fill(DATE_FROM)
    dates.locator("input[name=to]").fill(DATE_TO)
    dates.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"from=2024-09-01"))
    params = query_of(page)
    assert params["from"] == [DATE_FROM] and params["to"] == [DATE_TO]
    assert params["q"] == [DEPARTMENT] and params["dept"] == [DEPARTMENT], (
        "the date form keeps the search"
    )
    expect(page.locator("section.facet[data-facet=department] a.on")).to_contain_text(DEPARTMENT)

    # 4. Only hits from the issues of that range remain.
    issues = hit_issue_ids(page)
    assert issues, "the narrowed search still finds something"
    assert set(issues) <= ISSUES_IN_RANGE, f"hits outside {DATE_FROM}..{DATE_TO}: {issues}"
    for hit in page.locator("ol.hits li.hit").all():
        expect(hit.locator("ul.depts")).to_contain_text(DEPARTMENT)

    # 5. Open the first hit: its permalink lands on the highlighted item.
    first = page.locator("ol.hits li.hit a.hit-title").first
    href = first.get_attribute("href")
    issue_id, anchor = re.fullmatch(r"/items/([^/]+)/([^/]+)", href).groups()
    first.click()
    page.wait_for_url(f"**{href}")
    text = assert_lands_on_target(page, anchor)
    assert DEPARTMENT in page.locator("li.item.target").inner_text()

    # 6. 复制链接: the clipboard holds the absolute permalink.
    target = page.locator("li.item.target")
    target.locator(":scope > .item-head button.copy[data-copy=link]").click()
    expect(page.locator(".toast")).to_contain_text("已复制链接")
    link = read_clipboard(page)
    assert link == f"{base_url}/items/{issue_id}/{anchor}"

    # 7. The copied link in a fresh context (no history, no cookies) shows the same item.
    fresh = new_context(browser, base_url)
    try:
        other = fresh.new_page()
        other.goto(link)
        assert other.url == link
        assert assert_lands_on_target(other, anchor) == text
    finally:
        fresh.close()

    # 8. 复制引用: the citation, then the same URL.
    target.locator(":scope > .item-head button.copy[data-copy=citation]").click()
    expect(page.locator(".toast")).to_contain_text("已复制引用")
    citation = read_clipboard(page)
    assert re.fullmatch(r"《窗口工作周报》.+（.+）.* " + re.escape(link), citation), citation
    expected = page.request.get(f"/api/items/{issue_id}/{anchor}").json()["citation"]
    assert citation == f"{expected} {link}"
    issue_title = page.locator("header.masthead h1").inner_text()
    assert citation.startswith(issue_title), "the citation starts with the issue's title"


def test_kind_facet_toggles_on_and_off(page: Page):
    page.goto(f"/search?q={DEPARTMENT}")
    weekly = page.locator("section.facet[data-facet=kind] a", has_text="周报")
    weekly.click()
    page.wait_for_url(re.compile(r"kind=weekly"))
    expect(page.locator("section.facet[data-facet=kind] a.on")).to_contain_text("周报")
    assert all(i.startswith("weekly-") for i in hit_issue_ids(page))
    page.locator("section.facet[data-facet=kind] a.on").click()  # a selected facet link removes it
    page.wait_for_url(lambda url: "kind=" not in url)
    expect(page.locator("section.facet[data-facet=kind] a.on")).to_have_count(0)
    assert any(i.startswith("monthly-") for i in hit_issue_ids(page))


# ---------------------------------------------------------------- the page itself


@pytest.fixture
def screenshot(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Where the screenshot goes: the README's file with --update-screenshot, else a temp file."""
    if request.config.getoption("--update-screenshot"):
        return SCREENSHOT
    return tmp_path / SCREENSHOT.name


def test_search_page_screenshot_for_the_readme(browser: Browser, base_url: str, screenshot: Path):
    context = new_context(
        browser, base_url, viewport={"width": 1280, "height": 800}, device_scale_factor=1
    )
    try:
        page = context.new_page()
        page.goto("/search?q=公安厅")
        expect(page.locator("ol.hits li.hit").first).to_be_visible()
        page.evaluate("() => document.fonts.ready")
        page.screenshot(path=str(screenshot), full_page=True)
    finally:
        context.close()
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(data[16:20], "big")
    assert width == 1280


CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", e => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""

PAGES = [
    "/",
    f"/search?q={DEPARTMENT}",
    f"/search?q={DEPARTMENT}&dept={DEPARTMENT}&from={DATE_FROM}&to={DATE_TO}",
    "/search?q=没有这样的词语xyz",
    "/issues/",
    "/issues/weekly-2024-09-09",
    "/items/weekly-2024-09-09/s3-1",
    "/departments/",
    f"/departments/{DEPARTMENT}",
    "/imports",
]


def test_pages_stay_on_localhost_without_console_errors_or_csp_violations(context: BrowserContext):
    requests: list[str] = []
    problems: list[str] = []
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))

    def on_console(message):  # CSP refusals are reported here as errors too
        if message.type in ("error", "warning"):
            problems.append(f"console {message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    for path in PAGES:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        page.wait_for_load_state("load")
        violations = page.evaluate("() => window.__cspViolations")
        problems.extend(f"{path}: CSP {v}" for v in violations)
    # the copy button works under the CSP too (app.js is a same-origin script)
    page.goto("/items/weekly-2024-09-09/s3-1")
    page.locator("li.item.target > .item-head button.copy[data-copy=link]").click()
    expect(page.locator(".toast")).to_be_visible()
    assert not problems, problems
    foreign = [url for url in requests if urlsplit(url).hostname != "127.0.0.1"]
    assert not foreign, f"requests to other hosts: {foreign}"
    assert any(url.endswith("/static/app.js") for url in requests)
    assert any(url.endswith("/static/style.css") for url in requests)


def test_phone_width(browser: Browser, base_url: str):
    context = new_context(
        browser, base_url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.goto(f"/search?q={DEPARTMENT}")
        expect(page.locator("form.searchbox input[name=q]")).to_be_visible()
        expect(page.locator("ol.hits li.hit").first).to_be_visible()
        for path in (f"/search?q={DEPARTMENT}", "/", "/items/weekly-2024-09-09/s3-1"):
            page.goto(path)
            page.wait_for_load_state("load")
            widths = page.evaluate(
                "() => ({body: document.body.scrollWidth, doc: document.documentElement.scrollWidth, window: window.innerWidth})"
            )
            assert widths["body"] <= widths["window"] and widths["doc"] <= widths["window"], (
                f"{path} overflows sideways: {widths}"
            )
        # the searchbox spans (nearly) the width, within the screen
        page.goto(f"/search?q={DEPARTMENT}")
        box = page.locator("form.searchbox input[name=q]").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    finally:
        context.close()


def test_items_chosen_across_two_result_pages_download_as_one_word_document(
    page: Page, tmp_path: Path
):
    """A member of staff ticks items on page 1 and page 2 of a search, then downloads them."""
    import io

    from docx import Document

    page.goto("/search?q=窗口&limit=5")
    boxes = page.locator("ol.hits input.choose")
    expect(boxes.first).to_be_visible()
    chosen = [boxes.nth(0).get_attribute("value"), boxes.nth(2).get_attribute("value")]
    boxes.nth(0).check()
    boxes.nth(2).check()
    bar = page.locator(".chosen-bar")
    expect(bar).to_be_visible()
    expect(bar.locator(".chosen-count")).to_have_text("已选 2 条")

    page.locator("nav.pager a[rel=next]").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(bar.locator(".chosen-count")).to_have_text("已选 2 条")  # the choice survived paging
    second = page.locator("ol.hits input.choose").nth(1)
    chosen.append(second.get_attribute("value"))
    second.check()
    expect(bar.locator(".chosen-count")).to_have_text("已选 3 条")

    page.go_back()
    for value in chosen[:2]:
        expect(page.locator(f'input.choose[value="{value}"]')).to_be_checked()

    with page.expect_download() as download_info:
        bar.locator("a.chosen-docx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    path = tmp_path / "report.docx"
    download.save_as(path)
    document = Document(io.BytesIO(path.read_bytes()))
    links = [p.hyperlinks[0].address for p in document.paragraphs if p.style.name == "条目引用"]
    by_issue: dict[str, list[str]] = {}
    for item_id in chosen:  # grouped by issue, the issues in the order first chosen
        by_issue.setdefault(item_id.split("/")[0], []).append(item_id)
    base = page.url.split("/search")[0]
    assert links == [f"{base}/items/{i}" for group in by_issue.values() for i in group]

    bar.locator("button.chosen-clear").click()
    expect(bar).to_be_hidden()
    expect(page.locator("input.choose:checked")).to_have_count(0)
