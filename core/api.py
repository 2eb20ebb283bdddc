"""REST plumbing shared by every app: pagination, and every error as RFC 9457 problem
details (docs/api.md)."""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.core.validators import RegexValidator
from django.db import DataError
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, filters, serializers, status
from rest_framework.fields import get_error_detail
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import exception_handler as drf_exception_handler

from . import sync
from .concurrency import VersionConflict
from .parsers import RequestTooLarge
from .rows import rows_by_key
from .text import is_digits, join_sentences


class KeysFirstPaginator(Paginator):
    """Fetches a page in two steps: the page's primary keys (only the scoping joins, none
    of the related rows a serializer needs), then those rows with everything selected.

    A deep page (OFFSET 100,000) otherwise joins every related row it skips: at 121,000
    seats `?page=2000` took 3 times as long. The rows are read by core.rows (SQL built
    once per shape, cheaper instances) when the QuerySet is a plain one."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset = self.object_list
        plain = (
            isinstance(queryset, QuerySet)
            and queryset._iterable_class is ModelIterable
            and not queryset.query.distinct
            and not queryset.query.combinator
        )
        if not plain:  # values(), DISTINCT or UNION: read the page as Django does
            return super().page(number)
        keys = list(queryset.values_list("pk", flat=True)[bottom:top])
        rows = rows_by_key(queryset, keys)
        if rows is None:
            rows = {row.pk: row for row in queryset.filter(pk__in=keys)}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)


def _whole_number(raw: str, low: int, high: int) -> int | None:
    """`raw` as a whole number from `low` to `high`, else None (ASCII digits only)."""
    if not is_digits(raw) or len(raw) > 19:
        return None
    number = int(raw)
    return number if low <= number <= high else None


class Pagination(PageNumberPagination):
    """Pages of 50 rows by default, `page_size` from 1 to 500; a page number or size outside
    that (0, −5, x) is a 400, a page past the last a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    max_page = 2**31 - 1
    django_paginator_class = KeysFirstPaginator

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = _whole_number(raw, 1, self.max_page_size)
        if size is None:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        exceptions.ErrorDetail(
                            gettext("每页条数应为 1 到 %(max)s 之间的整数")
                            % {"max": self.max_page_size},
                            "invalid",
                        )
                    ]
                }
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        self.sync_state = None
        raw_cursor = request.query_params.get(sync.CURSOR_PARAM)
        if raw_cursor is not None:
            return self._sync_page(queryset, request, view, raw_cursor)
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and _whole_number(raw, 1, self.max_page) is None:
            raise exceptions.ValidationError(
                {
                    self.page_query_param: [
                        exceptions.ErrorDetail(gettext("页码应为从 1 起的整数"), "invalid")
                    ]
                }
            )
        return super().paginate_queryset(queryset, request, view)

    def _sync_page(self, queryset, request, view, raw_cursor):
        """A page of a sync (core.sync): the rows after the cursor, by (changed_at, id)."""
        fields = sync.sync_fields(view, queryset)
        if fields is None:
            raise exceptions.ValidationError(
                {
                    sync.CURSOR_PARAM: [
                        exceptions.ErrorDetail(gettext("此资源不支持同步"), "invalid")
                    ]
                }
            )
        position = sync.decode_cursor(raw_cursor)
        horizon = sync.settled_horizon()
        size = self.get_page_size(request)
        rows = sync.after(sync.annotate_changed_at(queryset, fields), position)
        remaining = rows.count()
        page = list(rows[:size])
        self.request = request
        self.sync_state = {
            "remaining": remaining,
            "more": remaining > len(page),
            "last": page[-1] if page else None,
            "cursor": sync.resume_cursor(position, page[-1] if page else None, horizon),
        }
        return page

    def get_paginated_response(self, data):
        state = getattr(self, "sync_state", None)
        if state is None:
            response = super().get_paginated_response(data)
            response.data["cursor"] = None
            return response
        next_link = None
        if state["more"]:
            last = state["last"]
            next_link = replace_query_param(
                self.request.build_absolute_uri(),
                sync.CURSOR_PARAM,
                sync.encode_cursor(getattr(last, sync.CHANGED_AT), last.pk),
            )
        return Response(
            {
                "count": state["remaining"],
                "next": next_link,
                "previous": None,
                "cursor": state["cursor"],
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["cursor"] = {
            "type": "string",
            "nullable": True,
            "description": str(
                _(
                    "同步游标：以 ?cursor= 请求时给出，下次同步从这里继续（见 docs/api.md）；"
                    "按页码请求时为 null"
                )
            ),
        }
        result["required"] = [*result.get("required", []), "cursor"]
        return result

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        if sync.sync_fields(view, _queryset_or_none(view)) is not None:
            parameters.append(
                {
                    "name": sync.CURSOR_PARAM,
                    "required": False,
                    "in": "query",
                    "description": str(
                        _(
                            "增量同步：首次传空值，之后传上次响应的 cursor；结果按变更时间排序，"
                            "含内嵌数据的变更"
                        )
                    ),
                    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]*$"},
                }
            )
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page)
                parameter["description"] = str(_("页码，从 1 起；超过最后一页为 404"))
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = str(
                    _("每页条数，1 到 %(max)s，默认 %(default)s")
                    % {"max": self.max_page_size, "default": self.page_size}
                )
        return parameters


