"""A page's rows read by their keys with SQL built once and model instances made cheaply.

`KeysFirstPaginator` (core.api) reads a page in two steps: the page's keys through the
caller's scoped and filtered QuerySet, then the rows of those keys with their
`select_related` rows. The second step's statement depends only on the model, the
`select_related` tree and the deferred fields, not on the scope or the filters (the keys
already went through them), so it is compiled once per process and shape and run again
with the new keys. The rows are then made as `Model.from_db` makes them, without
`Model.__init__`'s per-field `setattr` through the descriptors: 50 seats with their person,
village, township and term were ~2 ms of a 12 ms API request (issue 18, fifty users).

Anything unusual takes Django's own path (`rows_by_key` returns None): annotations, extra
columns, `select_for_update`, known related objects, a model with its own `__init__` or
`from_db`, field descriptors other than Django's plain ones, `pre_init`/`post_init`
receivers, multi-table inheritance. tests/core/test_rows.py compares every row and related
row with Django's.

`Statement` and `cached_statement` serve other fixed look-ups the same way: the API token
with its user (accounts.authentication) and the signed-in user (accounts.backends).
"""

from __future__ import annotations

from django.db import connections
from django.db.models import Model, QuerySet, prefetch_related_objects, signals
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import ModelIterable, RelatedPopulator
from django.db.models.query_utils import DeferredAttribute

# The statement's IN list has one of these lengths; a page's keys are padded to the next
# one with its last key (the same key twice in IN is the same rows), so that each shape
# needs at most this many statements.
KEY_BUCKETS = (1, 5, 10, 25, 50, 100, 250, 500)
PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)

_model_is_plain: dict[type, bool] = {}


def _plain_model(model) -> bool:
    """True when `from_db` would only set each loaded field's attribute and the state."""
    plain = _model_is_plain.get(model)
    if plain is None:
        opts = model._meta
        plain = (
            model.__init__ is Model.__init__
            and model.from_db.__func__ is Model.from_db.__func__
            and not opts.parents
            and all(
                type(getattr(model, field.attname, None)) in PLAIN_DESCRIPTORS
                for field in opts.concrete_fields
            )
        )
        _model_is_plain[model] = plain
    return plain and not (
        signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model)
    )


def _make(model, db, attnames, values):
    """What `model.from_db(db, attnames, values)` returns, for a plain model."""
    obj = model.__new__(model)
    obj.__dict__.update(zip(attnames, values, strict=True))
    state = obj._state = ModelState()
    state.adding = False
    state.db = db
    return obj


class _Populator(RelatedPopulator):
    """Django's select_related populator, making its rows (and its children's) cheaply."""

    def __init__(self, klass_info, select, db):
        super().__init__(klass_info, select, db)
        self.related_populators = [
            _Populator(info, select, db) for info in klass_info.get("related_klass_infos", [])
        ]
        self.plain = not self.reorder_for_init and all(
            child.plain for child in self.related_populators
        )

    def populate(self, row, from_obj):
        obj_data = row[self.cols_start : self.cols_end]
        if obj_data[self.pk_idx] is None:
            obj = None
        else:
            obj = _make(self.model_cls, self.db, self.init_list, obj_data)
            for child in self.related_populators:
                child.populate(row, obj)
        self.local_setter(from_obj, obj)
        if obj is not None:
            self.remote_setter(obj, from_obj)


