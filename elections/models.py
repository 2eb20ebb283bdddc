"""Elections, their results, and the post holders (seats) of each village in each term."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from core.history import audited_history
from core.models import TimeStampedModel
from people.models import Person
from registry.models import Term, Village

from .choices import BODY_POSTS, Body, Post, SeatEndReason, SeatSource


class SeatQuerySet(ScopedQuerySet):
    county_lookup = "village__township__county"
    township_lookup = "village__township"

    def current(self):
        """Seats not ended (by resignation, recall, death or transfer)."""
        return self.filter(ended_on__isnull=True)

    def in_term(self, term):
        return self.filter(term=term)


class Seat(TimeStampedModel):
    """A post holder: one person in one post of one body of a village, for a term."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="seats", verbose_name=_("人员")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="seats", verbose_name=_("村(社区)")
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="seats", verbose_name=_("届次")
    )
    body = models.CharField(_("组织"), max_length=16, choices=Body.choices)
    post = models.CharField(_("职务"), max_length=20, choices=Post.choices)
    started_on = models.DateField(_("任职日期"), null=True, blank=True)
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)
    end_reason = models.CharField(
        _("离任原因"), max_length=16, choices=SeatEndReason.choices, blank=True
    )
    end_note = models.TextField(_("离任说明"), blank=True)
    source = models.CharField(
        _("产生方式"), max_length=16, choices=SeatSource.choices, default=SeatSource.ELECTION
    )

    objects = SeatQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ["village", "term", "body", "post"]
        indexes = [
            models.Index(fields=["term", "village"], name="seat_term_village"),
            models.Index(fields=["term", "body", "post"], name="seat_term_body_post"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "term"],
                condition=Q(body=Body.PARTY_COMMITTEE, post=Post.SECRETARY, ended_on__isnull=True),
                name="seat_one_secretary_per_village_term",
                violation_error_message=_("该村本届已有在任书记"),
            ),
            models.UniqueConstraint(
                fields=["village", "term", "body"],
                condition=Q(post=Post.DIRECTOR, ended_on__isnull=True),
                name="seat_one_director_per_body_term",
                violation_error_message=_("该组织本届已有在任主任"),
            ),
            models.UniqueConstraint(
                fields=["person", "village", "term", "body"],
                condition=Q(ended_on__isnull=True),
                name="seat_one_post_per_person_body_term",
                violation_error_message=_("此人在该组织本届已有职务"),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""),
                name="seat_end_has_reason",
                violation_error_message=_("离任必须注明原因"),
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.get_body_display()}{self.get_post_display()} {self.person}"

    def clean(self):
        if self.body and self.post and self.post not in BODY_POSTS.get(self.body, ()):
            raise ValidationError(
                {"post": _("%(body)s没有“%(post)s”职务")
                 % {"body": self.get_body_display(), "post": self.get_post_display()}}
            )
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("离任日期不能早于任职日期")})