def _queryset_or_none(view):
    try:
        return view.get_queryset()
    except Exception:  # schema generation without a usable request
        return None


class OrderingFilter(filters.OrderingFilter):
    """DRF's ordering, but an unknown field is a 400 (not silently ignored), and the schema
    lists the accepted values."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",")]
            valid = self.remove_invalid_fields(queryset, fields, view, request)
            if len(valid) != len(fields) or not fields:
                allowed = sorted(self._allowed(queryset, view, request))
                raise exceptions.ValidationError(
                    {
                        self.ordering_param: [
                            exceptions.ErrorDetail(
                                gettext("不能按此排序；可用：%(fields)s")
                                % {"fields": ", ".join(allowed)},
                                "invalid",
                            )
                        ]
                    }
                )
            return valid
        return self.get_default_ordering(view)

    def _allowed(self, queryset, view, request):
        names = [
            name for name, _label in self.get_valid_fields(queryset, view, {"request": request})
        ]
        return [term for name in names for term in (name, f"-{name}")]

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        try:
            queryset = view.get_queryset()
        except Exception:  # schema generation without a request
            queryset = None
        model = getattr(queryset, "model", None)
        if model is None:
            return parameters
        try:
            allowed = self._allowed(queryset, view, getattr(view, "request", None))
        except Exception:
            return parameters
        for parameter in parameters:
            if allowed:
                parameter["schema"]["enum"] = sorted(allowed)
        return parameters


class Conflict(exceptions.APIException):
    """Somebody else changed the object first (optimistic locking lost)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("数据已被他人修改，请刷新后重试。")
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    """The `If-Match` version the caller sent is no longer the object's."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("If-Match 与当前版本不符：数据已被他人修改，请重新读取。")
    default_code = "precondition_failed"


# --- One error shape: RFC 9457 problem details ---------------------------------------------

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE = "urn:lingtouyan:problem:{code}"

# The short, fixed summary of each status (RFC 9457 `title`); `detail` says what happened.
TITLES = {
    400: _("请求有误"),
    401: _("未登录或令牌无效"),
    403: _("无权进行此操作"),
    404: _("未找到"),
    405: _("不支持该请求方法"),
    406: _("无法提供所要求的格式"),
    409: _("冲突"),
    412: _("前提条件不满足"),
    413: _("请求体过大"),
    415: _("不支持的请求体格式"),
    429: _("请求过于频繁"),
}
NON_FIELD_KEYS = {"detail", "non_field_errors", "__all__"}


def _flatten(detail, field=None):
    """DRF's nested error detail as a flat list of (field path or None, code, message)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            key = None if key in NON_FIELD_KEYS else str(key)
            path = key if field is None else (field if key is None else f"{field}.{key}")
            yield from _flatten(value, path)
    elif isinstance(detail, list):
        nested = any(isinstance(item, (dict, list)) for item in detail)
        for index, item in enumerate(detail):
            if nested and isinstance(item, (dict, list)):
                yield from _flatten(item, f"{field}.{index}" if field else str(index))
            elif item not in ({}, []):
                yield from _flatten(item, field)
    else:
        yield field, getattr(detail, "code", None) or "invalid", str(detail)


