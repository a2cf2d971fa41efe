"""The department gazetteer: every name a department goes by, read in its context as a colleague would."""

from __future__ import annotations

from collections import defaultdict

import pytest

from archive.departments import did_you_mean, gazetteer
from archive.naming import forms

# --- resolving a name (what users type: --dept, dept=, /departments/<name>) ---------


@pytest.mark.parametrize(
    "name, short",
    [
        # the short name, the official full name, with and without 四川省 / 省
        ("省市场监管局", "省市场监管局"),
        ("四川省市场监督管理局", "省市场监管局"),
        ("省市场监督管理局", "省市场监管局"),
        ("市场监督管理局", "省市场监管局"),
        ("市场监管局", "省市场监管局"),
        ("四川省药品监督管理局", "省药监局"),
        ("省药品监督管理局", "省药监局"),
        ("省药品监管局", "省药监局"),
        # with and without 和
        ("住房和城乡建设厅", "住房城乡建设厅"),
        ("住房城乡建设厅", "住房城乡建设厅"),
        ("四川省住房城乡建设厅", "住房城乡建设厅"),
        ("人力资源和社会保障厅", "人力资源社会保障厅"),
        ("省人力资源和社会保障厅", "人力资源社会保障厅"),
        ("人力资源社会保障厅", "人力资源社会保障厅"),
        ("省林业草原局", "省林草局"),
        ("经济信息化厅", "经济和信息化厅"),
        # 委员会 / 委, 广播电视局 / 广电局, 人民政府 / 政府
        ("省发展和改革委员会", "省发展改革委"),
        ("省发展改革委员会", "省发展改革委"),
        ("发展改革委", "省发展改革委"),
        ("四川省卫生健康委", "省卫生健康委"),
        ("省卫生健康委员会", "省卫生健康委"),
        ("省广播电视局", "省广电局"),
        ("四川省广电局", "省广电局"),
        ("省医疗保障局", "省医保局"),
        ("省政府办公厅", "省政府办公厅"),
        ("四川省人民政府办公厅", "省政府办公厅"),
        ("省政府外事办公室", "省政府外办"),
        # the short forms in use
        ("住建厅", "住房城乡建设厅"),
        ("省住建厅", "住房城乡建设厅"),
        ("人社厅", "人力资源社会保障厅"),
        ("省人社厅", "人力资源社会保障厅"),
        ("发改委", "省发展改革委"),
        ("省发改委", "省发展改革委"),
        ("卫健委", "省卫生健康委"),
        ("医保局", "省医保局"),
        ("经信厅", "经济和信息化厅"),
        ("省经信厅", "经济和信息化厅"),
        ("文旅厅", "文化和旅游厅"),
        ("交通厅", "交通运输厅"),
        ("应急厅", "应急管理厅"),
        ("林草局", "省林草局"),
        ("药监局", "省药监局"),
        ("广电局", "省广电局"),
        ("省 药监局", "省药监局"),
        ("省新闻出版局 (省电影局)", "省新闻出版局（省电影局）"),
        ("省税务局", "四川省税务局"),
        ("国家税务总局四川省税务局", "四川省税务局"),
        ("四川测绘地理信息局", "四川测绘局"),
        ("四川省贸促会", "省贸促会"),
    ],
)
def test_any_name_resolves_to_the_short_name(name, short):
    assert gazetteer().resolve(name).short_name == short


@pytest.mark.parametrize(
    "name",
    ["国务院办公厅", "国家市场监督管理总局", "住房和城乡建设部", "自然资源部", "国家税务总局",
     "德阳市市场监管局", "成都市人社局", "厅", "省", "四川省", "中心"],
)  # fmt: skip
def test_names_of_other_bodies_do_not_resolve(name):
    assert gazetteer().resolve(name) is None


PROVINCIAL_DEPARTMENTS = [  # 四川省人民政府: 组成部门, 直属特设机构, 直属机构, 部门管理机构
    "四川省人民政府办公厅", "四川省发展和改革委员会", "四川省教育厅", "四川省科学技术厅",
    "四川省经济和信息化厅", "四川省民族宗教事务委员会", "四川省公安厅", "四川省民政厅",
    "四川省司法厅", "四川省财政厅", "四川省人力资源和社会保障厅", "四川省自然资源厅",
    "四川省生态环境厅", "四川省住房和城乡建设厅", "四川省交通运输厅", "四川省水利厅",
    "四川省农业农村厅", "四川省商务厅", "四川省文化和旅游厅", "四川省卫生健康委员会",
    "四川省退役军人事务厅", "四川省应急管理厅", "四川省审计厅", "四川省人民政府外事办公室",
    "四川省人民政府国有资产监督管理委员会", "四川省市场监督管理局", "四川省广播电视局",
    "四川省体育局", "四川省统计局", "四川省医疗保障局", "四川省机关事务管理局",
    "四川省林业和草原局", "四川省信访局", "四川省地方金融监督管理局", "四川省经济合作局",
    "四川省国防动员办公室", "四川省知识产权局", "四川省药品监督管理局", "四川省数据局",
    "四川省文物局", "四川省中医药管理局", "四川省粮食和物资储备局", "四川省能源局",
    "四川省监狱管理局",
]  # fmt: skip


