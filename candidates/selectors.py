"""Reads that feed the queues, the joint-review gate, the timeline and the funnel."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.choices import Department
from core.text import join_words
from registry.models import County

from .choices import STAGE_PATH, Outcome, SignOffOutcome, Source, Stage
from .models import Candidacy, Decision, ReviewDepartment, SignOff

OUTCOME_CSS = {Outcome.PASS: "good", Outcome.REJECT: "bad"}


def open_flag_exists():
    """An Exists() that is true where a department flag is still waiting for clearance."""
    return Exists(
        SignOff.objects.filter(
            candidacy=OuterRef("pk"), outcome=SignOffOutcome.FLAG, clearance__isnull=True
        )
    )


def queue_for_user(user):
    """The candidacies a user works on, with what the queue shows, in a fixed query count."""
    return (
        Candidacy.objects.for_user(user)
        .select_related("person", "village__township", "term")
        .annotate(
            has_open_flag=open_flag_exists(),
            # correlated, so that only the page's rows are counted (not a GROUP BY of all)
            sign_off_count=Coalesce(
                Subquery(
                    SignOff.objects.filter(candidacy=OuterRef("pk"))
                    .order_by()
                    .values("candidacy")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
                output_field=IntegerField(),
            ),
        )
        .order_by("village__township__code", "village__code", "body", "post", "pk")
    )


def review_queue(user):
    """A department reviewer's pending sign-offs: names in joint review their department has
    not signed yet."""
    signed = SignOff.objects.filter(candidacy=OuterRef("pk"), department=user.department)
    return (
        Candidacy.objects.for_user(user)
        .filter(stage=Stage.JOINT_REVIEW)
        .exclude(Exists(signed))
        .select_related("person", "village__township", "term")
        .order_by("stage_changed_at", "pk")
    )


def required_departments(county: County) -> list[str]:
    """The departments whose pass the county's joint review needs, in a fixed order."""
    return list(
        ReviewDepartment.objects.filter(county=county, takes_part=True, required=True)
        .order_by("department")
        .values_list("department", flat=True)
    )


def joint_review_blockers(candidacy: Candidacy) -> list[str]:
    """Why the joint review cannot pass yet, each department under one heading only: the
    required departments that have not answered, and those that answered with a flag not
    yet cleared (a department that flagged has answered)."""
    county = candidacy.village.township.county
    required = required_departments(county)
    sign_offs = list(candidacy.sign_offs.select_related("clearance"))
    answered = {sign_off.department for sign_off in sign_offs}
    blockers = []
    missing = [Department(d).label for d in required if d not in answered]
    if missing:
        blockers.append(_("尚未出具意见的部门：%(d)s") % {"d": join_words(missing)})
    for sign_off in sign_offs:
        if sign_off.outcome == SignOffOutcome.FLAG and not hasattr(sign_off, "clearance"):
            blockers.append(
                _("%(dept)s提出问题，尚未由组织部门核销")
                % {"dept": sign_off.get_department_display()}
            )
    return blockers


