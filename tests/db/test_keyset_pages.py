"""Lists read page after page from where the last page ended (keyset paging) give the
same rows in the same order as one query for them all, for every sort key both ways,
on both engines: ties broken by id, empty values first going up and last going down."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from db.foundations.actor import SYSTEM_ACTOR
from db.queries import contacts, engagements, organizations, programs

LISTS = {
    "organizations": (
        organizations.organization_page,
        organizations.SORT_KEYS,
        organizations.OrganizationFilter(viewer=SYSTEM_ACTOR, include_archived=True),
    ),
    "contacts": (
        contacts.contact_page,
        contacts.SORT_KEYS,
        contacts.ContactFilter(include_archived=True),
    ),
    "programs": (
        programs.program_page,
        programs.SORT_KEYS,
        programs.ProgramFilter(include_archived=True),
    ),
    "engagements": (
        engagements.engagement_page,
        engagements.SORT_KEYS,
        engagements.EngagementFilter(viewer=SYSTEM_ACTOR, include_archived=True),
    ),
}


def _walk(s: Session, page, flt, sort: str, descending: bool, size: int) -> list[int]:
    ids, after = [], None
    while True:
        where = {"after": after} if after is not None else {"offset": 0}
        rows = page(s, flt, sort=sort, descending=descending, limit=size, **where)
        ids += [row.id for row in rows]
        if rows.after is None:
            return ids
        assert len(rows) == size
        after = rows.after


@pytest.mark.parametrize("name", LISTS)
def test_pages_after_pages_are_the_whole_list(demo_engine, name):
    page, sort_keys, flt = LISTS[name]
    with Session(demo_engine) as s:
        for sort in sort_keys:
            for descending in (False, True):
                whole = [
                    row.id
                    for row in page(
                        s, flt, sort=sort, descending=descending, offset=0, limit=1_000_000
                    )
                ]
                walked = _walk(s, page, flt, sort, descending, size=7)
                assert walked == whole, (sort, descending)
                assert len(set(whole)) == len(whole) > 3
