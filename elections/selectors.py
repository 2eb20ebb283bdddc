"""Reads that feed pages and exports: a village's team, a person's posts, export rows."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from core.exports import choice_labels
from people.models import Person

from .choices import Body, Post
from .models import Election, ElectionCandidate, Seat

EXPORT_CHUNK = 2000  # rows fetched at a time by the exports: memory stays bounded
POST_ORDER = {
    Post.SECRETARY: 0,
    Post.DIRECTOR: 0,
    Post.DEPUTY_SECRETARY: 1,
    Post.DEPUTY_DIRECTOR: 1,
    Post.MEMBER: 2,
}


def village_teams(village):
    """The village's teams by term, newest first: each with its seats by body, whether it
    is the current team (some seat still held) and its one-shoulder / cross-serving figures
    (the team as it served its term: seats ended by 换届 still count)."""
    seats = (
        Seat.objects.filter(village=village)
        .select_related("person", "term")
        .order_by("-term__year", "body", "pk")
    )
    terms: dict = {}
    for seat in seats:
        bodies = terms.setdefault(seat.term, {})
        bodies.setdefault(seat.body, []).append(seat)
    result = []
    for term, bodies in terms.items():
        for body_seats in bodies.values():
            body_seats.sort(key=lambda s: (not s.in_team, POST_ORDER.get(s.post, 9)))
        ordered = [(Body(b).label, bodies[b]) for b in Body if b in bodies]
        party = {s.person_id for s in bodies.get(Body.PARTY_COMMITTEE, []) if s.in_team}
        villagers = {s.person_id for s in bodies.get(Body.VILLAGERS_COMMITTEE, []) if s.in_team}
        secretary = next(
            (
                s.person_id
                for s in bodies.get(Body.PARTY_COMMITTEE, [])
                if s.post == Post.SECRETARY and s.in_team
            ),
            None,
        )
        director = next(
            (
                s.person_id
                for s in bodies.get(Body.VILLAGERS_COMMITTEE, [])
                if s.post == Post.DIRECTOR and s.in_team
            ),
            None,
        )
        result.append(
            {
                "term": term,
                "current": False,
                "bodies": ordered,
                "one_shoulder": secretary is not None and secretary == director,
                "cross_serving": len(party & villagers),
            }
        )
    # One current team: the newest with a seat still held (an older team whose other
    # committee is not re-elected yet keeps those seats, shown among the earlier teams).
    held = (t for t in result if any(s.ended_on is None for _b, ss in t["bodies"] for s in ss))
    current = next(held, None)
    if current is not None:
        current["current"] = True
    return result


def person_seats(person, user):
    """The person page's seats: those in villages `user` may see (someone who moved, or was
    seated elsewhere by the county, keeps their other township's seats out of reach)."""
    return (
        Seat.objects.for_user(user)
        .filter(person=person)
        .select_related("village__township", "term")
        .order_by("-term__year", "body")
    )


def elections_with_candidates(queryset):
    return queryset.select_related("village__township", "term").prefetch_related(
        Prefetch(
            "candidates",
            queryset=ElectionCandidate.objects.select_related("person").order_by("-votes", "pk"),
        )
    )


RESULT_HEADERS = [
    _("乡镇"),
    _("村(社区)"),
    _("届次"),
    _("组织"),
    _("轮次"),
    _("选举日期"),
    _("状态"),
    _("应选名额"),
    _("应参加人数"),
    _("参加投票人数"),
    _("发出选票"),
    _("收回选票"),
    _("有效票"),
    _("无效票"),
    _("委托投票"),
    _("候选人"),
    _("性别"),
    _("得票"),
    _("当选职务"),
]


def result_rows(queryset):
    for election in (
        elections_with_candidates(queryset)
        .order_by("term__year", "village__code", "body", "held_on")
        .iterator(chunk_size=EXPORT_CHUNK)
    ):
        head = [
            election.village.township.name,
            election.village.name,
            election.term.year,
            election.get_body_display(),
            election.get_round_display(),
            election.held_on,
            election.get_state_display(),
            election.seat_count,
            election.entitled,
            election.present,
            election.ballots_issued,
            election.ballots_returned,
            election.ballots_valid,
            election.ballots_invalid,
            election.proxy_votes,
        ]
        for candidate in election.candidates.all():
            yield head + [
                candidate.person.name,
                candidate.person.get_gender_display(),
                candidate.votes,
                candidate.get_post_display() if candidate.post else "",
            ]


SEAT_HEADERS = [
    _("乡镇"),
    _("村(社区)"),
    _("届次"),
    _("组织"),
    _("职务"),
    _("姓名"),
    _("性别"),
    _("出生日期"),
    _("民族"),
    _("全日制学历"),
    _("在职学历"),
    _("政治面貌"),
    _("任职日期"),
    _("离任日期"),
    _("离任原因"),
    _("产生方式"),
]


def seat_headers(user) -> list[str]:
    """SEAT_HEADERS, with the age instead of the birth date for the roles that may not see
    birth dates (people.privacy)."""
    from people import privacy

    headers = [str(h) for h in SEAT_HEADERS]
    if not privacy.exposure(user).birth_date:
        headers[headers.index(str(_("出生日期")))] = str(_("年龄"))
    return headers


def seat_rows(queryset, user=None):
    """One row per seat; the birth date column holds the age (on the latest term's
    reference date) for a `user` who may not see birth dates."""
    from people import privacy

    shows_birth = privacy.exposure(user).birth_date
    reference = None if shows_birth else privacy.age_reference_date()
    labels = choice_labels(Seat, "body", "post", "end_reason", "source")
    labels.update(
        choice_labels(
            Person, "gender", "education_fulltime", "education_inservice", "political_status"
        )
    )

    def label(field, value):
        return labels[field].get(value, value)

    for seat in (
        queryset.select_related("village__township", "term", "person")
        .order_by("village__code", "body", "post", "pk")
        .iterator(chunk_size=EXPORT_CHUNK)
    ):
        person = seat.person
        yield [
            seat.village.township.name,
            seat.village.name,
            seat.term.year,
            label("body", seat.body),
            label("post", seat.post),
            person.name,
            label("gender", person.gender),
            person.birth_date if shows_birth else privacy.age(person, reference),
            person.ethnicity,
            label("education_fulltime", person.education_fulltime),
            label("education_inservice", person.education_inservice),
            label("political_status", person.political_status),
            seat.started_on,
            seat.ended_on,
            label("end_reason", seat.end_reason) if seat.end_reason else "",
            label("source", seat.source),
        ]


def election_for_update(pk):
    return Election.objects.select_related("village__township", "term").get(pk=pk)