def timeline(candidacy: Candidacy) -> list[dict]:
    """Every step of a candidacy, oldest first: edits, decisions, sign-offs, clearances."""
    events = []
    previous = None
    records = candidacy.history.select_related("history_user").order_by("history_date", "pk")
    for record in records:
        who = record.history_user
        if record.history_type == "+" or previous is None:
            what = pgettext("timeline", "提名")
            who = who or candidacy.proposed_by
            previous = record
        else:
            # Diff against the previous row of the list: no query per history row.
            changed = record.diff_against(previous).changed_fields
            previous = record
            changed = [f for f in changed if f not in {"version", "stage", "stage_changed_at"}]
            if not changed:
                continue
            labels = [str(Candidacy._meta.get_field(f).verbose_name) for f in changed]
            what = _("修改：%(fields)s") % {"fields": join_words(labels)}
        events.append(
            {
                "kind": "edit",
                "css": "warn",
                "at": record.history_date,
                "who": who,
                "what": what,
                "why": "",
                "items": [],
            }
        )
    decisions = candidacy.decisions.select_related("decided_by").prefetch_related("negative_items")
    for decision in decisions:
        what = _("%(stage)s：%(outcome)s") % {
            "stage": decision.get_stage_display(),
            "outcome": decision.get_outcome_display(),
        }
        if decision.to_stage != decision.stage:
            what += f" → {decision.get_to_stage_display()}"
        meeting = ""
        if decision.meeting_date:
            meeting = _("会议 %(date)s 纪要 %(minutes)s") % {
                "date": f"{decision.meeting_date:%Y-%m-%d}",
                "minutes": decision.minute_number,
            }
        events.append(
            {
                "kind": "decision",
                "css": OUTCOME_CSS.get(decision.outcome, "warn"),
                "at": decision.decided_at,
                "who": decision.decided_by,
                "what": what,
                "why": decision.reason,
                "meeting": meeting,
                "items": list(decision.negative_items.all()),
            }
        )
    sign_offs = candidacy.sign_offs.select_related(
        "signed_by", "clearance__cleared_by"
    ).prefetch_related("negative_items")
    for sign_off in sign_offs:
        events.append(
            {
                "kind": "sign_off",
                "css": "good" if sign_off.outcome == SignOffOutcome.PASS else "bad",
                "at": sign_off.signed_at,
                "who": sign_off.signed_by,
                "what": _("资格联审·%(department)s：%(outcome)s")
                % {
                    "department": sign_off.get_department_display(),
                    "outcome": sign_off.get_outcome_display(),
                },
                "why": sign_off.note,
                "items": list(sign_off.negative_items.all()),
            }
        )
        clearance = getattr(sign_off, "clearance", None)
        if clearance is not None:
            events.append(
                {
                    "kind": "clearance",
                    "css": "good",
                    "at": clearance.cleared_at,
                    "who": clearance.cleared_by,
                    "what": _("核销%(department)s提出的问题")
                    % {"department": sign_off.get_department_display()},
                    "why": clearance.reason,
                    "items": [],
                }
            )
    events.sort(key=lambda event: event["at"])
    return events


def stage_counts(candidacies) -> dict:
    """The one count of names by the stage they are at now, for every page and the API:
    {"total": n, stage: n for every stage}. Every candidacy is counted once, where it is
    now: 未通过 / 已退出 are the names rejected / withdrawn and not replaced; a replaced
    name counts under 已替换 (its replacement is a candidacy of its own)."""
    counts = candidacies.aggregate(**_stage_columns())
    return {key: counts[key] or 0 for key in counts}


def _stage_columns() -> dict:
    """The aggregates behind `stage_counts`, for a whole set or per group (townships)."""
    return {
        "total": Count("pk"),
        **{stage: Count("pk", filter=Q(stage=stage)) for stage in Stage.values},
    }


