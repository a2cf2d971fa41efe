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
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest
from chromium import CHROMIUM
from chromium import FLAGS as CHROMIUM_FLAGS

from service.config import Config
from web import create_app
from web.charts import month_range
from web.context import archive_of

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "screenshot-search.png"

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(
        f"{CHROMIUM} is missing (apt-get install chromium fonts-wqy-microhei); "
        "under CI this is a failure, not a skip",
        allow_module_level=True,
    )

from playwright.sync_api import Browser, BrowserContext, Page, expect  # noqa: E402

from bulletingen import INSERTED_ISSUE, REMOVED_ISSUE  # noqa: E402

DEPARTMENT = "自然资源厅"
DATE_FROM, DATE_TO = "2024-09-01", "2024-12-31"
# The weekly issues whose weeks lie in [DATE_FROM, DATE_TO]: the only ones a hit may come from.
ISSUES_IN_RANGE = {"weekly-2024-09-09", "weekly-2024-12-09"}
TIMEOUT_MS = 15_000


# ---------------------------------------------------------------- fixtures


@contextmanager
def serving(app, name: str) -> Iterator[str]:
    """An app served by waitress on 127.0.0.1:<free port> (as `bulletins serve` does) until the
    block ends; its address."""
    from waitress import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4, ident="bulletins")
    thread = threading.Thread(target=server.run, name=name, daemon=True)
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
def base_url(indexed_archive: Path) -> Iterator[str]:
    """The app on the session archive, served until the module ends."""
    with serving(create_app(Config.load(indexed_archive, host="127.0.0.1", port=0)), "e2e") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"CI is set but {CHROMIUM} is missing: .ci/run must apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright gives each launch a fresh, empty user-data dir of its own.
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_FLAGS)
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
    """The issue of every hit on the results page, from its permalink /items/<issue>/<anchor>
    (the link carries the search after it, for the issue page to mark its words)."""
    hrefs = page.locator("ol.hits li.hit a.hit-title").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    ids = []
    for href in hrefs:
        match = re.fullmatch(r"/items/([^/]+)/([^/]+)", urlsplit(href).path)
        assert match, f"a hit links to its permalink, not {href!r}"
        ids.append(match.group(1))
    return ids


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


IN_VIEW = """els => els.map(el => {
    const r = el.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
            width: window.innerWidth, height: window.innerHeight, scrollY: window.scrollY};
})"""


def boxes(locator) -> list[dict]:
    """Where each element is relative to the window."""
    return locator.evaluate_all(IN_VIEW)


def assert_in_view(box: dict, what: str) -> None:
    assert 0 <= box["top"] and box["bottom"] <= box["height"], f"{what} is on screen: {box}"
    assert 0 <= box["left"] and box["right"] <= box["width"], f"{what} is not cut off: {box}"


def assert_lands_on_target(page: Page, anchor: str) -> str:
    """The permalink page highlights exactly one item, the right one, with its top on screen:
    its label, date and buttons, and the heading of its section (however long the item);
    its text."""
    targets = page.locator(".item.target")
    expect(targets).to_have_count(1)
    target = targets.first
    expect(target).to_have_attribute("id", anchor)
    expect(target).to_be_visible()
    page.wait_for_load_state("load")
    page.wait_for_timeout(100)  # the script's second placement, once fonts have loaded
    [item] = boxes(target)
    assert 0 <= item["top"] < item["height"] / 2, f"the item's top is on screen: {item}"
    if page.evaluate("() => document.documentElement.scrollHeight > window.innerHeight * 2"):
        assert item["scrollY"] > 0, "an item below the fold is brought into view by scrolling"
    head = target.locator(":scope > .item-head")
    for part in (head.locator(".label"), head.locator(".item-date"), head.locator("button.copy")):
        for box in boxes(part):
            assert_in_view(box, f"{anchor}'s {part}")
    heading = target.locator("xpath=ancestor::section[contains(@class, 'section')][1]/h2")
    if heading.count():
        [top] = boxes(heading)
        assert_in_view(top, f"the heading of {anchor}'s section")
        assert top["bottom"] <= item["top"] + 1, "the heading does not cover the item's top"
    background = target.evaluate("el => getComputedStyle(el).backgroundColor")
    plain = page.locator(".item:not(.target)").first.evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert background != plain, "the target item is highlighted"
    return own_text(target)


