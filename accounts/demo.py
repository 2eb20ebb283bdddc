"""Demo users, one per role, with printed passwords (demo only)."""

from core.access import Role
from registry.models import County

from .choices import Department
from .services import api_token_create, user_upsert

DEMO_USERS = [
    ("admin", "Lty-admin-2026", "系统管理员", Role.ADMIN, {"is_staff": True, "is_superuser": True}),
    ("organizer", "Lty-organizer-2026", "县委组织部 张组织", Role.COUNTY_ORGANIZER, {}),
    ("viewer", "Lty-viewer-2026", "县领导 李查看", Role.COUNTY_VIEWER, {}),
    ("official", "Lty-official-2026", "吉昌镇 王专干", Role.TOWNSHIP_OFFICIAL, {}),
    ("official2", "Lty-official2-2026", "屯里镇 赵专干", Role.TOWNSHIP_OFFICIAL, {}),
    (
        "reviewer",
        "Lty-reviewer-2026",
        "县公安局 刘审查",
        Role.DEPARTMENT_REVIEWER,
        {"department": Department.POLICE},
    ),
    ("apiclient", "Lty-apiclient-2026", "统计报表系统", Role.API_CLIENT, {}),
    # County leaders who liaise villages (包联); rounds/demo.py gives them their villages.
    ("leader", "Lty-leader-2026", "县委副书记 刘包联", Role.LIAISON_LEADER, {}),
    ("leader2", "Lty-leader2-2026", "副县长 陈包联", Role.LIAISON_LEADER, {}),
]


def build(ctx):
    county = ctx.county if hasattr(ctx, "county") else County.objects.order_by("code").first()
    townships = list(county.townships.order_by("code"))
    rows = []
    ctx.users = {}
    for username, password, full_name, role, extra in DEMO_USERS:
        fields = {"full_name": full_name, "role": role, "is_active": True, **extra}
        if role != Role.ADMIN:
            fields["county"] = county
        if username == "official":
            fields["township"] = townships[0]
        elif username == "official2":
            fields["township"] = townships[1]
        user = user_upsert(username=username, password=password, validate_password=False, **fields)
        ctx.users[username] = user
        rows.append((username, password, str(user.get_role_display())))
    api_user = ctx.users["apiclient"]
    api_user.api_tokens.all().delete()
    _, raw = api_token_create(user=api_user, name="演示令牌", days=30)
    ctx.stdout.write("\n演示账号（仅用于演示环境）：")
    for username, password, role in rows:
        ctx.stdout.write(f"  {username:<10} {password:<20} {role}")
    ctx.stdout.write(f"  接口令牌（apiclient，30 天）：{raw}\n")
