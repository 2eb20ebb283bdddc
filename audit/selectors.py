"""Reads of the change history of every audited model (django-simple-history), by county.

`audited_models()` finds every model with history; `history_for(user, audited, ...)` reads one
model's historical rows scoped like the live rows; `entries(rows)` pairs each row with the
one before it and lists what changed, in a fixed number of queries per page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.utils import get_m2m_reverse_field_name

from core import policy
from core.text import join_sentences, join_words

# Secrets whose history is kept but never shown: only the fact that they changed.
SECRET_SUFFIXES = ("_digest", "_encrypted", "_hash")
HIDDEN_FIELDS = {"version", "created_at", "updated_at", "password"}
CHANGE_TYPES = {"+": _("新增"), "~": _("修改"), "-": _("删除")}


@dataclass(frozen=True)
class AuditedModel:
    label: str  # "people.person"
    model: type
    history_model: type
    county_lookup: str | None  # ORM path on the historical model to the county id

    @property
    def verbose_name(self):
        return self.model._meta.verbose_name

    @property
    def app_verbose_name(self):
        return apps.get_app_config(self.model._meta.app_label).verbose_name


def _history_lookup(model) -> str | None:
    """The live QuerySet's county path, as a path on the historical model (one FK deep)."""
    queryset = model._default_manager.get_queryset()
    lookup = getattr(queryset, "county_lookup", None)
    if lookup:
        return "id" if lookup in {"pk", "id"} else lookup
    for field in model._meta.concrete_fields:
        if field.is_relation and field.many_to_one:
            related = field.related_model._default_manager.get_queryset()
            inner = getattr(related, "county_lookup", None)
            if inner:
                return f"{field.name}__{inner}"
    return None


@cache
def _registry() -> dict[str, AuditedModel]:
    found = {}
    for model in apps.get_models():
        manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
        if not manager_name:
            continue
        history_model = getattr(model, manager_name).model
        label = model._meta.label_lower
        found[label] = AuditedModel(label, model, history_model, _history_lookup(model))
    return dict(sorted(found.items()))


def audited_models() -> list[AuditedModel]:
    return list(_registry().values())


def audited_model(label: str) -> AuditedModel | None:
    return _registry().get(label.lower())


def can_browse(user) -> bool:
    return policy.can_browse_history(user)


def history_for(
    user,
    audited: AuditedModel,
    *,
    object_id=None,
    user_id=None,
    date_from=None,
    date_to=None,
    change_type=None,
):
    """Historical rows `user` may browse: everything for admins, their county for organizers."""
    history = audited.history_model
    previous = history.objects.filter(
        id=OuterRef("id"), history_date__lt=OuterRef("history_date")
    ).order_by("-history_date", "-history_id")
    rows = (
        history.objects.select_related("history_user")
        .annotate(prev_id=Subquery(previous.values("history_id")[:1]))
        .order_by("-history_date", "-history_id")
    )
    if not can_browse(user):
        return rows.none()
    if not policy.is_admin(user):
        if not audited.county_lookup or not user.county_id:
            return rows.none()
        rows = rows.filter(**{audited.county_lookup: user.county_id})
    if object_id:
        rows = rows.filter(id=object_id)
    if user_id:
        rows = rows.filter(history_user_id=user_id)
    if date_from:
        rows = rows.filter(history_date__date__gte=date_from)
    if date_to:
        rows = rows.filter(history_date__date__lte=date_to)
    if change_type:
        rows = rows.filter(history_type=change_type)
    return rows


@dataclass
class Change:
    field: str
    old: str
    new: str
    template: str = ""  # the translated "%(field)s：%(old)s → %(new)s", when already known

    def __str__(self):
        return (self.template or _("%(field)s：%(old)s → %(new)s")) % {
            "field": self.field,
            "old": self.old or "—",
            "new": self.new or "—",
        }


@dataclass
class Entry:
    record: object
    changes: list[Change]

    @property
    def change_type(self):
        return CHANGE_TYPES.get(self.record.history_type, self.record.history_type)

    @property
    def changes_text(self) -> str:
        return join_sentences(self.changes)


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _visible_fields(history_model):
    skip = {
        "id",
        "history_id",
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user",
        "history_ip",
        "history_request_id",
    }
    return [
        field
        for field in history_model._meta.concrete_fields
        if field.name not in skip and field.name not in HIDDEN_FIELDS
    ]


def entries(records, audited: AuditedModel) -> list[Entry]:
    """Each record with its changes against the previous record of the same object.

    `records` come from history_for (annotated with `prev_id`, the previous record of the same
    object): one more query fetches those, whatever the page size.
    """
    records = list(records)
    if not records:
        return []
    history = audited.history_model
    wanted = [r.prev_id for r in records if r.prev_id]
    earlier = {}
    for start in range(0, len(wanted), 500):  # stays under SQLite's parameter limit
        earlier.update(history.objects.in_bulk(wanted[start : start + 500]))
    # Labels and choices translated once per call, not once per field of every record: an
    # export of 50,000 records spent most of its minute in gettext.
    fields = [(field, *_field_meta(audited.model, field)) for field in _visible_fields(history)]
    related = _many_to_many(history, audited, records)
    template = str(_("%(field)s：%(old)s → %(new)s"))
    is_set, hidden, changed = str(_("（已设置）")), str(_("（保密）")), str(_("（已更改）"))
    result = []
    for record in records:
        before = earlier.get(record.prev_id)
        changes = []
        if record.history_type != "-":
            for field, label, choices, secret in fields:
                new = _shown(record, field.attname, choices)
                old = _shown(before, field.attname, choices) if before is not None else ""
                if old == new:
                    continue
                if secret:
                    old, new = ("", is_set) if before is None else (hidden, changed)
                changes.append(Change(label, old, new, template))
            for label, members in related:
                new = members.get(record.pk, "")
                old = members.get(record.prev_id, "") if before is not None else ""
                if old != new:
                    changes.append(Change(label, old, new, template))
        result.append(Entry(record, changes))
    return result