def show_filters(page: Page) -> None:
    """Open the filters where they sit behind one tap (筛选, on a phone); on a laptop they show."""
    toggle = page.locator("button.filters-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
        expect(page.locator("#filters-body")).to_be_visible()


def own_text(item) -> str:
    """An item's own text (an attachment's table), without its tools' button labels."""
    return item.locator(":scope > .item-text, :scope > .table-wrap").first.inner_text()


def read_clipboard(page: Page) -> str:
    return page.evaluate("() => navigator.clipboard.readText()")


# ---------------------------------------------------------------- the scenario


def test_search_facet_dates_hit_permalink_copy_and_reopen(
    page: Page, browser: Browser, base_url: str
):
    # 1. Home: one search box; a department's name alone is the department filter.
    page.goto("/")
    box = page.locator("form.searchbox input[name=q]")
    expect(box).to_be_visible()
    box.fill(DEPARTMENT)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?dept="))
    assert query_of(page) == {"dept": [DEPARTMENT]}
    expect(page.locator("ol.hits li.hit").first).to_be_visible()
    selected = page.locator("section.facet[data-facet=department] a.on")
    expect(selected).to_have_count(1)
    expect(selected).to_contain_text(DEPARTMENT)
    expect(page.locator("aside.filters .selected")).to_contain_text(f"部门：{DEPARTMENT}")
    listed = page.request.get(f"/api/search?dept={DEPARTMENT}").json()
    assert hit_issue_ids(page) == [h["issue_id"] for h in listed["hits"]]
    starts = [h["date_from"] for h in listed["hits"]]
    assert starts == sorted(starts, reverse=True), "newest first"
    all_issues = set(hit_issue_ids(page))
    assert len(all_issues) > len(ISSUES_IN_RANGE), (
        "the department's items span more issues than the date range"
    )

    # 2. Narrow by dates with the date form (typed as text, whatever the locale).
    dates = page.locator("form.dates")
    dates.locator("input[name=from]").fill(DATE_FROM)
    dates.locator("input[name=to]").fill(DATE_TO)
    dates.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"from=2024-09-01"))
    params = query_of(page)
    assert params["from"] == [DATE_FROM] and params["to"] == [DATE_TO]
    assert params["dept"] == [DEPARTMENT], "the date form keeps the search"
    expect(page.locator("section.facet[data-facet=department] a.on")).to_contain_text(DEPARTMENT)

    # 3. Only hits from the issues of that range remain.
    issues = hit_issue_ids(page)
    assert issues, "the narrowed search still finds something"
    assert set(issues) <= ISSUES_IN_RANGE, f"hits outside {DATE_FROM}..{DATE_TO}: {issues}"
    for hit in page.locator("ol.hits li.hit").all():
        expect(hit.locator("ul.depts")).to_contain_text(DEPARTMENT)
    results = page.url

    # 4. Open the first hit: its permalink lands on the highlighted item, the department's
    #    names marked, with the way back to the results.
    first = page.locator("ol.hits li.hit a.hit-title").first
    path = urlsplit(first.get_attribute("href")).path
    issue_id, anchor = re.fullmatch(r"/items/([^/]+)/([^/]+)", path).groups()
    first.click()
    page.wait_for_url(lambda url: urlsplit(url).path == path)
    text = assert_lands_on_target(page, anchor)
    target = page.locator("li.item.target")
    assert DEPARTMENT in target.inner_text()
    expect(target.locator(":scope > .item-text mark").first).to_have_text(DEPARTMENT)
    back = page.locator("p.back a")
    expect(back).to_have_text("← 返回检索结果")

    # 5. 复制链接: the clipboard holds the absolute permalink, without the search.
    target.locator(":scope > .item-head button.copy[data-copy=link]").click()
    expect(page.locator(".toast")).to_contain_text("已复制链接")
    expect(page.locator(".toast")).to_contain_text("指向本机")  # 127.0.0.1: no colleague's
    link = read_clipboard(page)
    assert link == f"{base_url}/items/{issue_id}/{anchor}"

    # 6. The copied link in a fresh context (no history, no cookies) shows the same item.
    fresh = new_context(browser, base_url)
    try:
        other = fresh.new_page()
        other.goto(link)
        assert other.url == link
        assert assert_lands_on_target(other, anchor) == text
        expect(other.locator("mark")).to_have_count(0)
    finally:
        fresh.close()

    # 7. 复制引用: the citation, then the same URL.
    target.locator(":scope > .item-head button.copy[data-copy=citation]").click()
    expect(page.locator(".toast")).to_contain_text("已复制引用")
    citation = read_clipboard(page)
    expected = page.request.get(f"/api/items/{issue_id}/{anchor}").json()["citation"]
    assert citation == f"{expected} {link}"
    issue_title = page.locator("header.masthead h1").inner_text()
    assert citation.startswith(issue_title.removesuffix("）")), "it starts with the issue"

    # 8. Back to the results, as they were.
    back.click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/search")
    assert query_of(page) == parse_qs(urlsplit(results).query)


