"""Dashboards: a scope's figures and charts, the table of the scopes below it, a village's
team. Every page reads stored snapshot rows only, with a fixed number of queries."""

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.access import STAFF_ROLES
from core.exports import export_filename, xlsx_response
from core.permissions import RoleRequiredMixin
from core.text import join_words
from elections.choices import Body, Post
from elections.models import Seat
from registry.models import Term

from . import figures, fragments, selectors
from .choices import ScopeKind
from .models import RecomputeRequest

FLAG_LABELS = [
    ("age_le_35", gettext_lazy("35岁及以下")),
    ("age_le_45", gettext_lazy("45岁及以下")),
    ("age_le_50", gettext_lazy("50岁及以下")),
    ("college_plus", gettext_lazy("大专及以上")),
    ("fulltime_bachelor_plus", gettext_lazy("全日制本科及以上")),
    ("female", gettext_lazy("女性")),
]


def _terms():
    """Every term, latest first: the term picker, and where the requested one is found;
    each knows whether a recompute of it is pending (`pending`), in the same query."""
    pending = RecomputeRequest.objects.filter(term=OuterRef("pk"))
    return list(Term.objects.annotate(pending=Exists(pending)).order_by("-year"))


def _load(request, terms):
    try:
        term = selectors.resolve_term(request.GET.get("term"), terms)
        row = selectors.scope_row(request.user, term, request.GET.get("scope"))
    except selectors.ScopeNotFound:
        raise Http404(_("没有该届次或区划的统计结果")) from None
    return term, row


def headline_rows(value: dict) -> list[dict]:
    """The figures as table rows: secretaries and members, this term, previous, change."""
    out = []
    for name, label, special, special_label in (
        ("secretaries", _("村党组织书记"), "one_shoulder", _("“一肩挑”")),
        ("members", _("“两委”成员"), "cross_serving", _("交叉任职")),
    ):
        cur, prev, change = value[name], value["previous"][name], value["change"][name]
        lines = [
            {
                "label": _("人数"),
                "after": cur["count"],
                "before": prev["count"],
                "change": None,
                "pct": False,
            },
            {
                "label": _("平均年龄"),
                "after": cur["avg_age"],
                "before": prev["avg_age"],
                "change": change["avg_age"],
                "pct": False,
            },
        ]
        for key, key_label in [*FLAG_LABELS, (special, special_label)]:
            lines.append(
                {
                    "label": key_label,
                    "after": cur[key]["pct"],
                    "before": prev[key]["pct"],
                    "count": cur[key]["count"],
                    "change": change[key],
                    "pct": True,
                }
            )
        out.append({"label": label, "lines": lines})
    return out


class DashboardView(RoleRequiredMixin, View):
    read_roles = STAFF_ROLES

    def get(self, request):
        terms = _terms()
        term, row = _load(request, terms)
        return render(
            request,
            "composition/dashboard.html",
            {
                "term": term,
                "terms": terms,
                "row": row,
                "pending": term.pending,
                "child_kind": _child_label(row.scope_kind),
                "body": fragments.cached_fragment(
                    "dashboard", term, row, lambda: dashboard_body(term, row)
                ),
            },
        )


def dashboard_body(term, row) -> str:
    """Targets, headline figures, coverage card and chart data of one scope (cached by
    `composition.fragments`: a function of the row, the term, training and the language)."""
    return render_to_string(
        "composition/_dashboard_body.html",
        {
            "term": term,
            "value": row.figures,
            "headline": headline_rows(row.figures),
            "charts": row.breakdowns,
            "coverage_card": fragments.coverage_card(term, row),
        },
    )


def _child_label(kind):
    return {
        ScopeKind.COUNTY: _("乡镇"),
        ScopeKind.TOWNSHIP: _("村(社区)"),
        ScopeKind.PREFECTURE: _("县(市、区)"),
        ScopeKind.PROVINCE: _("市(州)"),
    }.get(kind)


