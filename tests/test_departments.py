"""The department gazetteer: names, aliases, wraps and city bodies."""

from __future__ import annotations

import pytest

from archive.departments import gazetteer


@pytest.mark.parametrize(
    "name, short",
    [
        ("住建厅", "住房城乡建设厅"),
        ("四川省住房和城乡建设厅", "住房城乡建设厅"),
        ("省发改委", "省发展改革委"),
        ("省新闻出版局 (省电影局)", "省新闻出版局（省电影局）"),
        ("省 药监局", "省药监局"),
        ("经信厅", "经济和信息化厅"),
    ],
)
def test_any_name_resolves_to_the_short_name(name, short):
    assert gazetteer().resolve(name).short_name == short


def test_unknown_names_do_not_resolve():
    assert gazetteer().resolve("国务院办公厅") is None


def test_names_broken_by_wraps_and_page_breaks_are_found():
    assert gazetteer().find("公\n安厅与省发展和改\n 革委") == ["公安厅", "省发展改革委"]


def test_the_longest_name_wins_and_each_mention_counts():
    found = gazetteer().mentions("省住房城乡建设厅、住建厅和住房城乡建设厅，公安厅")
    assert found == {"住房城乡建设厅": 3, "公安厅": 1}


@pytest.mark.parametrize(
    "text", ["德阳市市场监管局", "成都市公安厅", "资阳市政务服务管理局", "绵阳市商务厅"]
)
def test_city_bodies_are_not_provincial_departments(text):
    assert gazetteer().find(text) == []


def test_every_department_has_a_short_and_full_name():
    departments = gazetteer().departments
    assert len(departments) >= 50
    assert all(d.short_name and d.full_name for d in departments)
