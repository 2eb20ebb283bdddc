"""Factories for the foundation's models. Each app adds tests/factories/<app>.py."""

import datetime as dt
import itertools

import factory
from stdnum.cn import ric

from accounts.choices import Department
from accounts.models import User
from core.access import Role
from people import idnumbers
from people.choices import Education, Gender, PoliticalStatus
from people.models import Person
from registry.models import County, Term, Township, Village

_serial = itertools.count(1)
TEST_PASSWORD = "Test-password-2026"


def make_id_number(birth_date: dt.date, gender: str = Gender.MALE, area: str = "141028") -> str:
    """A valid 18-digit ID number for the given birth date and gender, unique per call."""
    sequence = next(_serial) % 499 * 2 + (1 if gender == Gender.MALE else 0)
    body = f"{area}{birth_date:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{141028 + n:06d}")
    name = factory.Sequence(lambda n: f"测试县{n}")


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township

    county = factory.SubFactory(CountyFactory)
    # Tests name townships 100–199 by hand (the fixtures' 141028100, 141028101): generated
    # codes stay above, so a long run's sequence never lands on a fixture's code.
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.county.code}{200 + n % 800:03d}")
    name = factory.Sequence(lambda n: f"测试镇{n}")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    # Tests name villages 000–299 by hand (东关村 141028100201 …); generated codes stay above.
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.township.code}{300 + n % 700:03d}")
    name = factory.Sequence(lambda n: f"测试村{n}")


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ["year"]

    year = 2021
    reference_date = factory.LazyAttribute(lambda o: dt.date(o.year, 4, 30))
    starts_on = factory.LazyAttribute(lambda o: dt.date(o.year, 5, 1))
    ends_on = factory.LazyAttribute(lambda o: dt.date(o.year + 5, 4, 30))


class PersonFactory(factory.django.DjangoModelFactory):
    """A person with a valid, unique ID number that agrees with birth date and gender."""

    class Meta:
        model = Person
        exclude = ["number"]

    name = factory.Sequence(lambda n: f"测试人{n}")
    gender = Gender.MALE
    birth_date = dt.date(1980, 6, 15)
    village = factory.SubFactory(VillageFactory)
    county = factory.LazyAttribute(lambda o: o.village.township.county)
    education_fulltime = Education.HIGH_SCHOOL
    political_status = PoliticalStatus.PARTY_MEMBER
    number = factory.LazyAttribute(lambda o: make_id_number(o.birth_date, o.gender))
    id_number_encrypted = factory.LazyAttribute(lambda o: idnumbers.encrypt(o.number))
    id_number_digest = factory.LazyAttribute(lambda o: idnumbers.digest(o.number))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.COUNTY_ORGANIZER
    county = factory.SubFactory(CountyFactory)
    township = None
    department = factory.LazyAttribute(
        lambda o: Department.POLICE if o.role == Role.DEPARTMENT_REVIEWER else ""
    )
    password = factory.django.Password(TEST_PASSWORD)
