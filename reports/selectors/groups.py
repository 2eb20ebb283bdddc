"""The form of the villager groups' leaders and the villagers' representatives (村民小组长、
村民代表), with the representatives' assembly's shares."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from elections.choices import Body
from people.choices import Gender

from ..choices import ChosenBy
from ..models import Representative, VillagerGroup


def group_figures(figures, term, details) -> None:
    for row in (
        VillagerGroup.objects.filter(term=term, village__in=figures)
        .values("village")
        .annotate(
            groups=Count("pk"),
            leaders=Count("pk", filter=~Q(leader_name="")),
            women=Count("pk", filter=~Q(leader_name="") & Q(leader_gender=Gender.FEMALE)),
            party=Count("pk", filter=~Q(leader_name="") & Q(leader_party_member=True)),
        )
    ):
        sec = figures[row["village"]].sections["groups_and_representatives"]
        sec["groups"] += row["groups"]
        sec["group_leaders"] += row["leaders"]
        sec["leaders_women"] += row["women"]
        sec["leaders_party_members"] += row["party"]
    for row in (
        Representative.objects.filter(term=term, village__in=figures)
        .values("village")
        .annotate(
            n=Count("pk"),
            women=Count("pk", filter=Q(gender=Gender.FEMALE)),
            party=Count("pk", filter=Q(party_member=True)),
            households=Count("pk", filter=Q(chosen_by=ChosenBy.HOUSEHOLDS)),
        )
    ):
        sec = figures[row["village"]].sections["groups_and_representatives"]
        sec["representatives"] += row["n"]
        sec["representatives_women"] += row["women"]
        sec["representatives_party_members"] += row["party"]
        sec["by_households"] += row["households"]
        sec["by_group"] += row["n"] - row["households"]
    for village_id, fig in figures.items():
        sec = fig.sections["groups_and_representatives"]
        if not sec["representatives"]:
            continue
        # the representatives' assembly: the representatives and the villagers' committee
        villagers = fig.sections["committees"][Body.VILLAGERS_COMMITTEE]["seats"]
        sec["assembly"] += sec["representatives"] + villagers
        confirmations = getattr(details.get(village_id), "confirmations", None) or {}
        if sec["representatives"] * 5 < sec["assembly"] * 4:
            fig.check(
                "representatives_share",
                "warning",
                _("村民代表应占村民代表会议组成人员的五分之四以上（村民委员会组织法第二十五条）"),
                confirmed="representatives_share" in confirmations,
            )
        if sec["representatives_women"] * 3 < sec["assembly"]:
            fig.check(
                "women_share",
                "warning",
                _(
                    "妇女村民代表应占村民代表会议组成人员的三分之一以上（村民委员会组织法第二十五条）"
                ),
                confirmed="women_share" in confirmations,
            )