def test_kind_facet_toggles_on_and_off(page: Page):
    page.goto(f"/search?dept={DEPARTMENT}")
    weekly = page.locator("section.facet[data-facet=kind] a", has_text="周报")
    weekly.click()
    page.wait_for_url(re.compile(r"kind=weekly"))
    expect(page.locator("section.facet[data-facet=kind] a.on")).to_contain_text("周报")
    assert all(i.startswith("weekly-") for i in hit_issue_ids(page))
    page.locator("section.facet[data-facet=kind] a.on").click()  # a selected facet link removes it
    page.wait_for_url(lambda url: "kind=" not in url)
    expect(page.locator("section.facet[data-facet=kind] a.on")).to_have_count(0)
    assert any(i.startswith("monthly-") for i in hit_issue_ids(page))


def test_the_issue_s_period_and_publication_date_narrow_the_hits_by_their_labels(page: Page):
    page.goto(f"/search?q={DEPARTMENT}")
    dates = page.locator("form.dates")
    dates.get_by_label("所属期从").fill("2024-09-10")
    dates.get_by_label("所属期至").fill("2024-09-10")
    dates.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"period_from=2024-09-10"))
    expect(page.locator("aside.filters .selected")).to_contain_text(
        "所属期：2024年9月10日 至 2024年9月10日"
    )
    assert set(hit_issue_ids(page)) == {"weekly-2024-09-09"}, "only the issue of that week"

    page.locator("form.dates").get_by_label("印发日期从").fill("2024-09-24")
    page.locator("form.dates button[type=submit]").click()
    page.wait_for_url(re.compile(r"published_from=2024-09-24"))
    expect(page.locator("ol.hits li.hit")).to_have_count(0)  # 第37期 came out on 9-23
    page.locator("aside.filters .selected a.remove", has_text="印发日期").click()
    page.wait_for_url(lambda url: "published_from" not in url)
    assert set(hit_issue_ids(page)) == {"weekly-2024-09-09"}


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
    f"/search?dept={DEPARTMENT}",
    f'/search?q="{DEPARTMENT}"',
    f"/search?q=一件事&dept={DEPARTMENT}&from={DATE_FROM}&to={DATE_TO}",
    "/search?q=一件事&kind=weekly&from=2024-12-31&to=2024-01-01",
    "/search?q=没有这样的词语xyz",
    "/issues/",
    "/issues/?year=2024&kind=weekly",
    "/issues/?q=第1期",
    "/issues/weekly-2024-09-09",
    "/issues/weekly-2024-01-02",
    "/items/weekly-2024-09-09/s3-1",
    "/items/weekly-2024-09-09/s4-1?q=一件事",
    "/items/weekly-2024-01-02/a1",
    "/departments/",
    f"/departments/{DEPARTMENT}",
    "/departments/公安厅",
    "/imports",
    "/figures/",
    "/figures/window-accept",
    "/figures/assessment-score?dept=住建厅",
    "/report?item=weekly-2024-09-09/s1-2&item=weekly-2024-01-02/a1",
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


# ---------------------------------------------------------------- a phone and a laptop

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 900}}
SIZES = {"phone": PHONE, "laptop": LAPTOP}


@pytest.fixture(params=list(SIZES))
def sized(request, browser: Browser, base_url: str) -> Iterator[Page]:
    """A page in a fresh context at 390×844 (a phone, touch) and at 1366×900 (a laptop)."""
    context = new_context(browser, base_url, **SIZES[request.param])
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser: Browser, base_url: str) -> Iterator[Page]:
    context = new_context(browser, base_url, **PHONE)
    yield context.new_page()
    context.close()


def test_no_page_is_wider_than_a_phone(phone: Page):
    for path in PAGES:
        phone.goto(path)
        phone.wait_for_load_state("load")
        widths = phone.evaluate(
            "() => ({body: document.body.scrollWidth, doc: document.documentElement.scrollWidth,"
            " window: window.innerWidth})"
        )
        assert widths["body"] <= widths["window"] and widths["doc"] <= widths["window"], (
            f"{path} overflows sideways: {widths}"
        )
        box = phone.locator("form.searchbox input[name=q]").first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{path}: a search box"


