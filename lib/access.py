"""Who may do what: one table (RULES) of every action against the ways a person is known, read by one function.

A Principal is who asks, as the app or the command line established it: a name, how it was established (via) and
where the request came from. The store and the plan publisher ask `allowed` themselves before they write, the digest
before it posts, backup and restore before they begin; the pages ask the same function what to show. The audit trail
takes who and where from the same principal, so what is allowed and what is logged cannot disagree.

    via            how it was established                                   where
    analyst        the sign-in checked the name's password (lib/auth.py)    the client's address (auth.client_address)
    command_line   a command run on the server; the name is as given        "cli"
                   (--user, else the system user): not checked
    anonymous      a page's visitor who has not signed in (a name tried     the client's address
                   at sign-in is kept for the audit trail, never trusted)

A command that can write the data folder could change any file in it directly, so the command line may do everything;
its name says who to log, it proves nothing (README, "Analyst passwords").
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from enum import StrEnum

from lib.i18n import t
from lib.problems import TranslatedError

COMMAND_LINE_PLACE = "cli"  # where a command's events come from


class Via(StrEnum):
    """How a principal was established."""

    ANALYST = "analyst"
    COMMAND_LINE = "command_line"
    ANONYMOUS = "anonymous"


class Action(StrEnum):
    """What a person may ask to do."""

    VIEW = "view"  # open the pages and exports
    CHECK = "check"  # check a file against the data without storing it
    STORE = "store"  # store actuals or progress (a refused file is kept with its report)
    REVERT = "revert"  # take a stored submission out
    PUBLISH = "publish"  # publish a year's plan (targets, tasks, record, document)
    REVERT_PUBLICATION = "revert_publication"  # put back what a publication replaced
    SEND_DIGEST = "send_digest"  # post the month's digest to the group robot
    BACKUP = "backup"  # write a snapshot of the data folder
    RESTORE = "restore"  # replace the data folder by a backup


_EVERYONE = frozenset(Via)
_WRITERS = frozenset({Via.ANALYST, Via.COMMAND_LINE})
_SERVER = frozenset({Via.COMMAND_LINE})

# The one table: each action, and the ways of being known that may do it.
RULES: dict[Action, frozenset[Via]] = {
    Action.VIEW: _EVERYONE,
    Action.CHECK: _EVERYONE,
    Action.STORE: _WRITERS,
    Action.REVERT: _WRITERS,
    Action.PUBLISH: _WRITERS,
    Action.REVERT_PUBLICATION: _WRITERS,
    Action.SEND_DIGEST: _SERVER,  # the app has no send button: the monthly timer or an operator sends it
    Action.BACKUP: _SERVER,  # backups and restores need the server's folders: only from the command line
    Action.RESTORE: _SERVER,
}


@dataclass(frozen=True)
class Principal:
    """Who asks: a name (blank for an anonymous visitor), how it was established, and where the request came from."""

    name: str
    via: Via
    where: str

    def __post_init__(self) -> None:
        if not isinstance(self.via, Via):
            raise TypeError(f"via must be a Via, not {self.via!r}")
        if self.via is not Via.ANONYMOUS and not self.name.strip():
            raise ValueError(f"a principal known as {self.via} needs a name")

    @classmethod
    def analyst(cls, name: str, where: str) -> Principal:
        """Return an analyst the sign-in has checked (only lib/ui's sign-in makes one), at the client's address."""
        return cls(name, Via.ANALYST, where)

    @classmethod
    def command_line(cls, name: str | None = None) -> Principal:
        """Return the operator of a command: the name given with --user, else the system user running it."""
        return cls(name or system_user(), Via.COMMAND_LINE, COMMAND_LINE_PLACE)

    @classmethod
    def anonymous(cls, where: str, tried: str = "") -> Principal:
        """Return a visitor who has not signed in, at the client's address (tried: a name given at a sign-in that
        failed, for the audit trail only)."""
        return cls(tried, Via.ANONYMOUS, where)

    @property
    def signed_in(self) -> bool:
        """Return whether this is an analyst who signed in on a page."""
        return self.via is Via.ANALYST


class NotAllowed(TranslatedError):
    """A principal asked for an action the table does not give them; the message names who, what, and who may."""

    def message(self, lang: str = "zh") -> str:
        """Return the refusal in lang: who asked, the action, and the ways of being known that may do it."""
        action, via, name = self.params["action"], self.params["via"], self.params["name"]
        who = t(f"access_who_{via}", lang, name=name)
        allowed_by = ("、" if lang == "zh" else ", ").join(t(f"access_via_{v}", lang) for v in Via
                                                         if v in RULES[Action(action)])
        return t("access_refused", lang, who=who, action=t(f"access_action_{action}", lang), allowed=allowed_by)


def allowed(principal: Principal, action: Action) -> bool:
    """Return whether the principal may do the action (RULES); a name string is no principal (TypeError)."""
    if not isinstance(principal, Principal):
        raise TypeError(f"a Principal is needed to decide who may {action}, not {principal!r}")
    return principal.via in RULES[Action(action)]


def require(principal: Principal, action: Action, error: type[NotAllowed] = NotAllowed) -> None:
    """Raise error (NotAllowed, or the caller's kind of it) unless the principal may do the action."""
    if not allowed(principal, action):
        raise error("access_refused", action=str(action), via=str(principal.via), name=principal.name)


def system_user() -> str:
    """Return the operating system's user running this process (a command's or a timer's operator)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())
