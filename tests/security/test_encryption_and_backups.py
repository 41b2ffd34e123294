"""An encrypted database on disk: no personal data readable in the file, its WAL or its
backups; backups that restore and check out; a key that rotates; a plain database that
is encrypted on request."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta

from sqlmodel import Session, select

from db import store
from db.database_file.backups import (
    STALE_PARTIAL_SECONDS,
    daily_backup_due,
    list_backups,
    prune_backups,
    record_counts,
    take_backup,
)
from db.database_file.health import check_database
from db.database_file.restore import restore_backup
from db.foundations.engine import database_key, forget_database_key
from db.foundations.models import Contact
from db.security.encryption import encrypt_plain_database, rotate_key
from db.security.keyring import keyring_path
from db.security.sign_in import create_first_administrator, sign_in
from db.store.contacts import create_contact
from tests.conftest import add_officer

PASSWORD = "correct horse battery"
GIVEN, FAMILY = "Zubaida", "Qureshi-Farooqui"
EMAIL, URDU = "zubaida.farooqui@example.org", "زبیدہ قریشی"


def _secrets(data: bytes) -> list[str]:
    needles = {
        "name": FAMILY.encode(),
        "email": EMAIL.encode(),
        "urdu name": URDU.encode("utf-8"),
        "urdu name (utf-16)": URDU.encode("utf-16-le"),
    }
    return [what for what, needle in needles.items() if needle in data]


def test_the_file_its_wal_and_its_backups_hold_no_personal_data(tmp_path):
    path = tmp_path / "rabta.db"
    admin = create_first_administrator(str(path), "admin", "Admin", PASSWORD)
    engine = admin.opened.engine
    with store.session(engine) as s:
        create_contact(
            s,
            admin.actor,
            {"given_name": GIVEN, "family_name": FAMILY, "name_urdu": URDU, "email": EMAIL},
        )
    wal = path.with_name(path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # written, not yet checkpointed
    backup = take_backup(str(path), kind="daily")
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert {path.name, wal.name, backup.name} <= set(files)
    found = {name: _secrets(data) for name, data in files.items()}
    assert found == {name: [] for name in files}, found
    # ...and the same data is there for whoever signs in.
    with Session(engine) as s:
        assert s.exec(select(Contact.email).where(Contact.family_name == FAMILY)).one() == EMAIL
    assert record_counts(backup, database_key(str(path)))["contact"] == 1
    engine.dispose()
    forget_database_key(str(path))


def test_a_backup_restores_and_passes_the_check(tmp_path):
    path = tmp_path / "rabta.db"
    admin = create_first_administrator(str(path), "admin", "Admin", PASSWORD)
    with store.session(admin.opened.engine) as s:
        create_contact(s, admin.actor, {"given_name": "Kept In The Backup"})
    backup = take_backup(str(path), kind="manual")
    with store.session(admin.opened.engine) as s:
        create_contact(s, admin.actor, {"given_name": "Added After The Backup"})
    admin.opened.engine.dispose()
    forget_database_key(str(path))

    restored = restore_backup(admin.actor, str(path), backup, password=PASSWORD)
    kept = restored.kept
    assert restored.counts["contact"] == 1 and restored.audit_entries > 0
    assert kept.exists() and keyring_path(kept).exists()
    restored = sign_in(str(path), "admin", PASSWORD)
    try:
        assert check_database(restored.opened.engine, restored.actor).healthy
        with Session(restored.opened.engine) as s:
            names = set(s.exec(select(Contact.given_name)))
        assert "Kept In The Backup" in names and "Added After The Backup" not in names
        kinds = {b.kind for b in list_backups(str(path))}
        assert kinds == {"manual", "replaced"}
    finally:
        restored.opened.engine.dispose()
        forget_database_key(str(path))


def test_daily_backups_keep_seven_days_and_four_weeks(tmp_path, db_path):
    start = datetime(2026, 9, 1)
    for day in range(60):
        for hour in (9, 15):  # two starts a day: both daily copies exist before pruning
            take_backup(str(db_path), kind="daily", now=start + timedelta(days=day, hours=hour))
    take_backup(str(db_path), kind="manual", now=start)
    prune_backups(str(db_path))
    daily = [b for b in list_backups(str(db_path)) if b.kind == "daily"]
    days = [b.taken_at.date() for b in daily]
    assert len(daily) == 11 and len(set(days)) == 11
    newest = start.date() + timedelta(days=59)
    assert days[:7] == [newest - timedelta(days=n) for n in range(7)]
    assert len({d.isocalendar()[:2] for d in days[7:]}) == 4
    assert any(b.kind == "manual" for b in list_backups(str(db_path)))
    assert not daily_backup_due(str(db_path), today=newest)
    assert daily_backup_due(str(db_path), today=newest + timedelta(days=1))


def test_rotating_the_key_keeps_every_user_in(tmp_path):

    path = tmp_path / "rabta.db"
    admin = create_first_administrator(str(path), "admin", "Admin", PASSWORD)
    with store.session(admin.opened.engine) as s:
        add_officer(s, admin.actor, "officer", "officer pass 1", "O")
    old_key = database_key(str(path))
    users = rotate_key(admin.actor, str(path), admin.opened.engine)
    assert users == 2 and database_key(str(path)) != old_key
    admin.opened.engine.dispose()
    forget_database_key(str(path))
    officer = sign_in(str(path), "officer", "officer pass 1")
    assert database_key(str(path)) != old_key
    officer.opened.engine.dispose()
    forget_database_key(str(path))


def test_a_plain_database_is_encrypted_on_request(tmp_path, demo_path):
    admin = create_first_administrator(str(demo_path), "admin", "Admin", PASSWORD)
    admin.opened.engine.dispose()
    take_backup(str(demo_path), kind="manual")
    assert b"Houston" in demo_path.read_bytes()
    converted = encrypt_plain_database(admin.actor, str(demo_path), PASSWORD)
    assert converted.backups == 1 and converted.need_password == []
    for file in demo_path.parent.glob("demo*.db"):
        assert b"Houston" not in file.read_bytes(), file.name
    signed_in = sign_in(str(demo_path), "admin", PASSWORD)
    try:
        report = check_database(signed_in.opened.engine, signed_in.actor)
        assert report.healthy, report.problems
        assert "600 engagements" in report.facts[-2]
    finally:
        signed_in.opened.engine.dispose()
        forget_database_key(str(demo_path))


def test_a_copy_cut_short_is_removed_once_an_hour_old(db_path):
    stale = db_path.with_name(f"{db_path.stem}.backup-20260901-090000-daily.db.partial")
    fresh = db_path.with_name(f"{db_path.stem}.backup-20260902-090000-daily.db.partial")
    for partial in (stale, fresh):
        partial.write_bytes(b"half a copy")
    an_hour_and_a_bit_ago = time.time() - STALE_PARTIAL_SECONDS - 60
    os.utime(stale, (an_hour_and_a_bit_ago, an_hour_and_a_bit_ago))
    removed = prune_backups(str(db_path))
    assert removed == [stale]
    assert not stale.exists() and fresh.exists()  # a backup may still be writing it
