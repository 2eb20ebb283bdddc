"""A small county with hand-checked figures (see test_selectors.py for the arithmetic)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from people.choices import Education, Gender
from tests.factories import TermFactory, VillageFactory
from tests.factories.composition import (
    DEPUTY_DIRECTOR,
    DIRECTOR,
    PARTY_MEMBER,
    SECRETARY,
    SUPERVISION_MEMBER,
    VILLAGERS_MEMBER,
    holder,
)

F, M = Gender.FEMALE, Gender.MALE


@pytest.fixture
def small_county(county, township, other_township, village):
    """Two townships; 2018 and 2021 terms (reference dates 30 April).

    吉昌镇: 东关村 (V1, one-shoulder secretary), 南街村 (V2, no secretary).
    屯里镇: 西坪村 (V3), 北岭村 (V4, merged into V3 after 2018), 上庄村 (V5, nobody).
    """
    t2018 = TermFactory(year=2018)
    t2021 = TermFactory(year=2021)
    v1 = village
    v2 = VillageFactory(township=township, code="141028100202", name="南街村")
    v3 = VillageFactory(township=other_township, code="141028101201", name="西坪村")
    v4 = VillageFactory(township=other_township, code="141028101202", name="北岭村")
    v5 = VillageFactory(township=other_township, code="141028101203", name="上庄村")
    # 2021 (ages on 2021-04-30)
    p1 = holder(
        v1, t2021, dt.date(1986, 4, 30), fulltime=Education.BACHELOR, seats=[SECRETARY, DIRECTOR]
    )  # 35, birthday
    holder(
        v1, t2021, dt.date(1986, 5, 1), gender=F, fulltime=Education.COLLEGE, seats=[PARTY_MEMBER]
    )  # 34
    holder(
        v1, t2021, dt.date(1986, 4, 29), inservice=Education.BACHELOR, seats=[VILLAGERS_MEMBER]
    )  # 35
    holder(
        v1,
        t2021,
        dt.date(1970, 1, 1),
        gender=F,
        fulltime=Education.JUNIOR_HIGH,
        political="masses",
        seats=[DEPUTY_DIRECTOR],
    )  # 51
    holder(v1, t2021, dt.date(1990, 1, 1), seats=[SUPERVISION_MEMBER])  # not counted
    holder(v1, t2021, dt.date(1991, 1, 1), seats=[PARTY_MEMBER], ended=True)  # resigned
    holder(v2, t2021, dt.date(1960, 12, 31), fulltime=Education.PRIMARY, seats=[DIRECTOR])  # 60
    holder(
        v2,
        t2021,
        dt.date(1990, 6, 15),
        gender=F,
        fulltime=Education.POSTGRADUATE,
        seats=[PARTY_MEMBER],
    )  # 30
    p9 = holder(
        v3, t2021, dt.date(1976, 4, 30), inservice=Education.COLLEGE, seats=[SECRETARY]
    )  # 45
    holder(v3, t2021, dt.date(1982, 1, 1), seats=[DIRECTOR])  # 39
    # 2018, read with ages on 2021-04-30
    holder(v1, t2018, dt.date(1965, 5, 1), seats=[SECRETARY, DIRECTOR])  # 55
    holder(v1, t2018, dt.date(1972, 3, 1), seats=[VILLAGERS_MEMBER])  # 49
    holder(v4, t2018, dt.date(1960, 1, 1), seats=[SECRETARY])  # 61
    v4.merged_into, v4.is_active, v4.merged_on = v3, False, dt.date(2019, 6, 1)
    v4.save()
    return SimpleNamespace(
        county=county,
        township=township,
        other_township=other_township,
        t2018=t2018,
        t2021=t2021,
        v1=v1,
        v2=v2,
        v3=v3,
        v4=v4,
        v5=v5,
        p1=p1,
        p9=p9,
    )
