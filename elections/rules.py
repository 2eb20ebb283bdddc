"""The legal checks on an election's counts and results, as pure functions over plain data.

Nothing here touches the database, so every rule can be tested (and property-tested) on its
own. Arithmetic is on integers only: "more than half" is `2 * x > n`, "at least a third" is
`3 * x >= n`, "more than 4/5" is `5 * x > 4 * n`, and seats × 1.2 rounded up is
`ceil(6 * seats / 5)`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import eligibility
from .choices import Body

ERROR = "error"
WARNING = "warning"

FIRST = "first"
SECOND = "second"

# Warnings that block submission until someone writes a confirmation.
NEEDS_CONFIRMATION = frozenset({"villagers_no_woman", "villagers_not_approved"})

# How a candidate's vetting for the election's body stands (`Vetting.state`).
APPROVED = "approved"
IN_REVIEW = "in_review"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
REPLACED = "replaced"
NOT_NOMINATED = "not_nominated"


@dataclass(frozen=True)
class Finding:
    code: str
    level: str  # ERROR or WARNING
    message: str  # in the active language, names the rule
    candidate: str | None = None  # the candidate key the finding is about, if any

    @property
    def needs_confirmation(self) -> bool:
        return self.level == WARNING and self.code in NEEDS_CONFIRMATION

    @property
    def key(self) -> str:
        """What a written confirmation is filed under: the code, and the candidate when
        the finding is about one (each unvetted candidate is explained on their own)."""
        return f"{self.code}:{self.candidate}" if self.candidate else self.code


def confirmation_code(key: str) -> str:
    """The check code of a confirmation key ("villagers_not_approved:12" -> its code)."""
    return key.partition(":")[0]


@dataclass(frozen=True)
class Vetting:
    """Where a candidate's vetting (人选审查) for the election's body stands; the labels are
    in the reader's language, ready for a message."""

    state: str  # APPROVED, IN_REVIEW, REJECTED, WITHDRAWN, REPLACED or NOT_NOMINATED
    stage: str = ""  # the stage it is at, or the one at which it ended
    reason: str = ""  # the reason given (and negative-list items) when it ended


@dataclass(frozen=True)
class CandidateResult:
    key: str  # anything that identifies the candidate to the caller (a pk, a name)
    name: str
    votes: int
    female: bool = False
    post: str = ""  # the post taken; "" when the candidate is not declared elected
    birth_date: dt.date | None = None
    political_status: str | None = None  # None: not known to the caller, not checked
    vetting: Vetting | None = None  # None: the round was not vetted in the portal


@dataclass(frozen=True)
class ElectionData:
    body: str
    round: str = FIRST
    seats: int = 0  # seats to fill in this round
    entitled: int = 0  # registered voters, or full party members entitled to attend
    present: int = 0  # voted (villagers) or present at the meeting (party)
    ballots_issued: int = 0
    ballots_returned: int = 0
    ballots_valid: int = 0
    ballots_invalid: int = 0
    proxy_votes: int = 0
    candidates: tuple[CandidateResult, ...] = field(default_factory=tuple)
    held_on: dt.date | None = None  # election day: the candidates' age is taken on it


# -- integer thresholds ---------------------------------------------------------------


def more_than_half(part: int, whole: int) -> bool:
    return 2 * part > whole


def at_least_a_third(part: int, whole: int) -> bool:
    return 3 * part >= whole


def more_than_four_fifths(part: int, whole: int) -> bool:
    return 5 * part > 4 * whole


