"""The figures, hand-checked on the small county of conftest.py.

2021 members (ages on 2021-04-30): 东关村 35 (birthday on the date), 34, 35, 51; 南街村 60, 30;
西坪村 45 (birthday on the date), 39 — 8 people, ages sum 329, avg 41.125 → 41.13 (half-up;
float rounding would give 41.12). Previous term (2018) with ages on 2021-04-30: 东关村 55, 49;
北岭村 (merged into 西坪村) 61.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from composition import figures, selectors
from composition.services import composition_recompute


def county_figures(term):
    scopes = selectors.term_scopes(term)
    return {code: figures.published(counters) for (kind, code), (_s, counters) in scopes.items()}


def test_county_secretaries(small_county):
    sec = county_figures(small_county.t2021)["141028"]["secretaries"]
    assert sec["count"] == 2
    assert sec["avg_age"] == 40.0
    assert sec["age_le_35"] == {"count": 1, "pct": 50.0}
    assert sec["age_le_45"] == {"count": 2, "pct": 100.0}
    assert sec["college_plus"] == {"count": 2, "pct": 100.0}
    assert sec["fulltime_bachelor_plus"] == {"count": 1, "pct": 50.0}
    assert sec["female"] == {"count": 0, "pct": 0.0}
    assert sec["one_shoulder"] == {"count": 1, "pct": 50.0}


def test_county_members_rounds_half_up(small_county):
    mem = county_figures(small_county.t2021)["141028"]["members"]
    assert mem["count"] == 8
    assert mem["avg_age"] == 41.13
    assert mem["age_le_35"] == {"count": 4, "pct": 50.0}
    assert mem["age_le_45"] == {"count": 6, "pct": 75.0}
    assert mem["age_le_50"] == {"count": 6, "pct": 75.0}
    assert mem["college_plus"] == {"count": 5, "pct": 62.5}
    assert mem["fulltime_bachelor_plus"] == {"count": 2, "pct": 25.0}
    assert mem["female"] == {"count": 3, "pct": 37.5}
    assert mem["cross_serving"] == {"count": 1, "pct": 12.5}


def test_previous_term_uses_new_reference_date_and_targets(small_county):
    fig = county_figures(small_county.t2021)["141028"]
    prev = fig["previous"]
    assert prev["secretaries"]["count"] == 2
    assert prev["secretaries"]["avg_age"] == 58.0
    assert prev["secretaries"]["one_shoulder"] == {"count": 1, "pct": 50.0}
    assert prev["members"]["count"] == 3
    assert prev["members"]["avg_age"] == 55.0
    assert prev["members"]["age_le_50"] == {"count": 1, "pct": 33.33}
    assert prev["members"]["cross_serving"] == {"count": 1, "pct": 33.33}
    assert fig["change"]["members"]["avg_age"] == -13.87
    assert fig["change"]["members"]["cross_serving"] == -20.83
    assert fig["change"]["secretaries"]["one_shoulder"] == 0.0
    met = {t["indicator"]: t["met"] for t in fig["targets"]}
    assert met == {
        "secretaries.one_shoulder": False,  # 50 → 50: no rise
        "members.cross_serving": False,
        "members.age_le_35": True,
        "members.college_plus": True,
        "members.female": True,
        "members.avg_age": True,
    }
    avg = next(t for t in fig["targets"] if t["indicator"] == "members.avg_age")
    assert (avg["before"], avg["after"]) == (55.0, 41.13)


def test_township_and_village_scopes(small_county):
    figs = county_figures(small_county.t2021)
    town = figs["141028100"]
    assert town["secretaries"]["count"] == 1
    assert town["members"]["count"] == 6
    assert town["members"]["avg_age"] == 40.83  # 245 / 6
    assert town["members"]["age_le_35"]["pct"] == 66.67
    no_secretary = figs["141028100202"]
    assert no_secretary["secretaries"]["count"] == 0
    assert no_secretary["secretaries"]["avg_age"] is None
    assert no_secretary["secretaries"]["one_shoulder"] == {"count": 0, "pct": None}
    assert no_secretary["change"]["secretaries"]["avg_age"] is None
    nobody = figs["141028101203"]
    assert nobody["members"] == {**nobody["members"], "count": 0, "avg_age": None}


def test_merged_village_previous_team_read_under_the_village_it_went_into(small_county):
    figs = county_figures(small_county.t2021)
    xiping = figs["141028101201"]
    assert xiping["previous"]["secretaries"]["count"] == 1
    assert xiping["previous"]["secretaries"]["avg_age"] == 61.0
    assert "141028101202" not in figs  # the merged village has no scope of its own
    assert figs["141028101"]["previous"]["secretaries"]["count"] == 1


def test_breakdowns(small_county):
    scopes = selectors.term_scopes(small_county.t2021)
    bd = figures.breakdowns(scopes[("county", "141028")][1])
    bands = {b["key"]: b["count"] for b in bd["current"]["members"]["age_band"]}
    assert bands == {"le_35": 4, "36_45": 2, "46_50": 0, "51_55": 1, "56_60": 1, "gt_60": 0}
    edu = {b["key"]: b["count"] for b in bd["current"]["members"]["education"]}
    assert edu["bachelor"] == 2 and edu["postgraduate"] == 1 and edu["college"] == 2
    pol = {b["key"]: b["count"] for b in bd["current"]["members"]["political_status"]}
    assert pol["masses"] == 1 and pol["party_member"] == 7
    prev_bands = {b["key"]: b["count"] for b in bd["previous"]["members"]["age_band"]}
    assert prev_bands["gt_60"] == 1 and prev_bands["51_55"] == 1


def test_fixed_number_of_queries(small_county, django_assert_max_num_queries):
    # On PostgreSQL the snapshot rows go in by one COPY, which core.bulk counts like any other
    # statement (composition's own COPY writer, now gone, was invisible to the count). The
    # full recompute's two streams and its session settings (work_mem, cursor planning)
    # are a fixed handful more; one COPY per 5,000 snapshot rows (whole counties).
    with django_assert_max_num_queries(14):
        composition_recompute(term_id=small_county.t2021.pk)


@pytest.mark.parametrize(
    ("n", "d", "expected"), [(1, 8, "0.13"), (41125, 1000, "41.13"), (2, 3, "0.67")]
)
def test_half_up(n, d, expected):
    assert str(figures.half_up(n, d)) == expected
    assert figures.hundredths(n, d) / 100 == float(expected)


@given(
    st.integers(min_value=0, max_value=10**7),
    st.integers(min_value=1, max_value=10**7),
    st.sampled_from([1, 100]),
)
def test_integer_rounding_is_decimal_half_up(n, d, factor):
    """The published values (integer hundredths / 100) are exactly the Decimal half-up
    values of the binding definition, as the nearest double."""
    assert figures.hundredths(n, d, factor) / 100 == float(figures.half_up(n, d, factor))


def test_prefecture_and_province_scopes_with_several_counties(small_county):
    import datetime as dt

    from tests.factories import CountyFactory, TownshipFactory, VillageFactory
    from tests.factories.composition import SECRETARY, holder

    other = CountyFactory(code="141029", name="乡宁县")
    village = VillageFactory(
        township=TownshipFactory(county=other, code="141029100"), code="141029100201"
    )
    holder(village, small_county.t2021, dt.date(1991, 4, 30), seats=[SECRETARY])  # 30
    figs = county_figures(small_county.t2021)
    assert figs["141029"]["secretaries"]["count"] == 1
    for code in ("141000", "140000"):  # the prefecture and the province
        assert figs[code]["secretaries"]["count"] == 3
        assert figs[code]["secretaries"]["avg_age"] == 36.67  # (35 + 45 + 30) / 3
        assert figs[code]["members"]["count"] == 9


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("140000", "province"),
        ("141000", "prefecture"),
        ("141028", "county"),
        ("141028100", "township"),
        ("141028100201", "village"),
        ("14102", None),
        ("abc", None),
    ],
)
def test_scope_kind_for_code(code, kind):
    assert selectors.scope_kind_for_code(code) == kind