@pytest.mark.parametrize("name", PROVINCIAL_DEPARTMENTS)
def test_every_department_of_the_provincial_government_is_known(name):
    assert gazetteer().resolve(name) is not None


def test_every_form_names_one_department():
    owners = defaultdict(set)
    for dept in gazetteer().departments:
        for form in forms(dept.names):
            owners[form.text].add(dept.short_name)

    assert {text: names for text, names in owners.items() if len(names) > 1} == {}


def test_every_department_has_a_short_and_full_name():
    departments = gazetteer().departments
    assert len(departments) >= 60
    assert all(d.short_name and d.full_name for d in departments)
    assert len({d.short_name for d in departments}) == len(departments)


def test_the_gazetteer_lists_no_name_a_rule_gives():
    """Aliases are the short forms no rule gives (省公安厅 or 省林业和草原局 would be listed twice),
    or a bare name listed to say it stands on its own (民族宗教委)."""
    for dept in gazetteer().departments:
        derived = {
            (f.text, f.kind) for f in forms((dept.short_name, dept.full_name)) if not f.listed
        }
        listed = {(f.text, f.kind) for f in forms(dept.short_forms) if f.listed}
        assert not derived & listed, dept.short_name


# --- finding names in text ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, found",
    [
        ("四川省市场监督管理局、省市场监督管理局和省市场监管局", ["省市场监管局"] * 3),
        ("住房和城乡建设厅、住房城乡建设厅、住建厅、省住建厅", ["住房城乡建设厅"] * 4),
        ("人力资源和社会保障厅与人力资源社会保障厅", ["人力资源社会保障厅"] * 2),
        ("省广播电视局、省医疗保障局", ["省广电局", "省医保局"]),
        ("四川省发展和改革委员会和省卫生健康委员会", ["省发展改革委", "省卫生健康委"]),
        ("省人民政府办公厅印发通知", ["省政府办公厅"]),
        (
            "公安厅联合商务厅、四川省税务局和成都海关",
            ["公安厅", "商务厅", "四川省税务局", "成都海关"],
        ),
    ],
)
def test_official_names_and_short_forms_are_found(text, found):
    assert gazetteer().find(text) == found


def test_names_broken_by_wraps_and_page_breaks_are_found():
    text = "公\n安厅与省发展和改\n 革委，省人力资源和社\n\n会保障厅、四川省医疗保\n 障局"
    assert gazetteer().find(text) == ["公安厅", "省发展改革委", "人力资源社会保障厅", "省医保局"]


def test_the_longest_name_wins_and_each_mention_counts():
    found = gazetteer().mentions("省住房城乡建设厅、住建厅和住房城乡建设厅，公安厅")
    assert found == {"住房城乡建设厅": 3, "公安厅": 1}


@pytest.mark.parametrize(
    "text",
    [
        "德阳市市场监管局", "成都市公安厅", "资阳市政务服务管理局", "绵阳市商务厅",
        "成都市人社局", "旌阳区住建局", "金堂县市场监督管理局", "德阳市场监管局",
        "凉山州医保局", "各市（州）市场监管局", "全省市场监管局长会议", "各省医保局",
    ],
)  # fmt: skip
def test_city_and_county_bodies_are_not_provincial_departments(text):
    assert gazetteer().find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "国家市场监督管理总局", "住房和城乡建设部", "自然资源部", "国家税务总局",
        "国家医保局", "国家发展改革委", "国家药品监督管理局", "国家林业和草原局",
        "国务院国资委", "中国气象局", "国务院办公厅",
    ],
)  # fmt: skip
def test_national_bodies_are_not_provincial_departments(text):
    assert gazetteer().find(text) == []


@pytest.mark.parametrize(
    "text, found",
    [
        # a provincial body before it in its clause, or in a list it shares
        ("省市场监管局、卫健委联合印发通知", ["省市场监管局", "省卫生健康委"]),
        ("会上，司法厅、市场监管局窗口分别作交流", ["司法厅", "省市场监管局"]),
        ("公安厅联合医保局印发方案", ["公安厅", "省医保局"]),
        ("医保局、省卫健委联合印发通知", ["省医保局", "省卫生健康委"]),
        ("省发改委、发改委、卫健委、医保局", ["省发展改革委"] * 2 + ["省卫生健康委", "省医保局"]),
        # the provincial hall
        ("市场监管局窗口推行一窗受理", ["省市场监管局"]),
        ("到省政务服务大厅医保局窗口调研", ["省医保局"]),
        ("本周，医保局副局长张某到省政务服务大厅窗口调研值守。", ["省医保局"]),
        # a city or the state before it: theirs, and so is the rest of the list
        ("德阳市市场监管局、人社局作交流发言", []),
        ("德阳市发改委、医保局和卫健委到省政务服务大厅学习", []),
        ("国家医保局、国家发展改革委、医保局", []),
        ("省中心赴德阳调研医保局窗口建设", ["省政务服务和资源交易服务中心"]),
        ("实地查看市民服务中心医保局窗口", []),
        ("在县政务服务中心设立市场监管局窗口", []),
        ("在省政务服务大厅设立医保局窗口", ["省医保局"]),
        ("各市（州）医保局、卫健委", []),
        ("市县两级市场监管局", []),
        ("省市场监管局指导德阳市开展工作，督促医保局落实", ["省市场监管局"]),
        # nothing says whose
        ("市场监管局开展检查", []),
        ("11月7日，医保局召开会议", []),
    ],
)
def test_a_bare_name_every_level_has_is_the_provinces_only_where_the_context_says(text, found):
    assert gazetteer().find(text) == found