def funnel(candidacies, *, by_county: bool = False) -> dict:
    """The vetting funnel of a set of candidacies (already scoped), in five queries.

    at: names now at each stage (`stage_counts`, the figures every page and the API
    share); passed: distinct names that passed each stage; rejected: names now rejected,
    by the stage that rejected them (they add up to the 未通过 total); returned: return
    decisions; by_item: the rejections of the names now rejected per negative-list item
    (a rejection citing two items counts under both); sources: approved names by source;
    townships: per township, names now at each stage — or, `by_county`, counties: per
    county (a province's 1,460 townships are no table to read; `townships` is then empty).
    """
    stage_counts_now = stage_counts(candidacies)
    decisions = Decision.objects.filter(candidacy__in=candidacies.values("pk"))
    aggregates = {}
    for stage in STAGE_PATH[:-1]:
        aggregates[f"{stage}_pass"] = Count(
            "candidacy", filter=Q(stage=stage, outcome=Outcome.PASS), distinct=True
        )
        aggregates[f"{stage}_reject"] = Count(
            "candidacy",
            filter=Q(stage=stage, outcome=Outcome.REJECT, candidacy__stage=Stage.REJECTED),
            distinct=True,
        )
        aggregates[f"{stage}_return"] = Count("pk", filter=Q(stage=stage, outcome=Outcome.RETURN))
    aggregates["returned"] = Count("pk", filter=Q(outcome=Outcome.RETURN))
    decided = decisions.aggregate(**aggregates)
    rejections = decisions.filter(outcome=Outcome.REJECT, candidacy__stage=Stage.REJECTED)
    by_item = list(
        rejections.filter(negative_items__isnull=False)
        .values("negative_items__number", "negative_items__text")
        .annotate(count=Count("pk", distinct=True))
        .order_by("negative_items__number")
    )
    reason_only = rejections.filter(negative_items__isnull=True).count()
    source_rows = dict(
        candidacies.filter(stage=Stage.APPROVED)
        .order_by()
        .values("source")
        .annotate(count=Count("pk"))
        .values_list("source", "count")
    )
    prefix = "village__township__county" if by_county else "village__township"
    group_rows = [
        {"id": row[f"{prefix}_id"], "name": row[f"{prefix}__name"], **row}
        for row in candidacies.order_by()
        .values(f"{prefix}_id", f"{prefix}__name", f"{prefix}__code")
        .annotate(**_stage_columns())
        .order_by(f"{prefix}__code")
    ]
    stages = []
    for stage in STAGE_PATH:
        stages.append(
            {
                "stage": stage.value,
                "label": str(stage.label),
                "at": stage_counts_now[stage],
                "passed": decided.get(f"{stage}_pass", 0) if stage != Stage.APPROVED else None,
                "rejected": decided.get(f"{stage}_reject", 0) if stage != Stage.APPROVED else None,
                "returned": decided.get(f"{stage}_return", 0) if stage != Stage.APPROVED else None,
            }
        )
    return {
        "total": stage_counts_now["total"],
        "stages": stages,
        "ended": {
            stage.value: stage_counts_now[stage]
            for stage in (Stage.APPROVED, Stage.REJECTED, Stage.WITHDRAWN, Stage.REPLACED)
        },
        "rejected": stage_counts_now[Stage.REJECTED],
        "returned": decided["returned"],
        "withdrawn": stage_counts_now[Stage.WITHDRAWN],
        "replaced": stage_counts_now[Stage.REPLACED],
        "rejected_by_item": [
            {
                "number": row["negative_items__number"],
                "text": row["negative_items__text"],
                "count": row["count"],
            }
            for row in by_item
        ],
        "rejected_reason_only": reason_only,
        "approved_sources": [
            {
                "source": source.value,
                "label": str(source.label),
                "count": source_rows.get(source.value, 0),
            }
            for source in Source
        ],
        "townships": [] if by_county else _groups(group_rows, "township"),
        "counties": _groups(group_rows, "county") if by_county else [],
    }


def _groups(rows, key: str) -> list[dict]:
    return [
        {
            key: row["id"],
            "name": row["name"],
            "total": row["total"],
            "stages": {stage: row[stage] for stage in Stage.values},
        }
        for row in rows
    ]


def village_candidacies(village, user) -> list[Candidacy]:
    """The village page's candidacy panel: the village's candidacies `user` may see."""
    return list(
        Candidacy.objects.for_user(user)
        .filter(village=village)
        .select_related("person", "term")
        .order_by("-term__year", "body", "post", "pk")
    )


def person_candidacies(person, user) -> list[Candidacy]:
    """The person page's candidacy panel."""
    return list(
        Candidacy.objects.for_user(user)
        .filter(person=person)
        .select_related("village", "term")
        .order_by("-term__year")
    )


# -- the ballot ---------------------------------------------------------------------------

_VETTING_STATES = {
    Stage.APPROVED: "approved",
    Stage.REJECTED: "rejected",
    Stage.WITHDRAWN: "withdrawn",
    Stage.REPLACED: "replaced",
}
_ENDING_OUTCOMES = (Outcome.REJECT, Outcome.WITHDRAW)