class Statement:
    """A QuerySet's SQL, built once, run again with other parameters; its rows made as
    Django's `ModelIterable` makes them (select_related rows included, no annotations)."""

    def __init__(self, sql, model, init_list, start, end, populators, converters):
        self.sql = sql
        self.model = model
        self.init_list = init_list
        self.start, self.end = start, end
        self.populators = populators
        self.converters = converters

    @classmethod
    def build(cls, queryset: QuerySet, params: list) -> Statement | None:
        """The statement of `queryset`, whose parameters must be exactly `params` (values
        no other part of the SQL can produce); None when its rows are for Django to make."""
        if queryset._known_related_objects or queryset._prefetch_related_lookups:
            return None
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, compiled_params = compiler.as_sql()
        if list(compiled_params) != list(params) or compiler.annotation_col_map:
            return None
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        populators = [
            _Populator(info, select, queryset.db)
            for info in klass_info.get("related_klass_infos", [])
        ]
        if not all(populator.plain for populator in populators):
            return None
        converters = list(compiler.get_converters([column[0] for column in select]).items())
        statement = cls(sql, klass_info["model"], init_list, start, end, populators, converters)
        if not statement.plain():
            return None
        return statement

    def models(self):
        yield self.model
        stack = list(self.populators)
        while stack:
            populator = stack.pop()
            yield populator.model_cls
            stack.extend(populator.related_populators)

    def plain(self) -> bool:
        """Still plain (an `__init__` receiver may have been connected since)."""
        return all(_plain_model(model) for model in self.models())

    def rows(self, db: str, params: list) -> list:
        connection = connections[db]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            results = cursor.fetchall()
        model, init_list, start, end = self.model, self.init_list, self.start, self.end
        populators, converters = self.populators, self.converters
        made = []
        for row in results:
            if converters:
                row = list(row)
                for position, (functions, expression) in converters:
                    value = row[position]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[position] = value
            obj = _make(model, db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            made.append(obj)
        return made


_statements: dict[tuple, Statement | None] = {}


def cached_statement(key: tuple, queryset, params: list) -> Statement | None:
    """The statement stored under `key`, built from `queryset()` and `params` the first
    time; None (also stored) when the rows are for Django to make."""
    try:
        statement = _statements[key]
    except KeyError:
        statement = _statements[key] = Statement.build(queryset(), params)
    return statement if statement is not None and statement.plain() else None


def _freeze(tree):
    if isinstance(tree, dict):
        return tuple(sorted((name, _freeze(child)) for name, child in tree.items()))
    return tree


def _template(queryset: QuerySet, db: str, sentinel: list) -> QuerySet:
    """`queryset`'s rows of the keys `sentinel`, without its filters and order."""
    template = QuerySet(model=queryset.model, using=db)
    template.query.select_related = queryset.query.select_related
    template.query.deferred_loading = queryset.query.deferred_loading
    return template.filter(pk__in=sentinel).order_by()


def rows_by_key(queryset: QuerySet, keys: list) -> dict | None:
    """{key: row} of `keys`' rows as `queryset` would make them (the caller read the keys
    through `queryset`: the statement keeps none of its filters), or None when the
    QuerySet is one to read Django's way."""
    query = queryset.query
    if (
        not keys
        or len(keys) > KEY_BUCKETS[-1]
        or queryset._iterable_class is not ModelIterable
        or query.distinct
        or query.combinator
        or query.annotations
        or query.extra
        or query.select_for_update
        or query._filtered_relations
        or queryset._known_related_objects
        or not _plain_model(queryset.model)
    ):
        return None
    db = queryset.db
    size = next(bucket for bucket in KEY_BUCKETS if bucket >= len(keys))
    sentinel = list(range(1, size + 1))
    try:
        shape = (
            "rows_by_key",
            queryset.model,
            db,
            _freeze(query.select_related),
            frozenset(query.deferred_loading[0]),
            query.deferred_loading[1],
            size,
        )
        hash(shape)
    except TypeError:  # a select_related tree that is not hashable
        return None
    statement = cached_statement(shape, lambda: _template(queryset, db, sentinel), sentinel)
    if statement is None:
        return None
    params = list(keys) + [keys[-1]] * (size - len(keys))
    rows = {obj.pk: obj for obj in statement.rows(db, params)}
    lookups = queryset._prefetch_related_lookups
    if lookups and rows:
        prefetch_related_objects(list(rows.values()), *lookups)
    return rows