# --- help with names ----------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("公按厅", ["公安厅"]),  # typos
        ("注建厅", ["住房城乡建设厅"]),
        ("自然资原厅", ["自然资源厅"]),
        ("省市场监督局", ["省市场监管局"]),
        ("住房", ["住房城乡建设厅"]),  # parts of names
        ("市场监管", ["省市场监管局"]),
        ("卫生", ["省卫生健康委"]),
        ("税务", ["四川省税务局"]),
        ("海关", ["成都海关"]),
        ("住房和城乡建设部", ["住房城乡建设厅"]),  # other levels' names
        ("自然资源部", ["自然资源厅"]),
        ("公安局", ["公安厅"]),
        ("省公安局", ["公安厅"]),
        ("教育局", ["教育厅"]),
        ("市场局", ["省市场监管局"]),  # forms no rule gives
        ("住建委", ["住房城乡建设厅"]),
        ("建设厅", ["住房城乡建设厅"]),
        ("农业厅", ["农业农村厅"]),
        ("大数据局", ["省数据局", "省大数据中心"]),
    ],
)
def test_a_name_that_is_no_department_gets_the_nearest(typed, meant):
    assert gazetteer().resolve(typed) is None
    assert [d.short_name for d in gazetteer().suggest(typed)] == meant


@pytest.mark.parametrize(
    "typed",
    ["abc", "xyz123", "<script>", "的", "厅", "省", "四川省", "省厅", "委员会", "办公室",
     "今天天气", "天天向上", "不存在的厅", "你好厅", "成都市", "国务院", "厅" * 90, ""],
)  # fmt: skip
def test_garbage_gets_no_suggestion(typed):
    assert gazetteer().suggest(typed) == []
    assert did_you_mean(gazetteer().suggest(typed)) == ""


def test_the_suggestion_reads_as_a_question():
    assert (
        did_you_mean(gazetteer().suggest("住房和城乡建设部")) == "您要找的是不是：住房城乡建设厅？"
    )
    assert (
        did_you_mean(gazetteer().suggest("大数据局")) == "您要找的是不是：省数据局、省大数据中心？"
    )


def test_a_known_name_suggests_its_own_department():
    assert [d.short_name for d in gazetteer().suggest("住建厅")] == ["住房城乡建设厅"]


# --- listing names ----------------------------------------------------------------


def test_other_names_are_the_full_name_and_the_short_forms_not_every_spelling():
    dept = gazetteer().resolve("住建厅")

    assert dept.other_names == ("四川省住房和城乡建设厅", "住建厅", "省住房城乡建设厅")
    assert dept.aliases == ("住建厅", "省住房城乡建设厅")
    assert gazetteer().resolve("公安厅").other_names == ("四川省公安厅", "省公安厅")
    assert gazetteer().resolve("四川省减灾中心").other_names == ()


def test_other_names_leave_out_the_bare_names_cities_have_too():
    assert gazetteer().resolve("省发展改革委").other_names == ("四川省发展和改革委员会", "省发改委")
    assert "中心" not in gazetteer().resolve("省中心").other_names


@pytest.mark.parametrize("dept", gazetteer().departments, ids=lambda d: d.short_name)
def test_every_name_shown_or_offered_resolves_to_its_department(dept):
    for name in (dept.short_name, *dept.other_names, *dept.forms):
        assert gazetteer().resolve(name) == dept, name
    assert len(dept.other_names) <= 8


def test_completions_offer_every_listed_name_short_names_first():
    pairs = gazetteer().completions()
    shorts = [d.short_name for d in gazetteer().departments]

    assert [name for name, _ in pairs[: len(shorts)]] == shorts
    assert ("四川省住房和城乡建设厅", "住房城乡建设厅") in pairs
    assert ("住建厅", "住房城乡建设厅") in pairs
    assert all(gazetteer().resolve(name).short_name == short for name, short in pairs)
    assert len(pairs) == len(set(pairs))


@pytest.mark.parametrize("unit", ["医保局", "医保局，", "市场监管局和"])
def test_an_absurd_text_of_bare_names_is_read_in_bounded_time(unit):
    """Each bare name reads a window around it, and a list is read once: 100,000 of them in
    one item take a second or two (reading the rest of the text for each would take hours)."""
    text = unit * 100_000

    found = gazetteer().find(text)

    assert len(found) in (0, 100_000)
