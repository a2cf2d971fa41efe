"""Department names in a real browser: the search box and the department filter complete them
(a native <datalist>), the filter takes any name, and a wrong one is answered with a link.

The server and chromium are those of test_e2e (skipped, like it, without /usr/bin/chromium).
"""

from __future__ import annotations

import re

import test_e2e as e2e
from playwright.sync_api import Page, expect

from archive.departments import gazetteer

# test_e2e's server, browser and pages, for this module too (pytest finds fixtures by name)
base_url, browser, context, page = e2e.base_url, e2e.browser, e2e.context, e2e.page
query_of = e2e.query_of

OPTIONS = "input => Array.from(input.list.options, o => [o.value, o.label])"


def test_the_search_box_and_the_department_filter_complete_department_names(page: Page):
    page.goto("/search?q=审批")

    for field in ("form.searchbox input[name=q]", "form.dept-filter input[name=dept]"):
        offered = dict(page.locator(field).evaluate(OPTIONS))  # the browser's own list
        assert len(offered) == len(gazetteer().completions())
        assert offered["住建厅"] == "住房城乡建设厅"
        assert offered["四川省人力资源和社会保障厅"] == "人力资源社会保障厅"


def test_the_department_filter_takes_any_name_and_keeps_the_search(page: Page):
    page.goto("/search?q=审批")
    field = page.locator("form.dept-filter input[name=dept]")

    field.fill("住房和城乡建设厅")
    field.press("Enter")

    page.wait_for_url(re.compile(r"dept="))
    assert query_of(page)["q"] == ["审批"]
    expect(page.locator("aside.filters .selected")).to_contain_text("部门：住房城乡建设厅")
    expect(field).to_have_value("住房城乡建设厅")
    for hit in page.locator("ol.hits li.hit").all():
        expect(hit.locator("ul.depts")).to_contain_text("住房城乡建设厅")


def test_a_wrong_name_in_the_filter_is_answered_with_a_link_to_the_right_one(page: Page):
    page.goto("/search?q=审批")
    field = page.locator("form.dept-filter input[name=dept]")

    field.fill("住房和城乡建设部")
    field.press("Enter")

    expect(page.locator("p.reason")).to_have_text("未知部门：住房和城乡建设部")
    suggestion = page.locator("p.suggestions a")
    expect(suggestion).to_have_text("住房城乡建设厅")
    suggestion.click()
    page.wait_for_url(re.compile(r"dept="))
    assert query_of(page) == {"q": ["审批"], "dept": ["住房城乡建设厅"]}
    expect(page.locator("ol.hits li.hit").first).to_be_visible()
