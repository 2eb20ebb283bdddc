"""The composition of the two committees and the supervision committee (两委班子, 村务监督
委员会): the seats held, who is new or re-elected, ages and education, and their checks."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from elections.choices import Body, Post
from elections.models import Seat
from people.choices import Education, Gender, PoliticalStatus
from registry.models import Term, Village

from .figures import TWO_COMMITTEES
from .scope import with_merged_in

AGE_BANDS = (("age_35_under", 0, 35), ("age_36_45", 36, 45), ("age_46_55", 46, 55))

COLLEGE = Education.rank(Education.COLLEGE)

HIGH = Education.rank(Education.VOCATIONAL)


def _education_band(person) -> str:
    rank = max(
        Education.rank(person.education_fulltime), Education.rank(person.education_inservice)
    )
    if rank >= COLLEGE:
        return "college_plus"
    if rank >= HIGH - 1:  # 中专 and 高中
        return "high_school"
    return "junior_high_under"


def _age_band(age: int) -> str:
    for key, low, high in AGE_BANDS:
        if low <= age <= high:
            return key
    return "age_56_over"


def previous_members(villages: list[Village], term: Term) -> set[tuple[int, int]]:
    """(village, person) of the previous term's two-committee members, the seats of a village
    merged into another counted as the other's (the team it went into)."""
    previous = term.previous
    if previous is None:
        return set()
    merged = with_merged_in(v.pk for v in villages)
    rows = Seat.objects.filter(
        term=previous, body__in=TWO_COMMITTEES, village__in=list(merged)
    ).values_list("village_id", "person_id")
    found = set()
    for village_id, person_id in rows:
        merged_into_id = merged[village_id]
        found.add((village_id, person_id))
        if merged_into_id:
            found.add((merged_into_id, person_id))
    return found


def seats(figures, term, previous, elections) -> None:
    seats = (
        Seat.objects.current()
        .filter(term=term, village__in=figures)
        .select_related("person")
        .order_by("village", "body", "post", "pk")
    )
    people = defaultdict(lambda: defaultdict(set))  # village -> body -> persons
    chairs = defaultdict(dict)  # village -> body -> person of the chair post
    reference = term.reference_date
    for seat in seats:
        fig = figures[seat.village_id]
        person = seat.person
        people[seat.village_id][seat.body].add(person.pk)
        if seat.post in (Post.SECRETARY, Post.DIRECTOR):
            chairs[seat.village_id][seat.body] = person.pk
        if seat.body == Body.SUPERVISION_COMMITTEE:
            sup = fig.sections["supervision"]
            sup["members"] += 1
            sup["women"] += person.gender == Gender.FEMALE
            sup["party_members"] += person.political_status == PoliticalStatus.PARTY_MEMBER
            continue
        body = fig.sections["committees"][seat.body]
        body["seats"] += 1
        body["women"] += person.gender == Gender.FEMALE
        body["party_members"] += person.political_status == PoliticalStatus.PARTY_MEMBER
        body["re_elected" if (seat.village_id, person.pk) in previous else "new"] += 1
        body[_age_band(person.age_on(reference))] += 1
        body[_education_band(person)] += 1
    for village_id, fig in figures.items():
        bodies = people[village_id]
        party, villagers = bodies[Body.PARTY_COMMITTEE], bodies[Body.VILLAGERS_COMMITTEE]
        com = fig.sections["committees"]
        com["members"] += len(party | villagers)
        com["cross_serving"] += len(party & villagers)
        secretary = chairs[village_id].get(Body.PARTY_COMMITTEE)
        com["one_shoulder"] += bool(
            secretary and secretary == chairs[village_id].get(Body.VILLAGERS_COMMITTEE)
        )
        women = fig.sections["committees"][Body.VILLAGERS_COMMITTEE]["women"]
        com["villages_with_woman"] += bool(women)
        if bodies[Body.SUPERVISION_COMMITTEE]:
            fig.sections["supervision"]["committees"] += 1
        if villagers and not women:
            confirmed = any(
                "villagers_no_woman" in (e.confirmations or {})
                for e in elections.get(village_id, [])
            )
            fig.check(
                "woman_on_committee",
                "warning",
                _("村(居)民委员会成员中没有妇女（村民委员会组织法第六条）"),
                confirmed=confirmed,
            )
    return people


def supervision_checks(figures, details, people) -> None:
    for village_id, fig in figures.items():
        members = people[village_id][Body.SUPERVISION_COMMITTEE]
        if not members:
            continue
        detail = details.get(village_id)
        sup = fig.sections["supervision"]
        if detail is not None and detail.accounting_member_id in members:
            sup["with_accounting_member"] += 1
        else:
            sup["without_accounting_member"] += 1
            fig.check(
                "accounting_member",
                "warning",
                _("村务监督委员会中没有具备财会知识的成员（村民委员会组织法第三十二条）"),
            )