def test_dates_and_table_cells_do_not_break_a_character_a_line_on_a_phone(phone: Page):
    for path, cells in (
        ("/issues/", "table.issue-list td"),
        ("/departments/住房城乡建设厅", "table th"),
        ("/imports", "table.import-list td"),
    ):
        phone.goto(path)
        tall = phone.locator(cells).evaluate_all(
            """cells => cells.filter(c => c.innerText.trim().length > 1).map(c => {
                const line = parseFloat(getComputedStyle(c).lineHeight) || 24;
                const chars = c.innerText.trim().length;
                const lines = Math.round(c.getBoundingClientRect().height / line);
                return {text: c.innerText.trim(), lines, chars};
            }).filter(c => c.lines > 2 && c.lines >= c.chars / 2)"""
        )
        assert not tall, f"{path}: cells wrapped a character or two a line: {tall}"
    phone.goto("/search?q=一件事")
    tools = phone.locator(".summary .tools > *").evaluate_all(
        """els => els.map(e => ({text: e.innerText, lines: e.getClientRects().length,
            height: e.getBoundingClientRect().height,
            line: parseFloat(getComputedStyle(e).lineHeight) || 22}))"""
    )
    broken = [t for t in tools if t["lines"] > 1 or t["height"] > 1.5 * t["line"]]
    assert tools and not broken, f"the results' tools (排序, 导出 …) each keep to one line: {broken}"
    phone.goto("/imports")
    names = phone.locator("table.import-list td:first-child").evaluate_all(
        "cells => cells.map(c => c.getBoundingClientRect().height)"
    )
    assert max(names) < 3 * 28, "a file name takes at most two lines"


@pytest.mark.parametrize(
    "anchor",
    [
        "weekly-2024-09-09/s2-1",  # a long item: it opened in its middle
        "weekly-2024-01-02/a1",  # a long table
        "weekly-2024-09-09/s6-2-1",  # a sub-item, far below its section's heading
        "monthly-2025-06/s4-5",  # the last item of an issue
    ],
)
def test_a_permalink_shows_the_items_top_label_date_buttons_and_section_heading(
    sized: Page, anchor: str
):
    sized.goto(f"/items/{anchor}")

    assert_lands_on_target(sized, anchor.split("/")[1])


def test_more_values_of_a_facet_open_by_click_and_by_keyboard(sized: Page):
    sized.goto("/search?q=一件事")
    show_filters(sized)
    facet = sized.locator("section.facet[data-facet=department]")
    values = sized.request.get("/api/search?q=一件事").json()["facets"]["department"]
    more = facet.locator("details.more")
    hidden = more.locator("li")
    expect(facet.locator(":scope > ul > li")).to_have_count(8)
    summary = more.locator("summary")
    assert summary.inner_text().strip() == f"更多 ({len(values) - 8})"  # as shown
    expect(hidden.first).to_be_hidden()

    more.locator("summary").click()
    expect(hidden).to_have_count(len(values) - 8)
    for item in hidden.all():
        expect(item).to_be_visible()
    assert summary.inner_text().strip() == "收起"
    more.locator("summary").click()
    expect(hidden.first).to_be_hidden()

    more.locator("summary").focus()
    sized.keyboard.press("Enter")
    expect(hidden.first).to_be_visible()
    sized.keyboard.press("Space")
    expect(hidden.first).to_be_hidden()
    more.locator("summary").focus()
    sized.keyboard.press("Space")
    expect(hidden.last).to_be_visible()
    sized.keyboard.press("Tab")  # on to the first value shown
    expect(sized.locator(":focus")).to_have_attribute(
        "href", re.compile(r"dept=" + re.escape(quote_plus(values[8][0])))
    )


def test_more_values_of_a_facet_open_by_touch_on_a_phone(phone: Page):
    phone.goto("/search?q=一件事")
    phone.locator("button.filters-toggle").tap()
    more = phone.locator("section.facet[data-facet=department] details.more")
    more.locator("summary").tap()
    expect(more.locator("li").last).to_be_visible()
    more.locator("li a").last.tap()
    phone.wait_for_url(re.compile(r"dept="))


def test_on_a_phone_the_filters_are_one_tap_away_above_the_results(phone: Page):
    phone.goto("/search?q=一件事")
    toggle = phone.locator("button.filters-toggle")
    first_hit = phone.locator("ol.hits li.hit").first
    expect(toggle).to_be_visible()
    expect(first_hit).to_be_visible()
    assert toggle.bounding_box()["y"] < first_hit.bounding_box()["y"], "above the results"
    expect(phone.locator("form.dates")).to_be_hidden()
    assert toggle.get_attribute("aria-expanded") == "false"

    toggle.tap()
    expect(phone.locator("form.dates")).to_be_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    kind = phone.locator("section.facet[data-facet=kind] a", has_text="周报")
    assert kind.bounding_box()["y"] < first_hit.bounding_box()["y"]
    kind.tap()
    phone.wait_for_url(re.compile(r"kind=weekly"))
    expect(phone.locator("button.filters-toggle")).to_contain_text("已选 1 项")


