"""archive.naming: the spellings of a department's name, derived by rule from the listed ones."""

from __future__ import annotations

import pytest

from archive.naming import BARE, CONTEXT, PREFIXED, forms, spellings, split_province


@pytest.mark.parametrize(
    "name, parts",
    [
        ("四川省住房和城乡建设厅", ("四川省", "住房和城乡建设厅")),
        ("省市场监管局", ("省", "市场监管局")),
        ("四川测绘局", ("四川", "测绘局")),
        ("公安厅", ("", "公安厅")),
        ("国家税务总局四川省税务局", ("", "国家税务总局四川省税务局")),
        ("省", ("", "省")),
    ],
)
def test_the_province_is_split_off_the_front_of_a_name(name, parts):
    assert split_province(name) == parts


@pytest.mark.parametrize(
    "core, expected",
    [
        ("住房和城乡建设厅", {"住房和城乡建设厅", "住房城乡建设厅"}),
        ("人力资源和社会保障厅", {"人力资源和社会保障厅", "人力资源社会保障厅"}),
        (
            "发展和改革委员会",
            {"发展和改革委员会", "发展改革委员会", "发展和改革委", "发展改革委"},
        ),
        ("市场监督管理局", {"市场监督管理局", "市场监管局"}),
        ("药品监督管理局", {"药品监督管理局", "药品监管局"}),
        ("广播电视局", {"广播电视局", "广电局"}),
        (
            "人民政府办公厅",
            {"人民政府办公厅", "政府办公厅"},
        ),
        ("公安厅", {"公安厅"}),
    ],
)
def test_spellings_follow_the_rules_of_official_names(core, expected):
    assert set(spellings(core)) == expected
    assert spellings(core)[0] == core


def test_the_and_of_a_country_name_is_not_optional():
    assert spellings("中华人民共和国成都海关") == ["中华人民共和国成都海关"]


def test_a_name_holding_two_names_in_brackets_is_taken_as_it_is():
    assert spellings("新闻出版局（省电影局）") == ["新闻出版局（省电影局）"]


def _kinds(names: tuple[str, ...]) -> dict[str, str]:
    return {form.text: form.kind for form in forms(names)}


def test_every_spelling_comes_with_and_without_the_province():
    kinds = _kinds(("省市场监管局", "四川省市场监督管理局"))

    for text in ("四川省市场监督管理局", "省市场监督管理局", "四川市场监督管理局",
                 "四川省市场监管局", "省市场监管局", "四川市场监管局"):  # fmt: skip
        assert kinds[text] == PREFIXED, text


def test_a_bare_name_cities_also_have_needs_its_context():
    kinds = _kinds(("省市场监管局", "四川省市场监督管理局", "省发改委"))

    assert kinds["市场监管局"] == kinds["市场监督管理局"] == kinds["发改委"] == CONTEXT


def test_a_bare_name_only_the_province_has_stands_on_its_own():
    kinds = _kinds(("住房城乡建设厅", "四川省住房和城乡建设厅", "住建厅"))

    assert kinds["住房和城乡建设厅"] == kinds["住房城乡建设厅"] == kinds["住建厅"] == BARE
    assert kinds["省住建厅"] == kinds["四川省住房和城乡建设厅"] == PREFIXED


def test_a_listed_bare_name_is_taken_as_the_gazetteer_gives_it():
    kinds = _kinds(("省民族宗教委", "四川省民族宗教事务委员会", "民族宗教委"))

    assert kinds["民族宗教委"] == BARE
    assert kinds["民族宗教事务委员会"] == CONTEXT


def test_a_short_bare_form_is_never_made():
    """省中心 without 省 would be every 中心; 省外办 without it every 外办."""
    assert set(_kinds(("省中心",))) == {"省中心"}
    assert "外办" not in _kinds(("省政府外办", "省外办"))
    assert "政府外办" in _kinds(("省政府外办", "省外办"))


def test_a_name_that_says_where_it_is_takes_no_province():
    kinds = _kinds(("成都海关", "中华人民共和国成都海关", "国家税务总局四川省税务局"))

    assert set(kinds) == {"成都海关", "中华人民共和国成都海关", "国家税务总局四川省税务局"}


def test_listed_names_come_first_and_stay_marked_as_listed():
    found = forms(("住房城乡建设厅", "四川省住房和城乡建设厅", "住建厅"))

    assert [f.text for f in found if f.listed] == [
        "住房城乡建设厅",
        "四川省住房和城乡建设厅",
        "住建厅",
    ]
    assert found[0].text == "住房城乡建设厅"
    assert len({f.text for f in found}) == len(found)
