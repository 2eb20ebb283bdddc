from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text=_("字段"))
    old = serializers.CharField(help_text=_("原值"))
    new = serializers.CharField(help_text=_("新值"))


class HistoryEntrySerializer(serializers.Serializer):
    history_id = serializers.IntegerField(source="record.history_id")
    model = serializers.SerializerMethodField(help_text=_("对象类型，如 people.person"))
    object_id = serializers.IntegerField(source="record.id", help_text=_("对象编号"))
    object = serializers.SerializerMethodField(help_text=_("对象名称"))
    change_type = serializers.ChoiceField(
        source="record.history_type", choices=["+", "~", "-"], help_text=_("+ 新增 ~ 修改 - 删除")
    )
    date = serializers.DateTimeField(source="record.history_date")
    user = serializers.SerializerMethodField(help_text=_("操作人（空为系统）"))
    user_id = serializers.IntegerField(source="record.history_user_id", allow_null=True)
    ip = serializers.SerializerMethodField(help_text=_("来源 IP"))
    request_id = serializers.SerializerMethodField(help_text=_("请求编号"))
    changes = ChangeSerializer(many=True)

    def get_model(self, entry) -> str:
        return self.context["audited"].label

    def get_object(self, entry) -> str:
        from ..selectors import object_label

        return object_label(entry.record)

    def get_user(self, entry) -> str:
        return str(entry.record.history_user or "")

    def get_ip(self, entry) -> str | None:
        return getattr(entry.record, "history_ip", None)

    def get_request_id(self, entry) -> str:
        return getattr(entry.record, "history_request_id", "")