def problem(status_code: int, code: str, detail: str, errors=None) -> dict:
    """The body of every API error (RFC 9457): `type`, `title`, `status`, `detail` (in the
    caller's language), `code`, and `errors` — one entry per field error."""
    body = {
        "type": PROBLEM_TYPE.format(code=code),
        "title": str(TITLES.get(status_code, _("请求有误"))),
        "status": status_code,
        "detail": str(detail),
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def problem_response(status_code: int, code: str, detail: str, errors=None, headers=None):
    """A plain Django response with the problem body, for the pages' JSON and middleware."""
    from django.http import JsonResponse

    response = JsonResponse(
        problem(status_code, code, detail, errors),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _as_api_exception(exc):
    """Whatever a view or service raised, as a DRF APIException (None: a server error)."""
    from django.core.exceptions import RequestDataTooBig
    from django.http import Http404

    if isinstance(exc, VersionConflict):
        return exc
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(get_error_detail(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLarge()
    if isinstance(exc, OverflowError) or (
        isinstance(exc, DataError) and "out of range" in str(exc)
    ):
        # A number too large for the database slipped past validation: the caller's fault.
        return exceptions.ValidationError(
            {"detail": [exceptions.ErrorDetail(gettext("参数中的数值超出范围"), "out_of_range")]}
        )
    return exc if isinstance(exc, exceptions.APIException) else None


def exception_handler(exc, context):
    """Every API error as problem details (application/problem+json): DRF's exceptions,
    Django's ValidationError and PermissionDenied from services, Http404, a lost optimistic
    lock (core.concurrency: 409, or 412 when the caller's version came from If-Match), a body
    over the size limit (413). Anything else is left to become a 500."""
    request = context.get("request")
    exc = _as_api_exception(exc)
    if isinstance(exc, VersionConflict):
        stale_header = getattr(request, "version_from_if_match", False)
        exc = (PreconditionFailed if stale_header else Conflict)(str(exc))
    if exc is None:
        return None
    response = drf_exception_handler(exc, context)
    if response is None:  # pragma: no cover - every APIException has a response
        return None
    if isinstance(exc, exceptions.ValidationError):
        items = list(_flatten(exc.detail))
        errors = [{"field": f, "code": c, "message": m} for f, c, m in items]
        detail = join_sentences(m if f is None else f"{f}: {m}" for f, _c, m in items) or gettext(
            "请求有误"
        )
        code = "invalid"
    else:
        errors = None
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        detail = (
            exc.detail
            if isinstance(exc.detail, str)
            else " ".join(str(m) for _f, _c, m in _flatten(exc.detail))
        )
    response.data = problem(response.status_code, code, detail, errors)
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or getattr(renderer, "format", "json") == "json":
        response.content_type = PROBLEM_CONTENT_TYPE
    return response


# --- Rows named in a request body --------------------------------------------------------

NOT_IN_SCOPE = _("编号为 %(pk)s 的记录不存在，或不在您的管辖范围内")


def not_in_scope(field: str, pk) -> exceptions.ValidationError:
    """The one answer for a row a caller names but may not see (another township's village)
    or that does not exist: a 400 on the field, the same for both, so it reveals nothing."""
    return exceptions.ValidationError(
        {field: [exceptions.ErrorDetail(NOT_IN_SCOPE % {"pk": pk}, "does_not_exist")]}
    )


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A row id in a request body, looked up in what the caller may see
    (`Model.objects.for_user`): another township's row answers like a missing one."""

    default_error_messages = {"does_not_exist": NOT_IN_SCOPE}

    def __init__(self, model=None, **kwargs):
        self.model = model
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return self.model.objects.for_user(user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not (
            isinstance(data, int) or (isinstance(data, str) and data.isdigit())
        ):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 0 < int(data) <= 2**63 - 1:
            raise exceptions.ValidationError(
                exceptions.ErrorDetail(NOT_IN_SCOPE % {"pk": data}, "does_not_exist")
            )
        try:
            return self.get_queryset().get(pk=int(data))
        except self.model.DoesNotExist:
            raise exceptions.ValidationError(
                exceptions.ErrorDetail(NOT_IN_SCOPE % {"pk": data}, "does_not_exist")
            ) from None


# --- Filters: a value the schema does not allow is a 400 ---------------------------------

DIVISION_CODE = r"^[0-9]{6}$"


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, True/False); anything else ("maybe") is an error, not "any"."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise DjangoValidationError(_("应为 true 或 false"), code="invalid")


class FilterBackend(DjangoFilterBackend):
    """django-filter, stricter where it would silently ignore a value: a boolean that is not
    true/false (`current=maybe`) and a county code that is not six digits (`county=abc`) are
    400s, like an unknown choice already was."""

    def filter_queryset(self, request, queryset, view):
        fields = sync.sync_fields(view, queryset)
        if fields is not None and "updated_since" in request.query_params:
            # `changed_at` (core.sync) joins the embedded rows' tables into the count and the
            # page: only when it is asked for (a sync page annotates it itself). Seats at a
            # province: the count 118-165 ms with the joins, 14-16 ms without.
            queryset = sync.annotate_changed_at(queryset, fields)
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and _asks_no_filter(request, filterset_class):
            # Every filter of an empty request returns the rows unchanged, so the FilterSet
            # (its filters copied, a form class made and validated) is not built: 0.5-0.9 ms
            # of a plain API list (issue 18). tests/api/test_filters_unasked.py compares the
            # SQL of every list endpoint both ways.
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        since = filterset.filters.get("updated_since")
        if since is not None and sync.CHANGED_AT in queryset.query.annotations:
            # exclusive, and on what the row shows (its embedded rows' changes included)
            since.field_name, since.lookup_expr = sync.CHANGED_AT, "gt"
        fields = filterset.form.fields
        for name, field in list(fields.items()):
            if isinstance(field, forms.NullBooleanField):
                fields[name] = StrictBooleanField(
                    required=False, label=field.label, help_text=field.help_text
                )
            elif name == "county" and isinstance(field, forms.CharField):
                field.validators.append(
                    RegexValidator(DIVISION_CODE, _("应为 6 位县级区划代码"), code="invalid")
                )
        return filterset


# Query parameters read by the pagination and the ordering, never by a filter.
NOT_FILTER_PARAMS = frozenset({"page", "page_size", "ordering", "format", sync.CURSOR_PARAM})
_FILTERSET_METHODS = ("qs", "filter_queryset", "is_valid", "errors")
_filters_nothing_when_empty: dict[type, bool] = {}


def _empty_filterset_filters_nothing(filterset_class) -> bool:
    """True when a FilterSet given no value returns its queryset unchanged and valid: no
    filter is required, each filters as django-filter does (an empty value filters
    nothing, `method=` filters included), and the FilterSet filters and validates as
    django-filter does. A form's own checks run on the values given (`clean_q` of a `q`),
    so an empty request passes them; tests/api/test_filters_unasked.py holds every list
    to that. Anything else is built and run every time."""
    known = _filters_nothing_when_empty.get(filterset_class)
    if known is None:
        base = django_filters.FilterSet
        known = (
            all(
                getattr(filterset_class, name) is getattr(base, name) for name in _FILTERSET_METHODS
            )
            and filterset_class._meta.form is forms.Form
            and all(
                not flt.extra.get("required")
                and type(flt).filter.__module__.startswith("django_filters.")
                for flt in filterset_class.base_filters.values()
            )
        )
        _filters_nothing_when_empty[filterset_class] = known
    return known


def _asks_no_filter(request, filterset_class) -> bool:
    params = request.query_params
    names = filterset_class.base_filters
    return (
        all(key in NOT_FILTER_PARAMS for key in params)
        and not any(key.startswith(name) for key in params for name in names)
        and _empty_filterset_filters_nothing(filterset_class)
    )


UPDATED_SINCE = _(
    "只返回此时间之后（不含）有变更的记录，内嵌数据的变更也算；RFC 3339 时间，"
    "如 2021-05-01T00:00:00+08:00。完整的增量同步请用 cursor"
)


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details (docs/api.md, Errors)",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "nullable": True},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
                "required": ["field", "code", "message"],
            },
        },
    },
    "required": ["type", "title", "status", "detail", "code"],
}
READ_ERRORS = (400, 401, 403, 404, 405, 406, 429)
WRITE_ERRORS = (409, 412, 413, 415)


