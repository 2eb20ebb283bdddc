from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import api_token_create


class Command(BaseCommand):
    help = "为用户签发接口令牌（只显示一次）。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="API")
        parser.add_argument(
            "--days", type=int, default=None, help="有效天数，默认为该角色允许的最长期限"
        )
        parser.add_argument("--write", action="store_true", help="允许写入")

    def handle(self, *args, username, name, days, write, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户 {username}")
        try:
            token, raw = api_token_create(user=user, name=name, days=days, can_write=write)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(raw)