def test_a_laptop_shows_the_filters_beside_the_results_without_a_toggle(page: Page):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/search?q=一件事")

    expect(page.locator("button.filters-toggle")).to_be_hidden()
    expect(page.locator("form.dates")).to_be_visible()
    assert page.locator("aside.filters").bounding_box()["x"] < page.locator(
        "ol.hits"
    ).bounding_box()["x"]


# ---------------------------------------------------------------- dates


@pytest.fixture(params=list(SIZES))
def english(request, browser: Browser, base_url: str) -> Iterator[Page]:
    """A browser whose locale is not Chinese (a native date picker would show mm/dd/yyyy), on a
    phone and on a laptop."""
    context = browser.new_context(base_url=base_url, locale="en-US", **SIZES[request.param])
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_the_date_fields_take_a_day_and_a_chinese_month_whatever_the_locale(english: Page):
    english.goto("/search?q=一件事")
    assert english.evaluate("() => navigator.language") == "en-US"
    show_filters(english)
    dates = english.locator("form.dates")
    for name in ("from", "to"):
        assert dates.locator(f"input[name={name}]").get_attribute("type") == "text"
    dates.locator("input[name=from]").fill("2024-09-01")
    dates.locator("input[name=to]").fill("2024年12月")
    dates.locator("button[type=submit]").click()
    english.wait_for_url(re.compile(r"from=2024-09-01"))

    expect(dates.locator("input[name=from]")).to_have_value("2024-09-01")
    expect(dates.locator("input[name=to]")).to_have_value("2024-12-31")
    expect(english.locator("aside.filters .selected")).to_contain_text(
        "日期：2024年9月1日 至 2024年12月31日"
    )
    issues = set(hit_issue_ids(english))
    assert issues and issues <= ISSUES_IN_RANGE


def test_quick_ranges_and_a_month(sized: Page):
    from datetime import date

    page = sized
    page.goto("/search?q=一件事&kind=weekly")
    today = date.today()
    show_filters(page)
    page.locator("form.dates p.quick a", has_text="今年").click()
    page.wait_for_url(re.compile(r"from="))
    assert query_of(page)["from"] == [f"{today.year}-01-01"]
    assert query_of(page)["kind"] == ["weekly"], "the other filters stay"
    expect(page.locator("form.dates p.quick a.on")).to_have_text("今年")
    show_filters(page)
    page.locator("form.dates p.quick a", has_text="去年").click()
    page.wait_for_url(re.compile(rf"from={today.year - 1}-01-01"))
    show_filters(page)
    page.locator("form.dates p.quick a", has_text="近一个月").click()
    page.wait_for_url(re.compile(rf"to={today.isoformat()}"))
    month_ago = query_of(page)["from"]
    show_filters(page)
    page.locator("form.dates p.quick a", has_text="近三个月").click()
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query)["from"] != month_ago)
    assert query_of(page)["to"] == [today.isoformat()] and query_of(page)["from"] < month_ago

    show_filters(page)
    page.locator("form.month select").select_option("2024-09")
    page.locator("form.month button").click()
    page.wait_for_url(re.compile(r"to=2024-09-30"))
    assert query_of(page)["from"] == ["2024-09-01"] and query_of(page)["kind"] == ["weekly"]
    assert set(hit_issue_ids(page)) == {"weekly-2024-09-09"}
    expect(page.locator("form.month select")).to_have_value("2024-09")


