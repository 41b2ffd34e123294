"""What a careful forger holding the file and a key does to the audit chain after editing
an entry: recompute every hash from there on (and sign again what was signed, with the
one key they hold)."""

from __future__ import annotations

import base64
from datetime import datetime

from db.foundations.signing import Signer
from db.rules.audit_chain import ChainedFields, entry_hash


def rehash_from(raw, first: int, signer: Signer | None = None) -> None:
    """Recompute the hash of entry `first` and of every entry after it, on a raw
    connection to the file; with `signer`, the entries that were signed are signed again
    with it (else they keep their old signatures)."""
    (pepper,) = raw.execute("SELECT value FROM setting WHERE key = 'security.pepper'").fetchone()
    rows = raw.execute(
        "SELECT id, at, user_id, username, action, entity_type, entity_id, entity_uid, "
        "changes, chain_version, previous_hash, signature FROM audit_entry WHERE id >= ? "
        "ORDER BY id",
        (first,),
    ).fetchall()
    previous = rows[0][10]
    for row in rows:
        fields = ChainedFields(row[0], datetime.fromisoformat(row[1]), *row[2:10])
        digest = entry_hash(fields, previous, base64.b64decode(pepper))
        signature = signer.sign(digest) if signer is not None and row[11] else row[11]
        raw.execute(
            "UPDATE audit_entry SET previous_hash = ?, entry_hash = ?, signature = ? WHERE id = ?",
            (previous, digest, signature, row[0]),
        )
        previous = digest
