from django.core.management.base import BaseCommand

from people.services import person_id_keys_rotate


class Command(BaseCommand):
    help = "用 ID_ENCRYPTION_KEYS 中的第一个密钥重新加密所有身份证号码（密钥轮换）。"

    def handle(self, *args, **options):
        count = person_id_keys_rotate()
        self.stdout.write(f"已重新加密 {count} 条身份证号码")
