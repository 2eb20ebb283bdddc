"""How the ballot reads the candidate vetting, without elections importing candidates.

Candidate vetting (the `candidates` app) comes after elections in the apps' one direction,
so it registers its reader here from its AppConfig (`register`), as apps register their
slots in core.ui. The election checks (`elections.rules.check_vetting`) then see, for each
person on a ballot, where their candidacy for that body stands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .rules import Vetting

# reader(elections) -> {election pk: {person_id: Vetting} or None}, in a fixed number of
# queries; None where no vetting applies (the county did not vet the election's term in the
# portal: an earlier round's results entered afterwards; a body that is not vetted).
Reader = Callable[[Sequence], dict[int, dict[int, Vetting] | None]]

_readers: list[Reader] = []


def register(reader: Reader) -> None:
    if reader not in _readers:
        _readers.append(reader)


def for_elections(elections: Sequence) -> dict[int, dict[int, Vetting] | None]:
    """Each election's candidates' vetting (see `Reader`); every election is a key."""
    found: dict[int, dict[int, Vetting] | None] = {election.pk: None for election in elections}
    for reader in _readers:
        for pk, vetted in reader(list(elections)).items():
            if vetted is not None:
                found[pk] = vetted
    return found


def for_election(election) -> dict[int, Vetting] | None:
    return for_elections([election])[election.pk]