def _document_errors(method: str, operation: dict) -> None:
    responses = operation.setdefault("responses", {})
    statuses = READ_ERRORS if method in ("get", "head") else READ_ERRORS + WRITE_ERRORS
    for status_code in statuses:
        responses.setdefault(
            str(status_code),
            {
                "description": str(TITLES[status_code]),
                "content": {
                    PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
                },
            },
        )


def schema_hook(result, generator, request, public):
    """drf-spectacular postprocessing: the schema says what the server enforces, and every
    operation documents its error responses with the problem body (docs/api.md)."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    for name, component in components.items():
        # A response that depends on the caller's role (PolymorphicProxySerializer named
        # "…ForRole"): any of its shapes, not exactly one (the shapes overlap).
        if name.endswith("ForRole") and "oneOf" in component:
            component["anyOf"] = component.pop("oneOf")
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict):
                continue
            _document_errors(method, operation)
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter.get("name") == "county":
                    parameter.setdefault("schema", {})["pattern"] = DIVISION_CODE
                if parameter.get("in") == "query" and parameter.get("name") == "updated_since":
                    parameter["description"] = str(UPDATED_SINCE)
    return result


@csrf_exempt  # a POST to no route is a 404 too, not a CSRF page
def api_not_found(request, *args, **kwargs):
    """Any /api/ address no route matches: a 404 problem, not the HTML page."""
    return problem_response(404, "not_found", gettext("未找到"))


# --- Dates within sane windows -------------------------------------------------------------

EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def _outside_window(field, value, earliest, latest):
    raise exceptions.ValidationError(
        exceptions.ErrorDetail(
            gettext("应在 %(earliest)s 至 %(latest)s 之间")
            % {"earliest": earliest, "latest": latest},
            "out_of_window",
        )
    )


class DateTimeField(serializers.DateTimeField):
    """A time within `earliest`..`latest` (default 1900-01-01..2100-12-31), the window named
    in the error; returned with an RFC 3339 offset (a year-1 time would come back in local
    mean time, +08:05:43)."""

    def __init__(self, *, earliest=None, latest=None, **kwargs):
        import datetime as dt

        self.earliest = earliest or dt.date(EARLIEST_YEAR, 1, 1)
        self.latest = latest or dt.date(LATEST_YEAR, 12, 31)
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not self.earliest <= moment.date() <= self.latest:
            _outside_window(self, moment, self.earliest, self.latest)
        return moment


class DateField(serializers.DateField):
    """A date within `earliest`..`latest` (default 1900-01-01..2100-12-31), named in the error."""

    def __init__(self, *, earliest=None, latest=None, **kwargs):
        import datetime as dt

        self.earliest = earliest or dt.date(EARLIEST_YEAR, 1, 1)
        self.latest = latest or dt.date(LATEST_YEAR, 12, 31)
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not self.earliest <= day <= self.latest:
            _outside_window(self, day, self.earliest, self.latest)
        return day
