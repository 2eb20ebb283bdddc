"""The law makes a nominated member leave the villagers' election committee: a candidacy for
the villagers' committee of a sitting member is refused, with that reason, whichever door
(page, API, upload) it comes in by — Candidacy saves go through `full_clean()` in its
services, and this check runs on the save that creates it."""

from django.core.exceptions import ValidationError
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from candidates.models import Candidacy
from elections.choices import Body


@receiver(pre_save, sender=Candidacy, dispatch_uid="reports_refuse_committee_member")
def refuse_sitting_committee_member(sender, instance, raw=False, **kwargs):
    if raw or not instance._state.adding or instance.body != Body.VILLAGERS_COMMITTEE:
        return
    from .services import sitting_committee_member

    if sitting_committee_member(instance.person_id, instance.village_id, instance.term_id):
        raise ValidationError(
            _(
                "此人是本村村民选举委员会成员，被提名为候选人的应先退出选举委员会"
                "（村民委员会组织法第十二条）"
            )
        )
