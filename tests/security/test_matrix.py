"""The authorization matrix: EVERY URL of the project (found by walking the resolver) × every
role and anonymous, for reads and for every write method, on objects of the caller's township
and of another township (404, never their data); plus which roles ever see a whole ID number.

A route that is not in ROUTES (or, while its app is still being built, in PENDING) fails
`test_every_route_is_in_the_table`: a new page cannot ship without its row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.access import Role
from core.policy import SYSTEM
from tests.factories import PersonFactory, TermFactory, UserFactory
from tests.factories.candidates import CandidacyFactory
from tests.factories.elections import ElectionCandidateFactory, ElectionFactory, SeatFactory
from tests.factories.training import (
    EnrolmentFactory,
    MentorPoolEntryFactory,
    MentorshipFactory,
    TrainingSessionFactory,
)
from training.choices import EnrolmentStatus

pytestmark = pytest.mark.django_db

ANON = "anonymous"
ADMIN, ORG, VIEW, OFF, REV, API = (
    Role.ADMIN,
    Role.COUNTY_ORGANIZER,
    Role.COUNTY_VIEWER,
    Role.TOWNSHIP_OFFICIAL,
    Role.DEPARTMENT_REVIEWER,
    Role.API_CLIENT,
)
ROLES = [ANON, ADMIN, ORG, VIEW, OFF, REV, API]
ALL = frozenset(ROLES) - {ANON}
STAFF = frozenset({ADMIN, ORG, VIEW, OFF})
EDIT = frozenset({ADMIN, ORG, OFF})
COUNTY = frozenset({ADMIN, ORG})
API_READ = STAFF | {API}
NOBODY = frozenset()
# Roles allowed to see a whole ID number (people.Person.id_number_for / User.can_see_id_numbers).
WHOLE_ID_ROLES = frozenset({ADMIN, ORG, OFF})


@dataclass(frozen=True)
class Route:
    """Who may read (GET → 200) and write (non-GET → anything but 401/403/404) a route.

    `obj` names the object of `world` the URL is built for; when `scoped`, the same URL for the
    other township's object must be 404 for a township official (never their data).
    `ok` is the success status of a GET (200, or 302/405 for POST-only routes).
    """

    read: frozenset = NOBODY
    write: frozenset | None = None
    obj: str | None = None
    scoped: bool = True
    ok: frozenset = frozenset({200})
    hidden: frozenset = NOBODY  # roles that may read the route but not this object (404)
    kwargs: tuple = ()  # further URL kwargs beside pk, e.g. (("action", "undo"),)


def P(read=STAFF, write=None, obj=None, ok=200, **kw):
    ok = frozenset({ok} if isinstance(ok, int) else ok)
    # Superusers pass every role check (core.policy.has_role).
    read = read | {ADMIN} if read else read
    write = write | {ADMIN} if write else write
    return Route(read=read, write=write, obj=obj, ok=ok, **kw)


POST_ONLY = 405


# Keyed by URL name (namespace:name); API names are the router's basenames.
ROUTES: dict[str, Route] = {
    # accounts / core
    "home": P(ALL),
    "login": P(ALL | {ANON}, ok={200, 302}),  # signed in: sent home
    "logout": P(ALL | {ANON}, ok=POST_ONLY, write=ALL),
    "set_language": P(ALL | {ANON}, ok=302),
    "health": P(ALL | {ANON}),
    "api-schema": P(ALL | {ANON}),
    "api-docs": P(ALL | {ANON}),
    "api-redoc": P(ALL | {ANON}),
    "api-token": P(ALL | {ANON}, ok=POST_ONLY),
    "api-me": P(ALL),
    # an API address no route matches: a problem 404 for everybody (docs/api.md)
    "api-not-found": P(ALL | {ANON}, ok=404),
    "deleted-list": P(API_READ),  # tombstones for sync, scoped (tests/api/test_sync.py)
    # registry
    "registry:village-list": P(STAFF, write=NOBODY),
    "registry:village-create": P(EDIT, write=EDIT),
    "registry:village-import": P(EDIT, write=EDIT),
    "registry:village-template": P(STAFF),
    "registry:village-detail": P(STAFF, obj="village"),
    "registry:village-update": P(EDIT, write=EDIT, obj="village"),
    "registry:term-list": P(STAFF),
    "registry:term-open": P(COUNTY, write=COUNTY),  # opening a round from the browser
    "county-list": P(API_READ, write=COUNTY, scoped=False),
    "county-detail": P(API_READ, write=COUNTY, obj="county", scoped=False),
    "township-list": P(API_READ, write=COUNTY),
    "township-detail": P(API_READ, write=COUNTY, obj="township"),
    "village-list": P(API_READ, write=EDIT),
    "village-detail": P(API_READ, write=EDIT, obj="village"),
    "term-list": P(API_READ, write=COUNTY),
    "term-detail": P(API_READ, write=COUNTY, obj="term", scoped=False),
    # people
    "people:person-list": P(STAFF),
    "people:person-search": P(STAFF, write=STAFF, ok=POST_ONLY),  # the pickers' JSON
    # The API's search by POST (an ID number stays out of URLs): a read, tokens included.
    "person-search": P(API_READ, write=API_READ, ok=POST_ONLY),
    "people:person-create": P(EDIT, write=EDIT),
    "people:person-detail": P(STAFF, obj="person"),
    "people:person-update": P(EDIT, write=EDIT, obj="person"),
    "person-list": P(API_READ, write=EDIT),
    "person-detail": P(API_READ, write=EDIT, obj="person"),
    # audit
    "audit:index": P(COUNTY),
    "audit:history": P(COUNTY, write=NOBODY, obj="audited_model", scoped=False),
    "audit:export": P(COUNTY, obj="audited_model", scoped=False),
    "audit-history-list": P(COUNTY, write=NOBODY, obj="audit_query", scoped=False),
    # each whole ID number shown to a department reviewer (audit.IdNumberView)
    "audit:id-numbers": P(COUNTY, write=NOBODY),
    "audit:id-numbers-export": P(COUNTY),
    # composition (read-only figures)
    "composition:dashboard": P(STAFF),
    "composition:table": P(STAFF),
    "composition:village": P(STAFF, obj="village_code"),
    "composition-list": P(API_READ, write=NOBODY),
    "composition-breakdowns": P(API_READ),
    "composition-children": P(API_READ),
    # elections
    "elections:election-list": P(STAFF),
    "elections:election-create": P(EDIT, write=EDIT),
    "elections:election-detail": P(STAFF, obj="election"),
    "elections:election-update": P(EDIT, write=EDIT, obj="election"),
    "elections:seat-list": P(STAFF),
    "elections:roster-import": P(EDIT, write=EDIT),
    "election-list": P(API_READ, write=EDIT),
    "election-detail": P(API_READ, write=EDIT, obj="election"),
    "seat-list": P(API_READ),
    "seat-detail": P(API_READ, obj="seat"),
    "election-result-list": P(API_READ),
    "election-result-detail": P(API_READ, obj="result"),
    "elections:election-confirm": P(EDIT, write=EDIT, obj="election", ok=POST_ONLY),
    "elections:election-step": P(
        EDIT, write=EDIT, obj="election", ok=POST_ONLY, kwargs=(("step", "submit"),)
    ),
    "elections:seat-end": P(EDIT, write=EDIT, obj="seat"),
    "elections:export": P(STAFF, kwargs=(("what", "seats"), ("fmt", "csv"))),
    "elections:roster-template": P(STAFF),
    # A roster job is its uploader's: the county (admin, organizer) sees every job, anyone
    # else only the jobs they uploaded, so a viewer gets 404 on the official's job.
    "elections:import-job": P(STAFF, obj="import_job", hidden=frozenset({VIEW})),
    "elections:import-job-status": P(STAFF, obj="import_job", hidden=frozenset({VIEW})),
    "elections:import-job-cancel": P(COUNTY, write=COUNTY, obj="import_job", ok=POST_ONLY),
    # "Import now" of a dry run: its uploader's (others are refused by the view, not the door).
    "elections:import-job-import": P(EDIT, write=EDIT, obj="import_job", ok=POST_ONLY),
    "election-submit": P(API_READ, write=EDIT, obj="election", ok=POST_ONLY),
    "election-confirm": P(API_READ, write=EDIT, obj="election", ok=POST_ONLY),
    "seat-end": P(API_READ, write=EDIT, obj="seat", ok=POST_ONLY),
    "election-certify": P(API_READ, write=COUNTY, obj="election", ok=POST_ONLY),
    "election-unlock": P(API_READ, write=COUNTY, obj="election", ok=POST_ONLY),
    # candidates
    "candidates:candidacy-list": P(STAFF),
    "candidates:candidacy-create": P(EDIT, write=EDIT),
    "candidates:candidacy-import": P(EDIT, write=EDIT),
    "candidates:candidacy-template": P(EDIT),
    "candidates:funnel": P(STAFF),
    # Papers for the review meetings: the list (page or XLSX) and one candidacy's form.
    "candidates:candidate-list": P(STAFF),
    "candidates:qualification-form": P(STAFF, obj="candidacy"),
    "candidates:review-queue": P(frozenset({REV})),  # the reviewer's own queue
    "candidates:review-export": P(frozenset({REV})),  # the same queue as XLSX
    "candidates:negative-list": P(STAFF | {REV}, write=COUNTY),
    # Reviewers see a candidacy only once it reaches their department's review: not at nomination.
    "candidates:candidacy-detail": P(STAFF | {REV}, obj="candidacy", hidden=frozenset({REV})),
    "candidates:candidacy-withdraw": P(EDIT, obj="candidacy", ok=POST_ONLY),
    "candidates:candidacy-edit": P(EDIT, write=EDIT, obj="candidacy"),
    "candidacy-list": P(API_READ | {REV}, write=EDIT | {REV}),
    "candidacy-detail": P(API_READ | {REV}, obj="candidacy", hidden=frozenset({REV})),
    "candidacy-decision-list": P(API_READ),
    "sign-off-list": P(API_READ | {REV}, write=COUNTY | {REV}),
    "negative-list-item-list": P(API_READ | {REV}, write=COUNTY),
    "candidacy-funnel-list": P(API_READ),
    "review-department-list": P(API_READ | {REV}),
    # Decisions and sign-offs on a candidacy in joint review, which reviewers do see.
    "candidates:candidacy-decide": P(EDIT | {REV}, write=EDIT | {REV}, obj="review", ok=POST_ONLY),
    "candidates:candidacy-replace": P(EDIT, write=EDIT, obj="candidacy"),
    "candidates:sign-off": P(frozenset({REV}), write=frozenset({REV}), obj="review", ok=POST_ONLY),
    "candidates:flag-clear": P(COUNTY | {REV}, write=COUNTY | {REV}, obj="sign_off", ok=POST_ONLY),
    "candidacy-decide": P(API_READ | {REV}, write=EDIT | {REV}, obj="review", ok=POST_ONLY),
    "candidacy-withdraw": P(API_READ | {REV}, write=EDIT | {REV}, obj="candidacy", ok=POST_ONLY),
    "candidacy-replace": P(API_READ | {REV}, write=EDIT | {REV}, obj="candidacy", ok=POST_ONLY),
    "candidacy-decision-detail": P(API_READ, obj="decision"),
    "sign-off-detail": P(API_READ | {REV}, obj="sign_off"),
    "sign-off-clear": P(API_READ | {REV}, write=COUNTY | {REV}, obj="sign_off", ok=POST_ONLY),
    "negative-list-item-detail": P(
        API_READ | {REV}, write=COUNTY, obj="negative_item", scoped=False
    ),
    # reports (issue 16); the rows of its own objects are pinned in tests/reports
    "reports:board": P(STAFF),
    "reports:report": P(STAFF, kwargs=(("code", "141028100"), ("year", 2021)), scoped=False),
    "reports:village": P(STAFF, write=EDIT, obj="village", kwargs=(("year", 2021),)),
    "reports:groups-upload": P(STAFF, write=EDIT, obj="village", kwargs=(("year", 2021),)),
    "reports:details-upload": P(STAFF, write=EDIT, obj="township", kwargs=(("year", 2021),)),
    "reports:filing-action": P(
        STAFF,
        write=EDIT,
        obj="township",
        ok=POST_ONLY,
        kwargs=(("year", 2021), ("step", "submit")),
    ),
    "reports:county-file": P(
        STAFF, write=COUNTY, ok=POST_ONLY, kwargs=(("year", 2021),), scoped=False
    ),
    "report-forms": P(API_READ, kwargs=(("code", "141028100"), ("year", 2021)), scoped=False),
    "report-election-detail-list": P(API_READ, write=EDIT),
    "report-village-detail-list": P(API_READ, write=EDIT),
    "report-representative-list": P(API_READ, write=EDIT),
    "report-recall-list": P(API_READ, write=EDIT),
    "report-by-election-list": P(API_READ, write=EDIT),
    "report-filing-list": P(API_READ),
    # The rows behind the forms: read by API roles, changed (PATCH, a representative's DELETE)
    # by the township's editors through the services; an official 404s on another township's.
    "report-election-detail-detail": P(API_READ, write=EDIT, obj="election_detail"),
    "report-village-detail-detail": P(API_READ, write=EDIT, obj="village_detail"),
    "report-representative-detail": P(API_READ, write=EDIT, obj="representative"),
    # Recalls and by-elections are recorded (POST to the list), never changed: GET-only rows.
    "report-recall-detail": P(API_READ, obj="recall"),
    "report-by-election-detail": P(API_READ, obj="by_election"),
    "report-filing-detail": P(API_READ, obj="filing"),
    # a township's report as filed (the county's aggregate, kind "county", is no township's)
    "reports:filed-xlsx": P(STAFF, obj="filing", kwargs=(("kind", "township"),)),
    # training
    "training:session-list": P(STAFF),
    "training:session-detail": P(STAFF, obj="session"),
    "training:coverage": P(STAFF),
    "training:mentorship-list": P(STAFF),
    "training-session-list": P(API_READ),
    "training-session-detail": P(API_READ, obj="session"),
    "training-mentorship-list": P(API_READ),
    "training-coverage-list": P(API_READ),
    "training:session-create": P(EDIT, write=EDIT),
    "training:session-update": P(EDIT, write=EDIT, obj="session"),
    "training:session-action": P(
        EDIT, write=EDIT, obj="session", ok=POST_ONLY, kwargs=(("action", "status"),)
    ),
    "training:roll-call": P(STAFF, obj="session"),  # viewers see it; marking needs EDIT
    "training:attendance-upload": P(EDIT, write=EDIT, obj="session"),
    "training:attendance-template": P(STAFF, obj="session"),
    "training:attendance-export": P(STAFF, obj="session"),
    "training:enrolment-action": P(
        EDIT, write=EDIT, obj="enrolment", ok=POST_ONLY, kwargs=(("action", "undo"),)
    ),
    "training:mentor-pool": P(STAFF, write=EDIT),
    "training:mentor-toggle": P(EDIT, write=EDIT, obj="mentor", ok=POST_ONLY),
    "training:mentorship-create": P(EDIT, write=EDIT),
    "training:mentorship-detail": P(STAFF, write=EDIT, obj="mentorship"),
    "training-enrolment-list": P(API_READ, write=EDIT),
    "training-enrolment-detail": P(API_READ, obj="enrolment"),
    "training-enrolment-check-in": P(API_READ, write=EDIT, obj="enrolment", ok=POST_ONLY),
    "training-enrolment-absent": P(API_READ, write=EDIT, obj="enrolment", ok=POST_ONLY),
    "training-enrolment-undo": P(API_READ, write=EDIT, obj="enrolment", ok=POST_ONLY),
    "training-mentor-list": P(API_READ, write=EDIT),
    "training-mentor-detail": P(API_READ, obj="mentor"),
    "training-mentorship-detail": P(API_READ, obj="mentorship"),
    "training-mentorship-check-ins": P(API_READ, write=EDIT, obj="mentorship", ok=POST_ONLY),
    "training-mentorship-end": P(API_READ, write=EDIT, obj="mentorship", ok=POST_ONLY),
    # A training record is a person's: keyed by the person's id.
    "training-record-list": P(API_READ),
    "training-record-detail": P(API_READ, obj="person"),
    "training-session-invite-audience": P(API_READ, write=EDIT, obj="session", ok=POST_ONLY),
    "training-session-set-status": P(API_READ, write=EDIT, obj="session", ok=POST_ONLY),
    # rounds (issue 15); its liaison-leader role is pinned in tests/rounds/test_access.py
    "rounds:board": P(STAFF),
    "rounds:board-xlsx": P(STAFF),
    "rounds:mine": P(STAFF),
    "rounds:plan": P(STAFF, write=COUNTY),
    "rounds:village": P(STAFF, write=EDIT, obj="village"),
    "rounds:screening": P(STAFF, write=EDIT, obj="village"),
    "rounds:problem-list": P(STAFF, write=EDIT),
    "rounds:problem-xlsx": P(STAFF),
    "rounds:problem-upload": P(EDIT, write=EDIT),
    "rounds:problem-detail": P(STAFF, write=EDIT, obj="problem"),
    "rounds:visit-list": P(STAFF, write=EDIT),
    "rounds:visit-xlsx": P(STAFF),
    "rounds:visit-upload": P(EDIT, write=EDIT),
    "rounds:talk-list": P(STAFF, write=EDIT),
    "rounds:talk-xlsx": P(STAFF),
    "rounds:liaison": P(STAFF, write=COUNTY),
    "rounds:liaison-xlsx": P(STAFF),
    "rounds:report-list": P(STAFF, write=COUNTY),
    "rounds:report-detail": P(STAFF, obj="round_report"),
    "rounds:report-xlsx": P(STAFF, obj="round_report"),
    "rounds:report-opened": P(STAFF, write=STAFF, obj="round_report", ok=POST_ONLY),
    "rounds-board": P(API_READ),
    "rounds-problem-list": P(API_READ, write=EDIT),
    "rounds-problem-detail": P(API_READ, obj="problem"),
    "rounds-problem-move": P(
        API_READ, write=EDIT, obj="problem", ok=POST_ONLY, kwargs=(("move", "resolve"),)
    ),
    "rounds-visit-list": P(API_READ, write=EDIT),
    "rounds-visit-detail": P(API_READ, obj="visit"),
    "rounds-visit-totals": P(API_READ),
    "rounds-talk-list": P(API_READ, write=EDIT),
    "rounds-talk-detail": P(API_READ, write=EDIT, obj="talk"),
    "rounds-talk-coverage": P(API_READ),
    "rounds-liaison-list": P(API_READ, write=COUNTY),
    "rounds-liaison-detail": P(API_READ, write=COUNTY, obj="liaison"),
    "rounds-unit-list": P(API_READ, write=COUNTY),
    # a unit is a row of the county's (no township): hidden from officials, like the others
    "rounds-unit-detail": P(API_READ, write=COUNTY, obj="unit", scoped=False, hidden={OFF}),
    "rounds-team-list": P(API_READ, write=EDIT),
    "rounds-team-detail": P(API_READ, write=EDIT, obj="team"),
    "rounds-screening-list": P(API_READ, write=EDIT),
    "rounds-screening-detail": P(API_READ, write=EDIT, obj="screening"),
    "rounds-key-person-list": P(API_READ, write=EDIT),
    "rounds-key-person-detail": P(API_READ, write=EDIT, obj="key_person"),
    "rounds-report-list": P(API_READ),
    "rounds-report-detail": P(API_READ, obj="round_report"),
}

# Routes enumerated but not yet asserted, each listed by name so that the table shows exactly
# what is left to pin while an app is being built. Empty: every route of the project is in the
# table above.
PENDING: set[str] = set()


def walk(resolver=None, prefix="", namespace=None):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name, pattern.callback


def project_routes():
    return {
        name or path: callback for path, name, callback in walk() if not path.startswith("admin/")
    }


def test_every_route_is_in_the_table():
    missing = sorted(set(project_routes()) - set(ROUTES) - PENDING)
    assert missing == [], f"routes without a row in the authorization matrix: {missing}"
    stale = sorted((set(ROUTES) | PENDING) - set(project_routes()))
    assert stale == [], f"rows for routes that no longer exist: {stale}"


def test_admin_site_is_for_staff_only(client, make_user):
    assert client.get("/admin/").status_code == 302
    for role in (ORG, VIEW, OFF, REV, API):
        client.force_login(make_user(role))
        assert client.get("/admin/").status_code == 302, role
    client.force_login(make_user(ADMIN))
    assert client.get("/admin/").status_code == 200


@pytest.fixture
def world(make_user, county, township, village, other_village):
    users = {role: make_user(role) for role in ROLES if role != ANON}
    users[REV].department = "police"
    users[REV].save(update_fields=["department"])
    users[ANON] = None
    term = TermFactory(year=2021)
    people = {v: PersonFactory(village=v) for v in (village, other_village)}
    objects = {}
    for key, v in (("own", village), ("other", other_village)):
        objects[key] = {
            "village": v,
            "township": v.township,
            "county": county,
            "term": term,
            "person": people[v],
            "village_code": v.code,
            "audited_model": "people.person",
            "audit_query": "people.person",
            "election": ElectionFactory(village=v, term=term),
            "seat": SeatFactory(village=v, term=term, person=people[v]),
            "candidacy": CandidacyFactory(village=v, term=term, person=people[v]),
            "session": TrainingSessionFactory(county=county, township=v.township),
            "mentorship": MentorshipFactory(county=county, township=v.township),
            "mentor": MentorPoolEntryFactory(person=PersonFactory(village=v)),
        }
        # The person has a training record (an attended enrolment) in their township's session.
        objects[key]["enrolment"] = EnrolmentFactory(
            session=objects[key]["session"],
            person=people[v],
            status=EnrolmentStatus.ATTENDED,
            checked_in_at=timezone.now(),
            hours_credited=8,
        )
    _vetting_objects(objects, users, county)
    _round_objects(objects, county)
    _report_objects(objects)
    from composition.services import composition_recompute

    composition_recompute(term_id=term.pk)
    return {"users": users, "objects": objects, "people": list(people.values())}


def _round_objects(objects, county):
    """The county's round of the world's term with an attached unit; per township a
    problem, a visit, a talk, a liaison of a county leader, a screening, the "四个一" team, a
    key person, and the township's daily report."""
    from rounds import services as rounds
    from rounds.reports import report_build

    term = objects["own"]["term"]
    round_ = rounds.round_create(
        county=county,
        term=term,
        starts_on=dt.date(2021, 1, 1),
        ends_on=dt.date(2021, 6, 30),
        actor=SYSTEM,
    )
    reports = report_build(round_=round_, actor=SYSTEM)
    for objs in objects.values():
        village = objs["village"]
        objs["problem"] = rounds.problem_create(
            village=village,
            source="supervision",
            category="procedure",
            description="问题",
            deadline=dt.date(2021, 3, 1),
            reported_on=dt.date(2021, 2, 1),
            actor=SYSTEM,
        )
        objs["visit"] = rounds.visit_create(
            village=village, visited_on=dt.date(2021, 2, 1), visitors="工作组", actor=SYSTEM
        )
        objs["talk"] = rounds.talk_create(
            village=village,
            person=objs["person"],
            kind="heart",
            held_on=dt.date(2021, 2, 1),
            talker="书记",
            actor=SYSTEM,
        )
        leader = UserFactory(role=Role.LIAISON_LEADER, county=county)
        objs["liaison"] = rounds.liaison_add(
            round_=round_, leader=leader, village=village, actor=SYSTEM
        )
        objs["round_report"] = next(r for r in reports if r.township_id == village.township_id)
        objs["screening"] = rounds.screening_save(
            round_=round_, village=village, screened_on=dt.date(2021, 1, 5), actor=SYSTEM
        )
        objs["team"] = rounds.team_set(
            round_=round_, village=village, township_cadre="包村干部", actor=SYSTEM
        )
        objs["key_person"] = rounds.key_person_save(
            round_=round_, person=objs["person"], reason="重点", actor=SYSTEM
        )
        objs["unit"] = rounds.unit_save(
            round_=round_, name=f"县直单位{village.pk}", villages=[village], actor=SYSTEM
        )