def _many_to_many(history, audited: AuditedModel, records) -> list[tuple[str, dict]]:
    """For each many-to-many field the history keeps (simple-history's `m2m_fields`), its
    label and {history id: the related names, joined}, for `records` and their previous
    records: two queries a field, whatever the page size."""
    fields = getattr(history, "_history_m2m_fields", None) or []
    ids = {r.pk for r in records} | {r.prev_id for r in records if r.prev_id}
    found = []
    for field in fields:
        through = HistoricalRecords.m2m_models[field]
        target = get_m2m_reverse_field_name(field)
        pairs = list(
            through.objects.filter(history_id__in=ids).values_list("history_id", f"{target}_id")
        )
        names = field.related_model._default_manager.in_bulk({pk for _h, pk in pairs})
        members: dict[int, list[str]] = {}
        for history_id, pk in sorted(pairs, key=lambda pair: pair[1] or 0):
            members.setdefault(history_id, []).append(str(names.get(pk, f"#{pk}")))
        label = _field_label(audited.model, field.name)
        found.append((label, {h: join_words(sorted(n)) for h, n in members.items()}))
    return found


def _field_meta(model, field) -> tuple[str, dict | None, bool]:
    """A history field's label, its choices' labels and whether it is a secret."""
    secret = field.name.endswith(SECRET_SUFFIXES)
    label = _field_label(model, field.name)
    if secret:
        label = _field_label(model, field.name.rsplit("_", 1)[0])
        if label == field.name.rsplit("_", 1)[0] and field.name.startswith("id_number"):
            label = str(_("公民身份号码"))
    choices = {v: str(text) for v, text in field.flatchoices} if field.choices else None
    return label, choices, secret


def _shown(record, attname: str, choices: dict | None) -> str:
    value = getattr(record, attname, None)
    if value is None or value == "":
        return ""
    if choices is not None:
        return choices.get(value, str(value))
    return str(value)


def object_label(record) -> str:
    """A name without a query (a model's __str__ may follow relations): its name, or its id."""
    name = getattr(record, "name", None) or getattr(record, "title", None)
    return _("%(name)s（#%(id)s）") % {"name": name, "id": record.id} if name else f"#{record.id}"


def export_rows(entry_list: list[Entry], audited: AuditedModel):
    # Translated once, not once a row.
    kinds = {key: str(label) for key, label in CHANGE_TYPES.items()}
    model_name = str(audited.verbose_name)
    separator = str(_("；"))
    for entry in entry_list:
        record = entry.record
        kind = record.history_type
        yield [
            timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M:%S"),
            str(record.history_user or ""),
            getattr(record, "history_ip", "") or "",
            getattr(record, "history_request_id", ""),
            kinds.get(kind, kind),
            model_name,
            record.id,
            object_label(record),
            separator.join(str(change) for change in entry.changes),
        ]


EXPORT_HEADERS = [
    _("时间"),
    _("操作人"),
    _("来源 IP"),
    _("请求编号"),
    _("类型"),
    _("对象类型"),
    _("对象编号"),
    _("对象"),
    _("变更内容"),
]


# -- showings of whole ID numbers (audit.IdNumberView) -----------------------------------

ID_NUMBER_VIEW_PLACES = {
    "review-queue": _("资格联审待审人选"),
    "candidacy": _("人选详情"),
    "review-export": _("待审人选导出"),
}
ID_NUMBER_VIEW_HEADERS = [
    _("时间"),
    _("查看人"),
    _("来源 IP"),
    _("请求编号"),
    _("查看位置"),
    _("人员编号"),
    _("姓名"),
]


def id_number_views_for(user, *, user_id=None, date_from=None, date_to=None):
    """The showings of whole ID numbers `user` may browse: all for administrators, their
    county's for county organizers (ScopedQuerySet), none for anybody else."""
    from .models import IdNumberView

    rows = IdNumberView.objects.select_related("user", "person").order_by("-viewed_at", "-id")
    if not can_browse(user):
        return rows.none()
    rows = rows.for_user(user)
    if user_id:
        rows = rows.filter(user_id=user_id)
    if date_from:
        rows = rows.filter(viewed_at__date__gte=date_from)
    if date_to:
        rows = rows.filter(viewed_at__date__lte=date_to)
    return rows


def id_number_view_place(where: str) -> str:
    return str(ID_NUMBER_VIEW_PLACES.get(where, where))


def id_number_view_rows(rows):
    places = {key: str(label) for key, label in ID_NUMBER_VIEW_PLACES.items()}
    for row in rows:
        yield [
            timezone.localtime(row.viewed_at).strftime("%Y-%m-%d %H:%M:%S"),
            str(row.user or ""),
            row.client_ip or "",
            row.request_id,
            places.get(row.where, row.where),
            row.person_id or "",
            row.person.name if row.person else "",
        ]
