"""Officers saving at the same moment, on either engine: the same new organization or
email is kept once, one record saved by several at once keeps exactly one of their
changes, and the others are told in a sentence who saved first, never a raw error."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, insert
from sqlmodel import Session, select

from db import store
from db.foundations.engine import create_database_engine
from db.foundations.errors import StaleRecord, ValidationError
from db.foundations.models import Contact, Organization
from db.store.contacts import create_contact
from db.store.organizations import create_organization, update_organization
from tests.conftest import location_of

OFFICERS = 4


def _at_once(engine, work) -> list[BaseException | None]:
    """Run `work(own_engine, n)` in OFFICERS threads released together, each with its own
    engine as each window or process has; what each raised, or None."""
    start = threading.Barrier(OFFICERS)
    outcomes: list[BaseException | None] = [None] * OFFICERS

    def run(number: int) -> None:
        own = create_database_engine(location_of(engine))
        start.wait()
        try:
            work(own, number)
        except BaseException as error:  # the test looks at each outcome
            outcomes[number] = error
        finally:
            own.dispose()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(OFFICERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_the_same_organization_added_at_once_is_kept_once(engine, officer):
    def add(own, _number: int) -> None:
        with store.session(own) as s:
            create_organization(s, officer, {"name": "Karachi Club of Austin", "kind": "cultural"})

    outcomes = _at_once(engine, add)
    refused = [o for o in outcomes if o is not None]
    assert len(refused) == OFFICERS - 1
    assert all(isinstance(o, ValidationError) and "name" in o.errors for o in refused)
    with Session(engine) as s:
        named = select(func.count()).where(
            func.lower(Organization.name) == "karachi club of austin"
        )
        assert s.exec(named).one() == 1


def test_the_same_email_given_at_once_is_kept_once(engine, officer):
    def add(own, number: int) -> None:
        with store.session(own) as s:
            create_contact(
                s, officer, {"given_name": f"Person {number}", "email": "shared@example.com"}
            )

    refused = [o for o in _at_once(engine, add) if o is not None]
    assert len(refused) == OFFICERS - 1
    assert all(isinstance(o, ValidationError) and "email" in o.errors for o in refused)


def test_a_name_another_writer_slipped_in_is_refused_in_a_sentence(engine, officer):
    # Past the store's check (as a writer on another machine would be), the index refuses.
    with pytest.raises(ValidationError, match="just added") as refused, store.session(engine) as s:
        create_organization(s, officer, {"name": "Sialkot Association", "kind": "cultural"})
        s.execute(
            insert(Organization.__table__).values(
                uid="0" * 36, name="SIALKOT ASSOCIATION", kind="cultural"
            )
        )
    assert "name" in refused.value.errors
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Organization)).one() == 0
        assert s.exec(select(func.count()).select_from(Contact)).one() == 0


def _organization(engine, officer) -> int:
    with store.session(engine) as s:
        return create_organization(s, officer, {"name": "Multan Welfare Trust", "kind": "cultural"})


def test_a_save_over_a_newer_version_is_refused_and_says_who_saved(engine, officer):
    org_id = _organization(engine, officer)
    with Session(engine) as s:
        opened = s.get(Organization, org_id).version  # both forms read the same version
    with store.session(engine) as s:
        update_organization(s, officer, org_id, {"city": "Houston", "version": opened})
    stale = pytest.raises(StaleRecord, match="officer changed this organization at")
    with stale as refused, store.session(engine) as s:
        update_organization(s, officer, org_id, {"city": "Dallas", "version": opened})
    assert "Reload it" in str(refused.value)
    with Session(engine) as s:
        org = s.get(Organization, org_id)
        assert (org.city, org.version) == ("Houston", opened + 1)  # the first save stands
    with store.session(engine) as s:  # a save from the version now there is taken
        update_organization(s, officer, org_id, {"city": "Dallas", "version": opened + 1})


def test_officers_saving_one_record_at_once_lose_no_update(engine, officer):
    org_id = _organization(engine, officer)

    def save(own, number: int) -> None:
        with store.session(own) as s:
            update_organization(s, officer, org_id, {"city": f"City {number}", "version": 1})

    outcomes = _at_once(engine, save)
    refused = [o for o in outcomes if o is not None]
    assert len(refused) == OFFICERS - 1 and all(isinstance(o, StaleRecord) for o in refused)
    saved = next(n for n, o in enumerate(outcomes) if o is None)
    with Session(engine) as s:
        org = s.get(Organization, org_id)
        assert (org.city, org.version) == (f"City {saved}", 2)
