"""A deterministic pool of villagers per demo village, from which later demo steps draw
candidates, committee members and trainees."""

import datetime as dt

from stdnum.cn import ric

from core.policy import SYSTEM
from registry.demo import demo_clock

from .choices import Education, Gender, PoliticalStatus
from .services import PersonData, persons_bulk_upsert

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐冯贺薛曹"
GIVEN = "建国志强伟明海军红梅丽娟秀英文华永平小燕晓东春霞玉兰金凤德福宏亮振华俊杰桂芳淑珍彦斌鹏飞"


def make_id_number(rng, birth: dt.date, female: bool, serial: int) -> str:
    """A valid number; people born before 2000 carry Ji County's old code 142630."""
    area = "142630" if birth.year < 2000 else "141028"
    sequence = serial % 500 * 2 + (0 if female else 1)
    body = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def random_person(rng, serial: int, *, county_id: int, village_id: int, reference: dt.date):
    female = rng.random() < 0.24
    age = int(rng.triangular(24, 66, 50))
    birth = reference - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    younger = age < 40
    fulltime = rng.choices(
        [
            Education.BACHELOR,
            Education.COLLEGE,
            Education.VOCATIONAL,
            Education.HIGH_SCHOOL,
            Education.JUNIOR_HIGH,
            Education.PRIMARY,
        ],
        [2, 4, 4, 5, 3, 1] if younger else [1, 2, 3, 6, 8, 2],
    )[0]
    inservice = rng.choices(["", Education.COLLEGE, Education.BACHELOR], [20, 3, 1])[0]
    if inservice and Education.rank(inservice) <= Education.rank(fulltime):
        inservice = ""
    political = rng.choices(
        [
            PoliticalStatus.PARTY_MEMBER,
            PoliticalStatus.PROBATIONARY,
            PoliticalStatus.LEAGUE,
            PoliticalStatus.MASSES,
        ],
        [70, 3, 5, 22],
    )[0]
    return PersonData(
        id_number=make_id_number(rng, birth, female, serial),
        name=name,
        county_id=county_id,
        village_id=village_id,
        birth_date=birth,
        gender=Gender.FEMALE if female else Gender.MALE,
        education_fulltime=fulltime,
        education_inservice=inservice,
        political_status=political,
        phone=f"13{rng.randint(100000000, 999999999)}",
        ethnicity="汉族",
    )


def build(ctx):
    reference = dt.date(2021, 4, 30)
    rows, serial, seen = [], 0, set()
    for village in ctx.villages:
        for _ in range(16):
            while True:
                serial += 1
                row = random_person(
                    ctx.rng,
                    serial,
                    county_id=ctx.county.pk,
                    village_id=village.pk,
                    reference=reference,
                )
                if row.id_number not in seen:
                    break
            seen.add(row.id_number)
            rows.append(row)
    with demo_clock(dt.date(2017, 11, 20)):  # registered before the 2018 round
        people = persons_bulk_upsert(rows, actor=SYSTEM)
    ctx.people_by_village = {}
    for row in rows:
        ctx.people_by_village.setdefault(row.village_id, []).append(people[row.id_number])
    ctx.stdout.write(f"人员库：{len(people)} 人")
