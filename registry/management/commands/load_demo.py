"""Build the demo county: every app with a `demo` module adds its part, in app order."""

import importlib
import random
from types import SimpleNamespace

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "生成示范县（8 个乡镇、约 70 个村、已完成的 2018 和 2021 两届、进行中的 2026 年换届等）；已存在时只重置演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2021)

    def handle(self, *args, seed, **options):
        ctx = SimpleNamespace(rng=random.Random(seed), stdout=self.stdout, fresh=True)
        with transaction.atomic():
            for config in apps.get_app_configs():
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                module.build(ctx)
                if not ctx.fresh and config.name == "accounts":
                    # The county existed already: users were reset, the data is left alone.
                    break