def _report_objects(objects):
    """Per township, through the reports services, the detail of a term of its own (2018: two
    certified first rounds per village): the villagers' committee election's registration, the
    village's committee detail, a representative, a recall (not passed: the seat stays), a
    by-election, and the township's report as filed, which locks that detail. So the writes
    pass the door and stop at the lock (400), and no role's DELETE changes the world for the
    next role: an official's 404 on the other township's row is the scope, not a gone row."""
    from elections.choices import Body, ElectionState, Post
    from people.choices import Gender
    from reports import services as reports
    from reports.choices import ChosenBy, RequestedBy, VacancyReason

    term = TermFactory(year=2018)
    for objs in objects.values():
        village = objs["village"]
        certified = {"village": village, "term": term, "state": ElectionState.CERTIFIED}
        ElectionFactory(body=Body.PARTY_COMMITTEE, **certified)
        election = ElectionFactory(body=Body.VILLAGERS_COMMITTEE, **certified)
        objs["election_detail"] = reports.election_detail_save(
            election=election, actor=SYSTEM, registered_resident=900, booths=1
        )
        objs["village_detail"] = reports.village_detail_save(
            village=village, term=term, actor=SYSTEM, committee_size=5
        )
        objs["representative"] = reports.representative_save(
            village=village,
            term=term,
            actor=SYSTEM,
            name="代表",
            gender=Gender.FEMALE,
            chosen_by=ChosenBy.HOUSEHOLDS,
        )
        seat = SeatFactory(village=village, term=term, body=Body.VILLAGERS_COMMITTEE)
        objs["recall"] = reports.recall_record(
            seat=seat,
            actor=SYSTEM,
            requested_by=RequestedBy.VOTERS,
            requesters=200,
            eligible=1000,
            requested_on=dt.date(2019, 3, 1),
            voted_on=dt.date(2019, 4, 1),
            registered=1000,
            voted=600,
            agreed=100,
        )
        objs["by_election"] = reports.by_election_record(
            village=village,
            term=term,
            person=PersonFactory(village=village),
            actor=SYSTEM,
            post=Post.MEMBER,
            reason=VacancyReason.RESIGNATION,
            held_on=dt.date(2019, 5, 1),
            registered=500,
            voted=300,
            votes=200,
        )
        for code in ("representatives_share", "women_share"):
            reports.village_detail_confirm(
                village=village, term=term, code=code, note="说明", actor=SYSTEM
            )
        objs["filing"] = reports.filing_submit(township=objs["township"], term=term, actor=SYSTEM)