TABLE_COLUMNS = [
    ("secretaries.count", gettext_lazy("书记人数")),
    ("secretaries.avg_age", gettext_lazy("书记平均年龄")),
    ("secretaries.one_shoulder", gettext_lazy("“一肩挑”%")),
    ("members.count", gettext_lazy("成员人数")),
    ("members.avg_age", gettext_lazy("成员平均年龄")),
    ("members.age_le_35", gettext_lazy("35岁及以下%")),
    ("members.college_plus", gettext_lazy("大专及以上%")),
    ("members.female", gettext_lazy("女性%")),
    ("members.cross_serving", gettext_lazy("交叉任职%")),
]


def table_cells(value: dict) -> list:
    cells = []
    for key, _label in TABLE_COLUMNS:
        population, field = key.split(".")
        item = value[population][field]
        cells.append(item["pct"] if isinstance(item, dict) else item)
    return cells


class TableView(RoleRequiredMixin, View):
    """Every scope below one (townships of a county, villages of a township) side by side.
    The table is rendered once per parent row and reader scope (`composition.fragments`):
    every recompute below the parent rewrites the parent's row, hence a new key."""

    read_roles = STAFF_ROLES

    def get(self, request):
        terms = _terms()
        term, parent = _load(request, terms)
        if request.GET.get("format") == "xlsx":
            return self.export(request, term, parent)
        return render(
            request,
            "composition/table.html",
            {
                "term": term,
                "terms": terms,
                "parent": parent,
                "child_kind": _child_label(parent.scope_kind),
                "pending": term.pending,
                "children_table": fragments.cached_fragment(
                    "table",
                    term,
                    parent,
                    lambda: children_table(request.user, term, parent),
                    reader=fragments.reader_scope(request.user),
                ),
            },
        )

    def export(self, request, term, parent):
        labels = figures.TARGET_LABELS
        headers = [
            _("区划代码"),
            _("名称"),
            *[str(label) for _k, label in TABLE_COLUMNS],
            _("未达成目标"),
        ]
        return xlsx_response(
            export_filename(parent.scope_name, term.year, _("结构统计"), ext="xlsx"),
            headers,
            [
                [
                    item["row"].scope_code,
                    item["row"].scope_name,
                    *item["cells"],
                    join_words(labels[m] for m in item["missed"]),
                ]
                for item in table_rows(request.user, term, parent)
            ],
            title=_("结构统计"),
        )


def table_rows(user, term, parent) -> list[dict]:
    return [
        {"row": child, "cells": table_cells(child.figures), "missed": child.missed_targets}
        for child in selectors.child_rows(user, term, parent.scope_code)
    ]


def children_table(user, term, parent) -> str:
    return render_to_string(
        "composition/_children_table.html",
        {
            "term": term,
            "table": table_rows(user, term, parent),
            "columns": [label for _k, label in TABLE_COLUMNS],
        },
    )


class VillageTeamView(RoleRequiredMixin, View):
    """A village's figures and the people holding its seats this term."""

    read_roles = STAFF_ROLES

    def get(self, request, code):
        terms = _terms()
        term, row = _load_village(request, code, terms)
        seats = (
            Seat.objects.for_user(request.user)
            .team()
            .filter(term=term, village__code=code)
            .select_related("person")
            .order_by("body", "post", "person__name")
        )
        body_order = [Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE, Body.SUPERVISION_COMMITTEE]
        post_order = [p.value for p in Post]
        seats = sorted(seats, key=lambda s: (body_order.index(s.body), post_order.index(s.post)))
        for seat in seats:  # A village's team: a dozen rows, for display.
            seat.age = seat.person.age_on(term.reference_date)
        return render(
            request,
            "composition/village.html",
            {
                "term": term,
                "terms": terms,
                "row": row,
                "value": row.figures,
                "headline": headline_rows(row.figures),
                "seats": seats,
                "reference_date": term.reference_date,
                "two_committees": {Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE},
            },
        )


def _load_village(request, code, terms):
    try:
        term = selectors.resolve_term(request.GET.get("term"), terms)
        if selectors.scope_kind_for_code(code) != ScopeKind.VILLAGE:
            raise selectors.ScopeNotFound(code)
        row = selectors.scope_row(request.user, term, code)
    except selectors.ScopeNotFound:
        raise Http404(_("没有该届次或区划的统计结果")) from None
    return term, row