def test_a_start_after_the_end_is_said_beside_the_fields_keeping_every_other_filter(
    sized: Page,
):
    sized.goto("/search?q=一件事&kind=weekly")
    show_filters(sized)
    dates = sized.locator("form.dates")
    dates.locator("input[name=from]").fill("2024-12-31")
    dates.locator("input[name=to]").fill("2024-01-01")
    dates.locator("button[type=submit]").click()
    sized.wait_for_url(re.compile(r"to=2024-01-01"))

    error = dates.locator("p.field-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("起始日期（2024年12月31日）晚于结束日期（2024年1月1日）")
    [field] = boxes(dates.locator("input[name=to]"))
    [said] = boxes(error)
    assert 0 <= said["top"] - field["bottom"] < 120, "beside the fields"
    expect(dates.locator("input[name=from]")).to_have_value("2024-12-31")
    expect(sized.locator("section.facet[data-facet=kind] a.on")).to_contain_text("周报")
    expect(sized.locator("form.searchbox input[name=q]").first).to_have_value("一件事")
    assert hit_issue_ids(sized), "the search stands without the dates"
    assert all(i.startswith("weekly-") for i in hit_issue_ids(sized))


# ---------------------------------------------------------------- order, and arriving from a search


def hit_days(page: Page) -> list[str]:
    """The first day each hit on the page reports, in the page's order (read from its JSON twin,
    which lists the same hits)."""
    hits = page.request.get("/api/search?" + urlsplit(page.url).query).json()["hits"]
    assert hit_issue_ids(page) == [h["issue_id"] for h in hits]
    return [h["date_from"] or "" for h in hits]


def test_a_department_alone_is_newest_first_and_both_orders_are_offered(sized: Page):
    sized.goto("/")
    box = sized.locator("form.searchbox input[name=q]").first
    box.fill("住建厅")
    box.press("Enter")
    sized.wait_for_url(re.compile(r"/search\?dept="))
    sort = sized.locator(".summary .sort")
    expect(sort.locator("strong[aria-current]")).to_have_text("最新")
    newest = hit_days(sized)
    assert newest == sorted(newest, reverse=True) and len(set(newest)) > 1, newest

    sort.locator("a", has_text="最早").click()
    sized.wait_for_url(re.compile(r"sort=oldest"))
    expect(sized.locator(".summary .sort strong[aria-current]")).to_have_text("最早")
    oldest = hit_days(sized)
    assert oldest == sorted(oldest) and oldest[0] < newest[0], oldest
    assert query_of(sized)["dept"] == ["住房城乡建设厅"], "the order keeps the filter"

    sized.goto("/search?q=一件事")
    sort = sized.locator(".summary .sort")
    expect(sort.locator("strong[aria-current]")).to_have_text("相关度")
    assert [a.inner_text() for a in sort.locator("a").all()] == ["最新", "最早"]


def test_arriving_from_a_search_its_words_are_marked_with_the_way_back(sized: Page):
    sized.goto("/search?q=一件事&kind=weekly")
    results = sized.url
    first = sized.locator("ol.hits li.hit a.hit-title").first
    path = urlsplit(first.get_attribute("href")).path
    first.click()
    sized.wait_for_url(lambda url: urlsplit(url).path == path)

    target = sized.locator(".item.target")
    marks = target.locator("mark")
    expect(marks.first).to_be_visible()
    assert {m.strip() for m in marks.all_inner_texts()} <= {"一件事", "一件", "事"}
    assert "一件事" in "".join(marks.all_inner_texts())
    back = sized.locator("p.back a")
    expect(back).to_have_text("← 返回检索结果")
    expect(sized.locator("header.site form.searchbox input[name=q]")).to_be_visible()
    back.click()
    sized.wait_for_url(lambda url: urlsplit(url).path == "/search")
    assert query_of(sized) == parse_qs(urlsplit(results).query)


# ---------------------------------------------------------------- links and citations


def test_the_copied_citation_is_the_exact_text_a_report_takes(sized: Page, base_url: str):
    page = sized
    page.goto("/items/weekly-2024-09-09/s1-2")
    page.locator("li.item.target > .item-head button.copy[data-copy=citation]").click()
    expect(page.locator(".toast")).to_contain_text("已复制引用")

    assert read_clipboard(page) == (
        "《窗口工作周报》2024年第37期（总第508期，2024年9月23日印发）"
        "一、智慧政务能力提升项目推进情况 第（二）项（2024年9月11日） "
        f"{base_url}/items/weekly-2024-09-09/s1-2"
    )
    page.goto("/items/weekly-2024-01-02/a1")
    page.locator("section.target .item-tools button.copy[data-copy=citation]").click()
    expect(page.locator(".toast")).to_contain_text("已复制引用")
    assert read_clipboard(page) == (
        "《窗口工作周报》2024年第1期（总第472期，2024年1月16日印发）"
        "附件1：2023年11月省政务服务大厅进驻部门（单位）窗口考核结果 "
        f"{base_url}/items/weekly-2024-01-02/a1"
    )


@pytest.fixture(scope="module")
def base_url_configured(indexed_archive: Path) -> Iterator[str]:
    """The same archive served by an app configured with the address staff reach it at."""
    app = create_app(Config.load(indexed_archive, base_url="https://bulletins.example.gov.cn"))
    with serving(app, "e2e-base") as url:
        yield url


def test_with_a_base_url_copied_links_and_citations_are_on_it_and_no_note_is_needed(
    browser: Browser, base_url_configured: str
):
    context = new_context(browser, base_url_configured)
    try:
        page = context.new_page()
        page.goto("/items/weekly-2024-09-09/s1-2")
        expect(page.locator("p.link-note")).to_have_count(0)
        page.locator("li.item.target > .item-head button.copy[data-copy=link]").click()
        expect(page.locator(".toast")).to_have_text(
            "已复制链接：https://bulletins.example.gov.cn/items/weekly-2024-09-09/s1-2"
        )
        assert read_clipboard(page) == (
            "https://bulletins.example.gov.cn/items/weekly-2024-09-09/s1-2"
        )
    finally:
        context.close()


def test_an_issue_number_typed_in_the_box_opens_the_issue_or_lists_them(sized: Page):
    page = sized
    page.goto("/issues/")
    box = page.locator("header.site form.searchbox input[name=q]")
    box.fill("2024年第37期")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/issues/weekly-2024-09-09$"))
    expect(page.locator("header.masthead h1")).to_have_text("《窗口工作周报》2024年第37期（总第508期）")

    box = page.locator("header.site form.searchbox input[name=q]")
    box.fill("第1期")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/issues/\?q="))
    expect(page.locator("table.issue-list tbody tr")).to_have_count(2)

    page.goto("/")
    page.locator("form.searchbox input[name=q]").fill("2025年6月月报")
    page.locator("form.searchbox button").click()
    page.wait_for_url(re.compile(r"/issues/monthly-2025-06$"))


def test_the_issue_list_narrows_by_year_and_kind(sized: Page):
    sized.goto("/issues/")
    expect(sized.locator("table.issue-list tbody tr")).to_have_count(5)
    sized.locator("nav.narrow a", has_text="2024年").click()
    sized.wait_for_url(re.compile(r"year=2024"))
    expect(sized.locator("table.issue-list tbody tr")).to_have_count(3)
    sized.locator("nav.narrow a", has_text="月报").click()
    sized.wait_for_url(re.compile(r"kind=monthly"))
    expect(sized.locator("p.empty")).to_contain_text("没有符合条件的一期")
    sized.locator("nav.narrow a", has_text="全部").first.click()
    sized.wait_for_url(lambda url: "year=" not in url)
    expect(sized.locator("table.issue-list tbody tr")).to_have_count(2)


def test_every_example_on_the_home_page_finds_something(sized: Page):
    page = sized
    page.goto("/")
    examples = page.locator("a.example")
    assert examples.count() >= 2
    for href in examples.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        page.goto(href)
        expect(page.locator("ol.hits li.hit").first).to_be_visible()


def test_the_department_chart_labels_every_bar_and_gives_its_numbers_as_a_table(sized: Page):
    sized.goto("/departments/公安厅")
    box = sized.locator("section.chart-box").first
    chart = box.locator("div.chart-scroll svg")
    counts = dict(sized.request.get("/api/departments/公安厅").json()["months"])
    every = month_range(min(counts), max(counts))
    months = chart.locator("text.month")
    expect(months).to_have_count(len(every))
    assert months.all_text_contents() == [f"{int(m[5:])}月" for m in every]
    bars = chart.locator("rect.bar")
    assert bars.evaluate_all("bs => bs.map(b => b.dataset.month)") == sorted(counts)
    rows = box.locator("div.month-table tbody tr")
    expect(rows).to_have_count(len(every))
    [scroll] = boxes(box.locator("div.chart-scroll"))
    assert scroll["right"] <= scroll["width"], "the chart stays inside the page"
    newest = chart.locator("text.month").last
    newest.scroll_into_view_if_needed()
    assert newest.is_visible()
    height = newest.evaluate("t => t.getBoundingClientRect().height")
    assert height >= 9, "a label one can read (not a 720 px chart shrunk into a phone)"
    expect(rows.first.locator("td").first).to_have_text("2025年6月")


def test_a_series_chart_keeps_its_labels_readable_and_scrolls_inside_the_page(sized: Page):
    sized.goto("/figures/window-accept")
    scroll = sized.locator("section.chart-box div.chart-scroll").first
    labels = scroll.locator("svg.series-chart text")
    expect(labels.first).to_be_attached()
    heights = labels.evaluate_all("ts => ts.map(t => t.getBoundingClientRect().height)")
    assert min(heights) >= 9, f"labels one can read (a 720-wide chart not shrunk to a phone): {heights}"
    [box] = boxes(scroll)
    assert box["left"] >= 0 and box["right"] <= box["width"], "the chart stays inside the page"
    assert sized.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_the_original_opens_beside_the_issue_and_downloads(sized: Page):
    page = sized
    page.goto("/issues/weekly-2024-09-09")
    view = page.locator("header.masthead p.original a", has_text="查看原文")
    with page.context.expect_page() as opened:
        view.click()
    original = opened.value
    original.wait_for_load_state()
    assert original.url.endswith("/issues/weekly-2024-09-09/original")
    assert "（一）9 月 9 日，省中心党委书记" in original.locator("body").inner_text()
    original.close()
    with page.expect_download() as saved:
        page.locator("header.masthead p.original a", has_text="下载").click()
    assert saved.value.suggested_filename == "2024-weekly-37.txt"


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


@pytest.fixture(scope="module")
def pdf_archive_url(tmp_path_factory, corpus_texts) -> Iterator[str]:
    """An archive built from a PDF of a bulletin (made by reportlab), served on its own."""
    from service.archive import Archive

    from pdfgen import make_pdf

    folder = tmp_path_factory.mktemp("pdf-archive")
    pdf = make_pdf(corpus_texts["2024-weekly-01"], folder / "2024-weekly-01.pdf")
    config = Config.load(folder / "data")
    with Archive(config) as archive:
        assert archive.ingest([pdf]).ok
    with serving(create_app(config), "e2e-pdf") as url:
        yield url


@pytest.mark.parametrize("size", list(SIZES))
def test_an_item_of_a_pdf_bulletin_opens_the_page_it_starts_on_in_the_browsers_viewer(
    browser: Browser, pdf_archive_url: str, size: str
):
    context = new_context(browser, pdf_archive_url, **SIZES[size])
    try:
        page = context.new_page()
        page.goto("/items/weekly-2024-01-02/a1")
        link = page.locator("section.target .item-tools a.page")
        expect(link).to_have_text(re.compile(r"原文第 [2-9] 页"))
        number = re.search(r"\d+", link.inner_text()).group()
        with context.expect_page() as opened:
            link.click()
        viewer = opened.value
        viewer.wait_for_load_state()
        assert viewer.url == f"{pdf_archive_url}/issues/weekly-2024-01-02/original#page={number}"
        assert viewer.evaluate("() => document.contentType") == "application/pdf"
        viewer.wait_for_timeout(500)
        assert any(f.url.startswith("chrome-extension://") for f in viewer.frames), (
            "the browser's own PDF viewer shows it"
        )
    finally:
        context.close()


# ---------------------------------------------------------------- corrections


@pytest.fixture(scope="module")
def corrected_url(corrected_archive: Path) -> Iterator[str]:
    """The app on the corrected archive (bulletingen.write_corrections), served for the module."""
    config = Config.load(corrected_archive, host="127.0.0.1", port=0)
    with serving(create_app(config), "e2e-corrected") as url:
        yield url


def test_links_copied_before_a_correction_open_their_items_and_after_it_name_the_version(
    browser: Browser, corrected_url: str
):
    context = new_context(browser, corrected_url)
    page = context.new_page()
    # An item moved by an insertion before it: the old link lands on it, saying so.
    page.goto(f"/items/{INSERTED_ISSUE}/s1-2")
    page.wait_for_url(re.compile(rf"/items/{INSERTED_ISSUE}/v2/s1-3"))
    assert "窗口首席事务代表工作例会" in assert_lands_on_target(page, "s1-3")
    notice = page.locator("p.notice.correction")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("位置有变")
    # 复制链接 now copies a link that names the version it means.
    page.locator("li.item.target > .item-head button.copy[data-copy=link]").click()
    expect(page.locator(".toast")).to_contain_text("已复制链接")
    assert read_clipboard(page).endswith(f"/items/{INSERTED_ISSUE}/v2/s1-3")
    # An item the correction removed: shown as it was, with a notice and the way to the current.
    page.goto(f"/items/{REMOVED_ISSUE}/s1-3")
    assert "100余人" in assert_lands_on_target(page, "s1-3")
    expect(page.locator("p.notice.correction")).to_contain_text("删去")
    page.locator("p.notice.correction a.current").click()
    page.wait_for_url(re.compile(rf"/issues/{REMOVED_ISSUE}$"))
    expect(page.locator("p.notice.correction")).to_contain_text("本期已更正")
    # Every version is listed, and the first opens as it was published.
    page.locator("section.versions li[data-version='1'] > a").first.click()
    page.wait_for_url(re.compile(rf"/issues/{REMOVED_ISSUE}/v1$"))
    expect(page.locator("p.notice.correction")).to_contain_text("更正前的第1版")
    expect(page.locator("li.item#s1-3")).to_contain_text("100余人")
    context.close()