def _vetting_objects(objects, users, county):
    """Per township: a candidacy walked to joint review by the system (its last decision), a
    police reviewer's flag on it, a roster job uploaded by that township's official, a result
    row of the election; and the county's negative list (county-wide, not township-scoped)."""
    from candidates import services as vetting
    from candidates.choices import Outcome, SignOffOutcome, Stage
    from elections.models import ImportJob

    items = vetting.negative_list_ensure(county=county)
    for key, objs in objects.items():
        township, term = objs["township"], objs["term"]
        person = PersonFactory(village=objs["village"])
        review = CandidacyFactory(village=objs["village"], term=term, person=person)
        while review.stage != Stage.JOINT_REVIEW:
            vetting.candidacy_decide(
                candidacy=review,
                outcome=Outcome.PASS,
                expected_version=review.version,
                actor=SYSTEM,
            )
            review.refresh_from_db()
        objs["review"] = review
        objs["decision"] = review.decisions.order_by("pk").last()
        objs["sign_off"] = vetting.sign_off_record(
            candidacy=review,
            outcome=SignOffOutcome.FLAG,
            actor=users[REV],
            negative_items=items[:1],
        )
        uploader = users[OFF]
        if key == "other":
            uploader = UserFactory(role=OFF, county=county, township=township)
        objs["import_job"] = ImportJob.objects.create(
            created_by=uploader, filename="roster.xlsx", content=b""
        )
        objs["result"] = ElectionCandidateFactory(election=objs["election"], person=objs["person"])
        objs["negative_item"] = items[0]


