"""Who sits on a village's team now (the members who may take on a 开门办事 need, 领账), and
the talks' coverage of a round (issue 15 §7): every sitting member and every approved
candidate of the scope given a heart-to-heart talk (全覆盖), every key person a warning talk
— with, per village, who is still missing."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from candidates.choices import Stage
from candidates.models import Candidacy
from elections.models import Seat
from people.models import Person
from registry.models import Village

from .choices import TalkKind
from .models import KeyPerson, Round, Talk


def sitting_seats(villages):
    """The seats held now (not ended: the village's current team) in `villages`."""
    return Seat.objects.current().filter(village__in=villages)


def sitting_members(village) -> QuerySet:
    """The people holding a seat now in `village`: who may take on its 开门办事 needs."""
    return Person.objects.filter(pk__in=sitting_seats([village]).values("person_id")).order_by(
        "name", "pk"
    )


def is_sitting_in(person, village) -> bool:
    return sitting_seats([village]).filter(person_id=person.pk).exists()


def member_choices(villages) -> list:
    """The sitting members of `villages` for a grouped select: [(village id, "township
    village", [(person id, "name（post）")])] — one query."""
    seats = (
        sitting_seats(villages)
        .select_related("person", "village__township")
        .order_by("village__township__code", "village__code", "person__name", "pk")
    )
    groups: dict[int, tuple[int, str, list]] = {}
    seen = set()
    for seat in seats:
        if (seat.village_id, seat.person_id) in seen:
            continue
        seen.add((seat.village_id, seat.person_id))
        label = f"{seat.village.township.name} {seat.village.name}"
        groups.setdefault(seat.village_id, (seat.village_id, label, []))[2].append(
            (seat.person_id, f"{seat.person.name}（{seat.get_post_display()}）")
        )
    return list(groups.values())


@dataclass
class VillageGap:
    """A village's people still missing a talk: members and candidates not talked to, key
    persons not warned."""

    village_id: int
    code: str = ""
    name: str = ""
    township: str = ""
    missing_talks: list = field(default_factory=list)  # [(person id, name)]
    missing_warnings: list = field(default_factory=list)


@dataclass
class Coverage:
    to_talk: int = 0
    talked: int = 0
    key_persons: int = 0
    key_warned: int = 0
    warnings: int = 0  # warning talks held
    villages: list = field(default_factory=list)  # [VillageGap], those with someone missing

    @property
    def complete(self) -> bool:
        """全覆盖: everyone to talk to was talked to, every key person warned."""
        return self.talked == self.to_talk and self.key_warned == self.key_persons


def talk_coverage(round_: Round, villages) -> Coverage:
    """The coverage of the round's talks in `villages` (a queryset of the caller's villages):
    talks held since the round began count. A fixed number of queries."""
    since = Q(held_on__gte=round_.starts_on)
    seats = sitting_seats(villages).values_list("village_id", "person_id", "person__name")
    approved = Candidacy.objects.filter(
        village__in=villages, term=round_.term, stage=Stage.APPROVED
    ).values_list("village_id", "person_id", "person__name")
    targets = {}  # person id -> (village id, name): a person is counted once
    for village_id, person_id, name in [*seats.order_by("village_id"), *approved]:
        targets.setdefault(person_id, (village_id, name))
    talked = set(
        Talk.objects.filter(since, kind=TalkKind.HEART)
        .filter(
            Q(person__in=sitting_seats(villages).values("person_id"))
            | Q(person__in=approved.values("person_id"))
        )
        .values_list("person_id", flat=True)
    )
    keys = KeyPerson.objects.filter(round=round_, village__in=villages).values_list(
        "village_id", "person_id", "person__name"
    )
    key_rows = {person_id: (village_id, name) for village_id, person_id, name in keys}
    warned = set(
        Talk.objects.filter(
            since, kind=TalkKind.WARNING, person__in=keys.values("person_id")
        ).values_list("person_id", flat=True)
    )
    gaps: dict[int, VillageGap] = {}
    for person_id, (village_id, name) in sorted(targets.items(), key=lambda i: i[1][1]):
        if person_id not in talked:
            gap = gaps.setdefault(village_id, VillageGap(village_id))
            gap.missing_talks.append((person_id, name))
    for person_id, (village_id, name) in sorted(key_rows.items(), key=lambda i: i[1][1]):
        if person_id not in warned:
            gap = gaps.setdefault(village_id, VillageGap(village_id))
            gap.missing_warnings.append((person_id, name))
    for village in Village.objects.filter(pk__in=gaps).select_related("township"):
        gap = gaps[village.pk]
        gap.code, gap.name, gap.township = village.code, village.name, village.township.name
    return Coverage(
        to_talk=len(targets),
        talked=len(talked & set(targets)),
        key_persons=len(key_rows),
        key_warned=len(warned & set(key_rows)),
        warnings=Talk.objects.filter(since, village__in=villages, kind=TalkKind.WARNING).count(),
        villages=sorted(gaps.values(), key=lambda gap: gap.code),
    )
