"""The rules of the seats, as pure functions: which posts a body has, one secretary (and one
director per committee) in a village and term, one post per person on a body.

The one home of these rules: model validation (`Seat.clean`, `Candidacy.clean`,
`Election.clean`), certification, the manual seat services and the roster import call
them, and the constraints on `Seat` (the last line of defence) carry their messages. The
import keeps its speed by running its whole batch through one `SeatLedger`, in memory.
"""

from __future__ import annotations

from collections.abc import Hashable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import BODY_POSTS, POST_TITLES, Body, Post

# The posts only one person holds at a time: the party secretary, each committee's director.
CHAIR_POSTS = frozenset({Post.SECRETARY, Post.DIRECTOR})

# The constraints' messages (models.Meta needs them lazily, without the holder's name).
ONE_SECRETARY = gettext_lazy("一个村只能有一名书记")
ONE_DIRECTOR = gettext_lazy("一个村的每个组织只能有一名主任")
ONE_POST_PER_PERSON = gettext_lazy("此人在该组织本届已有职务")

_BODY_LABELS = dict(Body.choices)
_POST_LABELS = dict(Post.choices)


def post_not_on_body(body: str, post: str) -> str | None:
    """The message when `post` does not exist on `body`; None when it does (or either is
    missing: a required-field error says so)."""
    if not body or not post or post in BODY_POSTS.get(body, ()):
        return None
    return _("%(body)s没有“%(post)s”职务") % {
        "body": _BODY_LABELS.get(body, body),
        "post": _POST_LABELS.get(post, post),
    }


def chair_title(body: str, post: str) -> str:
    """A one-holder post as the messages name it: 书记, or the committee's 主任."""
    if post == Post.SECRETARY:
        return _("书记")
    return str(POST_TITLES.get((body, post), _POST_LABELS.get(post, post)))


def chair_rule(body: str, post: str) -> str:
    """The rule itself: a village has one of this post."""
    return _("一个村只能有一名%(post)s") % {"post": chair_title(body, post)}


def chair_taken(body: str, post: str, holder: str) -> str:
    """The message for a second holder of a one-holder post; `holder` names the first (a
    name, or "第 2 行的张三" in a file)."""
    return _("%(rule)s，本届已有%(holder)s") % {"rule": chair_rule(body, post), "holder": holder}


def post_taken(holder: str) -> str:
    """The message for a second post of one person on one body; `holder` names the first
    (the post held, or the row of the file)."""
    return _("%(rule)s（%(holder)s）") % {"rule": ONE_POST_PER_PERSON, "holder": holder}


def chair_seats_error(body: str, seats_chair: int) -> str | None:
    """The message when an election would elect more than one holder of its chair."""
    if seats_chair <= 1:
        return None
    chair = next((post for post in BODY_POSTS.get(body, ()) if post in CHAIR_POSTS), None)
    return chair_rule(body, chair) if chair else None


def row_holder(row: int, name: str) -> str:
    """How a message names the holder of a seat on an earlier row of a file."""
    return _("第 %(row)s 行的%(name)s") % {"row": row, "name": name}


def _holder(label) -> str:
    return row_holder(*label) if isinstance(label, tuple) else str(label)


class SeatLedger:
    """The seats held in some villages and terms, as the rules see them.

    A door fills it with the seats held now (`take`, one query), then runs each new seat
    through `clashes` and takes it. `person` is whatever identifies a person in that door
    (a primary key, an ID number); `village`, `term` their ids.
    """

    __slots__ = ("_chairs", "_posts")

    def __init__(self) -> None:
        self._chairs: dict[tuple, tuple[Hashable, object]] = {}
        self._posts: dict[tuple, object] = {}

    def take(self, *, person, village, term, body: str, post: str, label) -> None:
        """Record a seat; `label` names it in the messages of later clashes: the holder's
        name or the post held, or (row, name) for a row of a file."""
        if post in CHAIR_POSTS:
            self._chairs.setdefault((village, term, body, post), (person, label))
        self._posts.setdefault((person, village, term, body), label)

    def chair_clash(self, *, person, village, term, body: str, post: str) -> str | None:
        """The message when somebody else holds this one-holder post."""
        if post not in CHAIR_POSTS:
            return None
        held = self._chairs.get((village, term, body, post))
        if held is None or held[0] == person:
            return None
        return chair_taken(body, post, _holder(held[1]))

    def post_clash(self, *, person, village, term, body: str) -> str | None:
        """The message when this person already holds a post on this body."""
        held = self._posts.get((person, village, term, body))
        return None if held is None else post_taken(_holder(held))

    def admit(self, person, village, term, body: str, post: str, label):
        """A batch's step, positional for speed: the first clash of the seat with the seats
        taken — ("person", message) or ("post", message) — or None; then takes it (a person
        already on the body is not recorded twice)."""
        posts = self._posts
        key = (person, village, term, body)
        held = posts.get(key)
        if held is not None:
            return "person", post_taken(_holder(held))
        posts[key] = label
        if post in CHAIR_POSTS:
            slot = (village, term, body, post)
            chair = self._chairs.get(slot)
            if chair is None:
                self._chairs[slot] = (person, label)
            elif chair[0] != person:
                return "post", chair_taken(body, post, _holder(chair[1]))
        return None

    def clashes(self, *, person, village, term, body: str, post: str) -> list[tuple[str, str]]:
        """(field, message) for every rule the seat breaks, against the seats taken."""
        found = []
        message = post_not_on_body(body, post)
        if message:
            found.append(("post", message))
        message = self.post_clash(person=person, village=village, term=term, body=body)
        if message:
            found.append(("person", message))
        message = self.chair_clash(person=person, village=village, term=term, body=body, post=post)
        if message:
            found.append(("post", message))
        return found
