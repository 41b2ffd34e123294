"""Who may have written each audit entry: the signatures on the chain, replayed in order.

Every user who has a password holds an Ed25519 key (db/foundations/signing.py). The
chain itself says which key is whose: the entry that sets a password registers the new
key's public half, and it counts only when signed by an administrator, by the user's own
previous key, or (the first administrator; a user from before signatures at their first
sign-in) by the new key itself while the user had none (a first key no one signed is
listed as such). The store signs the last entry of
each batch it writes; that signature covers every entry before it, so

- an entry in the name of a user who holds a key must be followed, before any other
  writer's entry, by a signature of that user's key;
- a signature must be by the key its signer holds at that point;
- rewriting an entry and re-hashing the chain after it breaks every later signature of
  someone else, and an entry added in another user's name carries no signature of theirs.

What stays unsigned: entries by Rabta itself (a refused sign-in, a name no one has) and
by users who have no key yet; `unsigned_tail` counts those after the last signature,
which only the witnesses (backups, the keys file, printed reports) protect.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from db.foundations.models import UserRole
from db.foundations.signing import signature_holds

SELF_INTRODUCED = ("first_administrator", "introduce_signing_key")
# A first key registered by no signature at all (a user given a password by Rabta itself,
# before anyone held a key) is taken as self-introduced too: no one else's key is lost.


@dataclass(frozen=True)
class SignedFields:
    """The parts of an audit entry the signature check reads."""

    id: int
    user_id: int | None
    username: str
    action: str
    entity_type: str
    entity_id: int | None
    changes: str
    entry_hash: str | None
    signed_by: int | None
    signature: str | None


def _registered_key(entry: SignedFields, changes: dict[str, Any]) -> str | None:
    """The public key an entry registers for its user, if it registers one."""
    if entry.entity_type != "user" or entry.entity_id is None:
        return None
    pair = changes.get("signing_key")
    if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str):
        return pair[1]
    return None


def _role_set(changes: dict[str, Any]) -> str | None:
    pair = changes.get("role")
    if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str):
        return pair[1]
    return None


@dataclass
class SignatureLedger:
    """The keys and roles the chain has established so far, and the entries waiting
    for their writer's signature."""

    keys: dict[int, str] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)
    # unsigned entries since the last signature, by users who held a key when writing
    waiting: list[SignedFields] = field(default_factory=list)
    unsigned_tail: int = 0  # entries after the last signature
    signed: int = 0
    self_introduced: list[str] = field(default_factory=list)

    def check(self, entry: SignedFields) -> str | None:
        """Take the next entry; a sentence saying what is wrong with it, or None."""
        try:
            changes = json.loads(entry.changes or "{}")
        except ValueError:
            changes = {}
        if not isinstance(changes, dict):
            changes = {}
        registered = _registered_key(entry, changes)
        if entry.signature is None:
            problem = self._unsigned(entry, registered)
        else:
            problem = self._signed(entry, registered)
        if problem is None and self._may_set_roles(entry):
            self._follow_roles(entry, changes)
        return problem

    def _may_set_roles(self, entry: SignedFields) -> bool:
        """A role counts when an administrator signed its entry, or when no one held a
        key yet (a database from before signatures)."""
        if entry.signature is None:
            return not self.keys
        return entry.action == "first_administrator" or (
            self.roles.get(entry.signed_by or -1) == UserRole.ADMIN
        )

    def finish(self) -> str | None:
        """After the last entry: one in a keyed user's name that no signature covers."""
        return self._uncovered(None)

    def _unsigned(self, entry: SignedFields, registered: str | None) -> str | None:
        if registered is not None and entry.entity_id in self.keys:
            return (  # only a signature may replace a key
                f"entry {entry.id} registers a signing key for user #{entry.entity_id} "
                "with no signature of an administrator: it was added by someone else"
            )
        if entry.user_id is not None and entry.user_id in self.keys:
            self.waiting.append(entry)  # theirs to sign before anyone else writes
        if registered is not None and entry.entity_id is not None:
            # A first key no one signed: as good as a self-introduced one, and said so.
            self.keys[entry.entity_id] = registered
            self.self_introduced.append(f"user #{entry.entity_id}")
        self.unsigned_tail += 1
        return None

    def _signed(self, entry: SignedFields, registered: str | None) -> str | None:
        signer = entry.signed_by
        if signer is None or (entry.user_id is not None and signer != entry.user_id):
            return (
                f"entry {entry.id} is in the name of {entry.username} but signed by "
                f"user #{signer}: it was written by someone else"
            )
        key = self.keys.get(signer)
        introduced = (
            registered is not None
            and entry.entity_id == signer
            and entry.action in SELF_INTRODUCED
            and key is None
        )
        if introduced:
            key = registered
        if key is None:
            return (
                f"entry {entry.id} is signed by user #{signer}, who holds no key the "
                "chain registered: it was written by someone else"
            )
        if not signature_holds(key, entry.entry_hash or "", entry.signature or ""):
            return (
                f"entry {entry.id} ({entry.action} by {entry.username}) does not carry "
                f"user #{signer}'s signature: it, or an entry before it, was rewritten "
                "and re-hashed"
            )
        problem = self._uncovered(signer)
        if problem is not None:
            return problem
        handed_out = registered is not None and not introduced and entry.entity_id != signer
        if handed_out and self.roles.get(signer) != UserRole.ADMIN:
            return (
                f"entry {entry.id} registers a signing key for user "
                f"#{entry.entity_id}, signed by user #{signer}, who is not an "
                "administrator"
            )
        if registered is not None and entry.entity_id is not None:
            self.keys[entry.entity_id] = registered
            if introduced and entry.action != "first_administrator":
                self.self_introduced.append(entry.username)
        self.waiting.clear()
        self.unsigned_tail = 0
        self.signed += 1
        return None

    def _uncovered(self, signer: int | None) -> str | None:
        """The first waiting entry in a keyed user's name that `signer` (None: no one)
        cannot cover."""
        for waiting in self.waiting:
            if waiting.user_id != signer:
                return (
                    f"entry {waiting.id} ({waiting.action} by {waiting.username}) is in "
                    f"the name of a user who signs, without their signature: it was "
                    "added by someone else"
                )
        return None

    def _follow_roles(self, entry: SignedFields, changes: dict[str, Any]) -> None:
        if entry.entity_type != "user" or entry.entity_id is None:
            return
        if entry.action == "first_administrator":
            self.roles[entry.entity_id] = UserRole.ADMIN
        role = _role_set(changes)
        if role is not None:
            self.roles[entry.entity_id] = role
