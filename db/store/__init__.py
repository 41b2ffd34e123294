"""The write path. Every change a person can make goes through a function here.

Each function takes an open Session and the acting user, validates its input
(raising ValidationError with a message per field), checks permission, writes,
and adds its audit entry, all in the caller's single transaction::

    with store.session(engine) as s:
        org_id = organizations.create_organization(s, actor, {"name": ..., "kind": ...})
"""

from db.foundations.actor import Actor
from db.store.unit_of_work import session

__all__ = ["Actor", "session"]
