"""What the demo county's 2021 forms must show (called by the load_demo test, which builds the
demo once for every app): full forms that agree with the elections data they come from."""

from elections.choices import Body
from elections.models import Election, Seat
from registry.models import County, Term
from reports import selectors


def the_election_forms_are_full():
    term = Term.objects.get(year=2021)
    county = County.objects.get(code="141028")
    data = selectors.report(selectors.Scope("county", county), term)
    villages = data["registration"]["villages"]
    first_rounds = Election.objects.filter(
        term=term, body=Body.VILLAGERS_COMMITTEE, round="first", village__township__county=county
    )
    assert villages == first_rounds.count() > 60
    # every villagers' committee election has its detail: registered = the election's voters
    assert data["registration"]["election_committees"] == villages
    assert data["registration"]["registered"] == data["voting"]["entitled"]
    assert data["voting"]["booths"] >= villages
    assert data["voting"]["counted_in_public"] == data["voting"]["announced_on_spot"] == villages
    for body in (Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE):
        seats = Seat.objects.current().filter(term=term, body=body).count()
        figures = data["committees"][body]
        assert figures["seats"] == seats == figures["re_elected"] + figures["new"]
    assert data["groups_and_representatives"]["representatives"] > 20 * villages
    assert data["supervision"]["committees"] == villages
    assert data["leaving_audits"]["outgoing"] > 0
    assert [r["passed"] for r in data["recalls"]] == [True]
    assert sorted(b["reason"] for b in data["by_elections"]) == ["recall", "resignation"]
    assert not [c for c in data["checks"] if c["level"] == "error"]
    # the townships' rows add up to the county's total
    for name in ("registration", "voting", "groups_and_representatives"):
        rows = data[name]["rows"]
        assert len(rows) == 8
        assert sum(row["villages"] for row in rows) == villages
    assert sum(r["voted"] for r in data["voting"]["rows"]) == data["voting"]["voted"]