def url_for(name, route, objects):
    if route.obj is None:
        return reverse(name, kwargs=dict(route.kwargs) or None)
    value = objects[route.obj]
    if route.obj == "audit_query":
        return reverse(name) + "?model=" + value
    if isinstance(value, str):
        key = "code" if route.obj == "village_code" else "model"
        return reverse(name, kwargs={key: value})
    return reverse(name, kwargs={"pk": value.pk, **dict(route.kwargs)})


def is_api(name):
    return not (
        ":" in name
        or name in {"home", "login", "logout", "set_language", "health"}
        or name.startswith("api-")
        and name not in {"api-token", "api-me"}
    )


def client_for(user, api):
    if api:
        client = APIClient()
        if user:
            client.force_authenticate(user)
        return client
    from django.test import Client

    client = Client()
    if user:
        client.force_login(user)
    return client


def expected_read(name, route, role, other):
    if role == ANON and ANON not in route.read:
        return {401, 403} if is_api(name) else {302}
    if role not in route.read:
        return {403} | (route.ok & {POST_ONLY})
    if POST_ONLY in route.ok:
        return route.ok
    if (other and route.scoped and role == OFF) or role in route.hidden:
        return {404}
    return set(route.ok)


def write_methods(name, callback):
    """The write methods a route serves: its router's actions less those the view refuses to
    everybody with 405 (the reports' `http_method_names` leave out the router's PUT)."""
    actions = getattr(callback, "actions", None)
    if actions:
        served = callback.cls.http_method_names
        return [m for m in actions if m in served and m not in ("get", "head", "options")]
    return ["post"]


