"""The whole set of forms of a scope for a term, in a fixed number of queries whatever the
number of villages; its JSON contract, the checks that stop a filing, and its fingerprint."""

from __future__ import annotations

import hashlib
import json

from django.utils import translation

from registry.models import Term

from .audits import leaving_audits, term_candidacies
from .committees import previous_members, seats, supervision_checks
from .figures import SECTIONS, VillageFigures, add, finish, zero_sections
from .groups import group_figures
from .lists import by_elections, elected, recalls
from .scope import Scope, reporting_villages, unit_of
from .voting import committee_detail, expected_elections, village_elections


def report(scope: Scope, term: Term) -> dict:
    """Every form of `scope` for `term`, computed from the detail (docs/reports.md)."""
    villages = reporting_villages(scope, term)
    figures = {v.pk: VillageFigures(v) for v in villages}
    previous = previous_members(villages, term)
    details = committee_detail(figures, term)
    elections = village_elections(figures, term)
    people = seats(figures, term, previous, elections)
    supervision_checks(figures, details, people)
    group_figures(figures, term, details)
    candidacies = term_candidacies(figures, term)
    leaving_audits(figures, term, candidacies)
    expected_elections(figures, elections, term)

    result = {"scope": scope.code, "name": scope.name, "kind": scope.kind, "term": term.year}
    units: dict[str, dict] = {}
    for fig in figures.values():
        code, name = unit_of(scope, fig.village)
        unit = units.setdefault(
            code, {"code": code, "name": name, "villages": 0, "sections": zero_sections()}
        )
        unit["villages"] += 1
        add(unit["sections"], fig.sections)
    totals = zero_sections()
    for fig in figures.values():
        add(totals, fig.sections)
    for name, _keys in SECTIONS:
        section = finish(name, totals[name])
        section["rows"] = [
            {"code": u["code"], "name": u["name"], "villages": u["villages"]}
            | finish(name, u["sections"][name])
            for u in units.values()
        ]
        result[name] = section
    result["registration"]["villages"] = len(figures)
    result["elected"] = elected(figures, term, previous, candidacies)
    result["recalls"] = recalls(figures, term)
    result["by_elections"] = by_elections(figures, term)
    result["checks"] = [check for fig in figures.values() for check in fig.checks]
    return result


JSON_KEYS = (
    "scope",
    "registration",
    "voting",
    "elected",
    "committees",
    "groups_and_representatives",
    "supervision",
    "leaving_audits",
    "recalls",
    "by_elections",
    "checks",
)


def contract(data: dict) -> dict:
    """The report with exactly the keys of `election_report --json` (docs/reports.md)."""
    out = {key: data[key] for key in JSON_KEYS}
    out["elected"] = [
        {k: v for k, v in row.items() if k not in ("candidate_id", "origin_from_candidacy")}
        for row in data["elected"]
    ]
    out["checks"] = [
        {"code": c["code"], "level": c["level"], "message": c["message"]} for c in data["checks"]
    ]
    return out


def blocking_checks(data: dict) -> list[dict]:
    """Checks that stop a filing: every error, and a warning awaiting its written note."""
    return [
        c
        for c in data["checks"]
        if c["level"] == "error" or (c["confirmable"] and not c["confirmed"])
    ]


def fingerprint(data: dict) -> str:
    """A digest of the figures (not the wording of the checks), to see a change since filing."""
    figures = {k: v for k, v in data.items() if k != "checks"}
    figures["checks"] = sorted((c["code"], c["village"], c["confirmed"]) for c in data["checks"])
    text = json.dumps(figures, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def frozen_report(scope: Scope, term: Term) -> dict:
    """The report as it is filed: in the source language, whoever files it."""
    with translation.override("zh-hans"):
        return report(scope, term)
