"""archive.nearest: how near a typed name is to a department's; the cheap bound that spares
difflib never says a name cannot reach a likeness it has."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from archive import naming, nearest
from archive.departments import gazetteer

NAMES = sorted({naming.split_province(n)[1] for d in gazetteer().departments for n in d.names})
CHARS = sorted(set("".join(NAMES)))


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(NAMES),
    st.one_of(st.sampled_from(NAMES), st.text(st.sampled_from(CHARS), min_size=1, max_size=12)),
)
def test_a_name_can_always_reach_its_own_likeness(name, typed):
    wanted, known = nearest.Name.of(typed), nearest.Name.of(name)
    score = nearest.likeness(wanted, known)
    assert nearest.could_reach(wanted, known, score)


def test_a_name_sharing_no_character_cannot_reach_a_suggestion():
    wanted, known = nearest.Name.of("窗口服务"), nearest.Name.of("公安厅")
    assert nearest.likeness(wanted, known) == 0.0
    assert not nearest.could_reach(wanted, known, 0.1)
    assert nearest.could_reach(nearest.Name.of("公按厅"), known, 0.6)