SAMPLE = sorted(ROUTES)


def _dump(failures):
    """MATRIX_DUMP=path collects every mismatch in one file while the table is being written."""
    import os

    if failures and os.environ.get("MATRIX_DUMP"):
        with open(os.environ["MATRIX_DUMP"], "a", encoding="utf-8") as handle:
            handle.write("\n".join(failures) + "\n")


def test_reads(world):
    """GET of every route × every role, for an own-township and an other-township object."""
    failures = []
    for name, route in ROUTES.items():
        failures += _reads(world, name, route)
    _dump(failures)
    assert failures == []


def _reads(world, name, route):
    failures = []
    for which in ("own", "other"):
        if which == "other" and not (route.obj and route.scoped):
            continue
        url = url_for(name, route, world["objects"][which])
        for role in ROLES:
            response = client_for(world["users"][role], is_api(name)).get(url)
            want = expected_read(name, route, role, which == "other")
            if response.status_code not in want:
                failures.append(f"GET {url} as {role}: {response.status_code}, want {want}")
    return failures


def test_writes(world):
    """Every write method of every route × every role, own and other township: refused
    (401/403/405) for roles without write access, 404 for another township, never a 5xx."""
    failures = []
    for name, route in ROUTES.items():
        if route.write is not None:
            failures += _writes(world, name, route)
    _dump(failures)
    assert failures == []