def _preference(candidacy: Candidacy) -> tuple:
    """Which of a person's candidacies for one body speaks for them: an approved one, else
    one still in review, else the one that ended last."""
    if candidacy.stage == Stage.APPROVED:
        rank = 0
    elif candidacy.stage not in _VETTING_STATES:
        rank = 1
    else:
        rank = 2
    return (rank, -candidacy.stage_changed_at.timestamp() if candidacy.stage_changed_at else 0)


def ballot_vetting(elections) -> dict:
    """{election pk: {person_id: elections.rules.Vetting}} for the people on the ballots:
    where each one's candidacy for the election's body, village and term stands (no entry:
    never nominated). None for an election whose county has not vetted its term in the
    portal (an earlier round's results entered afterwards) or whose body is not vetted (the
    supervision committee). A fixed number of queries, however many elections."""
    from .models import VETTED_BODIES

    elections = [e for e in elections if e.body in VETTED_BODIES]
    found: dict = {}
    if not elections:
        return found
    vetted_rounds = set(
        Candidacy.objects.filter(
            village__township__county_id__in={e.village.township.county_id for e in elections},
            term_id__in={e.term_id for e in elections},
        )
        .order_by()
        .values_list("village__township__county_id", "term_id")
        .distinct()
    )
    elections = [e for e in elections if (e.village.township.county_id, e.term_id) in vetted_rounds]
    if not elections:
        return found
    chosen: dict[tuple, Candidacy] = {}
    for candidacy in Candidacy.objects.filter(
        village_id__in={e.village_id for e in elections},
        term_id__in={e.term_id for e in elections},
        body__in={e.body for e in elections},
    ).order_by():
        key = (candidacy.village_id, candidacy.term_id, candidacy.body, candidacy.person_id)
        held = chosen.get(key)
        if held is None or _preference(candidacy) < _preference(held):
            chosen[key] = candidacy
    endings = _endings([c.pk for c in chosen.values() if c.stage in _ENDED_STATES])
    by_ballot: dict[tuple, dict] = {}
    for (village_id, term_id, body, person_id), candidacy in chosen.items():
        by_ballot.setdefault((village_id, term_id, body), {})[person_id] = _vetting_of(
            candidacy, endings.get(candidacy.pk)
        )
    for election in elections:
        found[election.pk] = by_ballot.get(
            (election.village_id, election.term_id, election.body), {}
        )
    return found


_ENDED_STATES = (Stage.REJECTED, Stage.WITHDRAWN, Stage.REPLACED)


def _endings(candidacy_ids: list[int]) -> dict:
    """The last decision that ended each of these candidacies (a rejection or withdrawal)."""
    endings: dict = {}
    if not candidacy_ids:
        return endings
    for decision in (
        Decision.objects.filter(candidacy_id__in=candidacy_ids, outcome__in=_ENDING_OUTCOMES)
        .prefetch_related("negative_items")
        .order_by("decided_at", "pk")
    ):
        endings[decision.candidacy_id] = decision
    return endings


def _vetting_of(candidacy: Candidacy, ending):
    from elections import rules

    state = _VETTING_STATES.get(candidacy.stage)
    if state is None:
        return rules.Vetting(rules.IN_REVIEW, stage=candidacy.get_stage_display())
    if state == rules.APPROVED:
        return rules.Vetting(rules.APPROVED)
    return rules.Vetting(
        state,
        stage=ending.get_stage_display() if ending is not None else "",
        reason=_ending_reason(ending),
    )


def _ending_reason(decision) -> str:
    """The reason written, and the negative-list items cited, of the decision that ended a
    candidacy."""
    if decision is None:
        return ""
    parts = [f"{item.number}. {item.text}" for item in decision.negative_items.all()]
    if decision.reason:
        parts.append(decision.reason)
    return _("；").join(parts)