def min_party_candidates(seats: int) -> int:
    """seats × 1.2 rounded up, in integers."""
    return -(-6 * seats // 5)


# -- who is elected -------------------------------------------------------------------


def qualifies(data: ElectionData, votes: int) -> bool:
    """Whether `votes` reach the threshold of this body and round."""
    if data.body == Body.PARTY_COMMITTEE:
        return more_than_half(votes, data.present)
    if data.round == SECOND:
        return at_least_a_third(votes, data.ballots_returned)
    return more_than_half(votes, data.ballots_returned)


def elected(data: ElectionData) -> tuple[list[CandidateResult], list[CandidateResult]]:
    """(elected, tied): those over the threshold with the most votes, up to the seats.

    When candidates tie for the last seat(s) so that not all of them fit, none of the tied
    ones is elected: the seat goes to a further round, and they are returned as `tied`.
    """
    passing = sorted(
        (c for c in data.candidates if qualifies(data, c.votes)), key=lambda c: -c.votes
    )
    if len(passing) <= data.seats:
        return passing, []
    cutoff = passing[data.seats - 1].votes if data.seats else None
    if data.seats and passing[data.seats].votes != cutoff:
        return passing[: data.seats], []
    winners = [c for c in passing if cutoff is not None and c.votes > cutoff]
    tied = [c for c in passing if c.votes == cutoff]
    return winners, tied


# -- the checks -----------------------------------------------------------------------


def check_counts(data: ElectionData) -> list[Finding]:
    """The counts must add up."""
    findings = []
    if data.ballots_valid + data.ballots_invalid != data.ballots_returned:
        findings.append(
            Finding(
                "counts_valid_invalid",
                ERROR,
                _(
                    "计票规则：有效票（%(valid)s）与无效票（%(invalid)s）之和"
                    "应等于收回票数（%(returned)s）"
                )
                % {
                    "valid": data.ballots_valid,
                    "invalid": data.ballots_invalid,
                    "returned": data.ballots_returned,
                },
            )
        )
    if data.ballots_returned > data.ballots_issued:
        findings.append(
            Finding(
                "counts_returned_issued",
                ERROR,
                _("计票规则：收回票数（%(returned)s）不能多于发出票数（%(issued)s）")
                % {"returned": data.ballots_returned, "issued": data.ballots_issued},
            )
        )
    if data.present > data.entitled:
        findings.append(
            Finding(
                "counts_present_entitled",
                ERROR,
                _("计票规则：参加投票（到会）人数（%(present)s）不能多于应参加人数（%(entitled)s）")
                % {"present": data.present, "entitled": data.entitled},
            )
        )
    if data.ballots_issued > data.present + data.proxy_votes:
        findings.append(
            Finding(
                "counts_issued_present",
                ERROR,
                _(
                    "计票规则：发出票数（%(issued)s）不能多于参加投票人数与委托投票数之和"
                    "（%(allowed)s）"
                )
                % {"issued": data.ballots_issued, "allowed": data.present + data.proxy_votes},
            )
        )
    for candidate in data.candidates:
        if candidate.votes > data.ballots_valid:
            findings.append(
                Finding(
                    "counts_candidate_above_valid",
                    ERROR,
                    _("计票规则：%(name)s 的得票（%(votes)s）超过有效票数（%(valid)s）")
                    % {
                        "name": candidate.name,
                        "votes": candidate.votes,
                        "valid": data.ballots_valid,
                    },
                    candidate.key,
                )
            )
    total = sum(c.votes for c in data.candidates)
    if total > data.ballots_valid * data.seats:
        findings.append(
            Finding(
                "counts_total_marks",
                ERROR,
                _(
                    "计票规则：候选人得票总数（%(total)s）超过有效票数 × 应选名额"
                    "（%(valid)s × %(seats)s）"
                )
                % {"total": total, "valid": data.ballots_valid, "seats": data.seats},
            )
        )
    return findings


def check_villagers(data: ElectionData) -> list[Finding]:
    """村民委员会组织法: turnout, competitive slate, size, a woman among the members."""
    findings = []
    if not more_than_half(data.present, data.entitled):
        findings.append(
            Finding(
                "villagers_turnout",
                ERROR,
                _(
                    "《村民委员会组织法》第十五条：登记参加选举的村民过半数投票，选举有效；"
                    "登记选民 %(entitled)s 人，投票 %(present)s 人，未过半数，选举无效"
                )
                % {"entitled": data.entitled, "present": data.present},
            )
        )
    if len(data.candidates) <= data.seats:
        findings.append(
            Finding(
                "villagers_competitive",
                ERROR,
                _(
                    "《村民委员会组织法》第十五条：候选人名额应当多于应选名额（差额选举）；"
                    "候选人 %(candidates)s 人，应选 %(seats)s 名"
                )
                % {"candidates": len(data.candidates), "seats": data.seats},
            )
        )
    if data.round == FIRST:
        if not 3 <= data.seats <= 7:
            findings.append(
                Finding(
                    "villagers_size",
                    ERROR,
                    _(
                        "《村民委员会组织法》第六条：村民委员会由主任、副主任和委员共三至七人组成；"
                        "现为 %(seats)s 人"
                    )
                    % {"seats": data.seats},
                )
            )
        winners = [c for c in data.candidates if c.post]
        if winners and not any(c.female for c in winners):
            findings.append(
                Finding(
                    "villagers_no_woman",
                    WARNING,
                    _(
                        "《村民委员会组织法》第六条：村民委员会成员中应当有妇女成员；"
                        "当选人中没有女性，须书面说明情况后方可上报"
                    ),
                )
            )
    return findings


def check_party(data: ElectionData) -> list[Finding]:
    """党组织选举工作条例: 20 % more candidates, 4/5 attendance, no proxies."""
    findings = []
    needed = min_party_candidates(data.seats)
    if len(data.candidates) < needed:
        findings.append(
            Finding(
                "party_candidates",
                ERROR,
                _(
                    "《中国共产党基层组织选举工作条例》：候选人数应多于应选人数的 20%%"
                    "（至少 %(needed)s 人）；现有候选人 %(candidates)s 人"
                )
                % {"needed": needed, "candidates": len(data.candidates)},
            )
        )
    if not more_than_four_fifths(data.present, data.entitled):
        findings.append(
            Finding(
                "party_attendance",
                ERROR,
                _(
                    "《中国共产党基层组织选举工作条例》：到会党员须超过应到会党员的五分之四，会议有效；"
                    "应到 %(entitled)s 人，实到 %(present)s 人"
                )
                % {"entitled": data.entitled, "present": data.present},
            )
        )
    if data.proxy_votes:
        findings.append(
            Finding(
                "party_proxy",
                ERROR,
                _("《中国共产党基层组织选举工作条例》：党员不得委托他人投票"),
            )
        )
    return findings


def check_winners(data: ElectionData) -> list[Finding]:
    """Those declared elected must have reached the threshold; ties go to a further round."""
    findings = []
    if data.body == Body.PARTY_COMMITTEE:
        rule = _("《中国共产党基层组织选举工作条例》：被选举人获得实到会党员过半数选票，始得当选")
    elif data.round == SECOND:
        rule = _(
            "《村民委员会组织法》第十五条：另行选举以得票多的当选，但得票数不得少于已投选票数的三分之一"
        )
    else:
        rule = _("《村民委员会组织法》第十五条：候选人获得参加投票的村民过半数的选票，始得当选")
    winners, tied = elected(data)
    winner_keys = {c.key for c in winners}
    tied_keys = {c.key for c in tied}
    for candidate in data.candidates:
        if not candidate.post:
            continue
        if candidate.key in tied_keys:
            findings.append(
                Finding(
                    "tie_further_round",
                    ERROR,
                    _(
                        "%(rule)s。%(name)s 与他人得票相同（%(votes)s 票），"
                        "名额不足以同时当选，应就该名额再次投票"
                    )
                    % {"rule": rule, "name": candidate.name, "votes": candidate.votes},
                    candidate.key,
                )
            )
        elif candidate.key not in winner_keys:
            findings.append(
                Finding(
                    "winner_below_threshold",
                    ERROR,
                    _("%(rule)s。%(name)s 得票 %(votes)s，未达到当选票数")
                    % {"rule": rule, "name": candidate.name, "votes": candidate.votes},
                    candidate.key,
                )
            )
    declared = sum(1 for c in data.candidates if c.post)
    if declared > data.seats:
        findings.append(
            Finding(
                "winners_above_seats",
                ERROR,
                _("当选人数（%(declared)s）多于应选名额（%(seats)s）")
                % {"declared": declared, "seats": data.seats},
            )
        )
    if tied and not any(c.post for c in tied):
        names = _("、").join(c.name for c in tied)
        findings.append(
            Finding(
                "tie_further_round",
                WARNING,
                _("%(rule)s。%(names)s 得票相同（%(votes)s 票）且名额不足，该名额须另行投票")
                % {"rule": rule, "names": names, "votes": tied[0].votes},
            )
        )
    missing = [c for c in winners if not c.post]
    for candidate in missing:
        findings.append(
            Finding(
                "winner_without_post",
                WARNING,
                _("%(name)s 得票 %(votes)s，已达到当选票数，但未填写其当选职务")
                % {"name": candidate.name, "votes": candidate.votes},
                candidate.key,
            )
        )
    return findings


def check_eligibility(data: ElectionData) -> list[Finding]:
    """Everyone on the ballot may be elected: 18 on election day; the party committee's
    candidates full party members (elections.eligibility, the one home of the rule)."""
    findings = []
    for candidate in data.candidates:
        status = candidate.political_status
        problems = eligibility.problems(
            body=data.body if status is not None else "",
            birth_date=candidate.birth_date,
            political_status=status,
            on=data.held_on,
        )
        for field_name, message in problems:
            findings.append(
                Finding(
                    "candidate_underage" if field_name == "birth_date" else "candidate_not_member",
                    ERROR,
                    _("%(name)s：%(message)s") % {"name": candidate.name, "message": message},
                    candidate.key,
                )
            )
    return findings


def _vetting_why(vetting: Vetting) -> str:
    """Why a candidate is not an approved one, in words: where the vetting stands."""
    if vetting.state == NOT_NOMINATED:
        return _("未经人选审查（本届没有该组织的人选记录）")
    if vetting.state == IN_REVIEW:
        return _("人选审查尚在“%(stage)s”阶段，未确定为人选") % {"stage": vetting.stage}
    texts = {
        REJECTED: _("人选资格审查未通过（%(stage)s：%(reason)s）"),
        WITHDRAWN: _("已退出人选（%(stage)s：%(reason)s）"),
        REPLACED: _("已被替换，不再是人选（%(stage)s：%(reason)s）"),
    }
    return texts[vetting.state] % {"stage": vetting.stage, "reason": vetting.reason or "—"}


def check_vetting(data: ElectionData) -> list[Finding]:
    """The ballot and the vetting are one story. On a party-committee ballot only approved
    candidates (确定人选) may stand; on a villagers' committee ballot (villagers nominate
    directly) a candidate who is not an approved one needs a written explanation, and one
    whose candidacy ended is named with how it ended."""
    findings = []
    for candidate in data.candidates:
        vetting = candidate.vetting
        if vetting is None or vetting.state == APPROVED:
            continue
        why = _vetting_why(vetting)
        if data.body == Body.PARTY_COMMITTEE:
            findings.append(
                Finding(
                    "party_not_approved",
                    ERROR,
                    _(
                        "《中国共产党基层组织选举工作条例》：党组织委员会候选人须经资格审查"
                        "确定；%(name)s %(why)s"
                    )
                    % {"name": candidate.name, "why": why},
                    candidate.key,
                )
            )
        elif data.body == Body.VILLAGERS_COMMITTEE:
            findings.append(
                Finding(
                    "villagers_not_approved",
                    WARNING,
                    _(
                        "村(居)委会候选人由村民直接提名，但应经资格审查；%(name)s %(why)s，"
                        "须书面说明情况后方可上报"
                    )
                    % {"name": candidate.name, "why": why},
                    candidate.key,
                )
            )
    return findings


def check_election(data: ElectionData) -> list[Finding]:
    """Every finding for one election, errors first."""
    findings = check_counts(data)
    findings += check_eligibility(data)
    findings += check_vetting(data)
    if data.body == Body.PARTY_COMMITTEE:
        findings += check_party(data)
    elif data.body == Body.VILLAGERS_COMMITTEE:
        findings += check_villagers(data)
    findings += check_winners(data)
    return sorted(findings, key=lambda f: f.level != ERROR)


def blocking(
    findings: list[Finding], confirmed: set[str] | frozenset = frozenset()
) -> list[Finding]:
    """The findings that stop a submission: errors, and warnings still to be confirmed
    (`confirmed`: the keys of the written confirmations, `Finding.key`)."""
    return [
        f for f in findings if f.level == ERROR or (f.needs_confirmation and f.key not in confirmed)
    ]