def _writes(world, name, route):
    callback = project_routes()[name]
    failures = []
    for which in ("own", "other"):
        if which == "other" and not (route.obj and route.scoped):
            continue
        url = url_for(name, route, world["objects"][which])
        # On the other township's object the official goes first: after a DELETE by the
        # admin, the official's 404 would come from a missing row, not from the scope.
        roles = sorted(ROLES, key=lambda role: role != OFF) if which == "other" else ROLES
        for method in write_methods(name, callback):
            for role in roles:
                client = client_for(world["users"][role], is_api(name))
                response = getattr(client, method)(
                    url, {}, **({"format": "json"} if is_api(name) else {})
                )
                code = response.status_code
                if role == ANON:
                    ok = code in ({401, 403} if is_api(name) else {302, 403, 405})
                elif role not in route.write:
                    ok = code in (403, 405)
                elif which == "other" and role == OFF:
                    ok = code in (403, 404)  # never a change to another township
                else:
                    ok = code not in (401, 403) and code < 500
                if not ok:
                    failures.append(f"{method.upper()} {url} as {role}: {code}")
    return failures


def test_whole_id_numbers_only_reach_the_roles_that_may_see_them(world):
    """Every readable page and API GET, as every role: a whole ID number appears only for
    admin, organizer and official; viewers see it masked, others not at all."""
    numbers = [p.id_number for p in world["people"]]
    leaks = []
    for name, route in ROUTES.items():
        if 200 not in route.ok or name in {"api-schema", "api-docs", "api-redoc"}:
            continue
        url = url_for(name, route, world["objects"]["own"])
        for role in ROLES:
            if role in WHOLE_ID_ROLES or role not in route.read:
                continue
            body = client_for(world["users"][role], is_api(name)).get(url).getvalue()
            text = body.decode("utf-8", "replace")
            leaks += [f"{url} as {role}" for n in numbers if n in text]
    assert leaks == []
