"""Importing the files offices keep (tests/exchange/office_files.py) into the demo
registry: each is read with the right encoding, delimiter and header, mapped without
help, checked by a dry run that writes nothing, and committed whole."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from sqlmodel import Session, func, select

from db.exchange.imports import ImportCancelled, run_import, write_problem_file
from db.exchange.mapping import FULL_NAME, load_mapping, suggest_mapping
from db.exchange.sources import open_source
from db.foundations.actor import Actor
from db.foundations.errors import ValidationError
from db.foundations.models import AuditEntry, Contact, Engagement, Mission, Organization
from tests.exchange import office_files

ADMIN = Actor(id=None, username="importer", role="admin")


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _count(engine, model) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def _import(engine, path, kind, **options):
    source = open_source(path)
    mapping = suggest_mapping(kind, source.headers, day_first=options.pop("day_first", False))
    return source, mapping, run_import(engine, ADMIN, source, mapping, **options)


def test_an_outlook_export_comes_in_with_its_company_and_phones(demo_engine, tmp_path):
    path = office_files.outlook_contacts_csv(tmp_path)
    source = open_source(path)
    assert source.encoding == "cp1252" and source.delimiter == ","
    mapping = suggest_mapping("contacts", source.headers)
    assert mapping.columns["E-mail Address"] == "email"
    assert mapping.columns["Company"] == "organization"
    assert mapping.columns["Business Phone"] == mapping.columns["Mobile Phone"] == "phone"
    assert mapping.columns["Spouse"] is None
    outcome = run_import(demo_engine, ADMIN, source, mapping, commit=True)
    assert outcome.problems == [] and outcome.created == 3 and outcome.committed
    # An employer not in the registry is a warning, not a refusal.
    assert [w.row for w in outcome.warnings] == [4]
    assert "Gulf Coast Cricket League" in outcome.warnings[0].reason
    with Session(demo_engine) as s:
        farah = s.exec(select(Contact).where(Contact.email == "farah.qureshi@clinic.example.org"))
        farah = farah.one()
        assert (farah.honorific, farah.city, farah.region_code) == ("Dr.", "Houston", "US-TX")
        assert farah.phone == "+17135550142"
        bilal = s.exec(select(Contact).where(Contact.email == "bilal@pabah.example.com")).one()
        assert bilal.phone == "+12815550199"  # the mobile, as the business phone is blank


def test_a_google_contacts_export_comes_in_with_regions_by_name(demo_engine, tmp_path):
    source, mapping, outcome = _import(
        demo_engine, office_files.google_contacts_csv(tmp_path), "contacts", commit=True
    )
    assert source.encoding == "utf-8"
    assert mapping.columns["E-mail 1 - Value"] == "email"
    assert mapping.columns["Organization Title"] == "role_title"
    assert outcome.problems == [] and outcome.created == 2
    with Session(demo_engine) as s:
        ayesha = s.exec(select(Contact).where(Contact.email.like("ayesha.siddiqui%"))).one()
        assert ayesha.given_name == "عائشہ" and ayesha.region_code == "US-CA"


def test_a_workbook_with_title_rows_and_excel_dates(demo_engine, tmp_path):
    source, mapping, outcome = _import(
        demo_engine, office_files.workbook_with_title_rows(tmp_path), "engagements", commit=True
    )
    assert source.header_row == 3
    assert source.headers[:3] == ("Date", "Type", "Subject")
    assert mapping.columns["Organization"] == "organizations"
    assert outcome.problems == [] and outcome.created == 3
    with Session(demo_engine) as s:
        dates = {
            e.subject: (e.date, e.kind)
            for e in s.exec(select(Engagement).where(Engagement.date >= date(2026, 7, 1)))
        }
    assert dates["Roshan Digital Account briefing"] == (date(2026, 7, 14), "meeting")
    assert dates["Independence Day reception"] == (date(2026, 8, 10), "event")  # a serial
    assert dates["Flood relief coordination"] == (date(2026, 9, 2), "call")


def test_a_semicolon_separated_windows_1252_file_keeps_its_accents(demo_engine, tmp_path):
    source, _mapping, outcome = _import(
        demo_engine, office_files.semicolon_windows_1252(tmp_path), "contacts", commit=True
    )
    assert (source.encoding, source.delimiter) == ("cp1252", ";")
    assert outcome.problems == [] and outcome.created == 3
    with Session(demo_engine) as s:
        names = set(s.exec(select(Contact.given_name).where(Contact.city.in_(["Dallas", "Plano"]))))
        professions = set(s.exec(select(Contact.profession).where(Contact.family_name == "Malik")))
    assert {"Renée", "Zoë"} <= names and "Nurse — ICU" in professions


def test_excel_unicode_text_is_utf16_with_tabs(demo_engine, tmp_path):
    source, _mapping, outcome = _import(
        demo_engine, office_files.unicode_text_utf16(tmp_path), "organizations", commit=True
    )
    assert (source.encoding, source.delimiter) == ("utf-16", "\t")
    assert outcome.problems == [] and outcome.created == 2
    with Session(demo_engine) as s:
        bazm = s.exec(select(Organization).where(Organization.acronym == "BAH")).one()
    assert (bazm.name, bazm.kind, bazm.region_code) == ("بزم ادب ہیوسٹن", "cultural", "US-TX")


def test_urdu_headers_are_understood(demo_engine, tmp_path):
    _source, mapping, outcome = _import(
        demo_engine, office_files.urdu_headers_csv(tmp_path), "contacts", commit=True
    )
    assert list(mapping.columns.values()) == [
        "given_name", "family_name", "name_urdu", "city", "email", "phone", "profession",
    ]  # fmt: skip
    assert outcome.problems == [] and outcome.created == 2
    with Session(demo_engine) as s:
        kamran = s.exec(select(Contact).where(Contact.email == "kamran.butt@example.com")).one()
    assert kamran.name_urdu == "کامران بٹ"


def test_a_dry_run_finds_every_problem_and_writes_nothing(demo_path, demo_engine, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        "Name,Email,Phone,Consent,Consent date\n"
        "Ali Raza,ali.raza@example.com,,Granted,2026-01-02\n"
        "Hina Aslam,not-an-email,,,\n"
        ",blank.name@example.com,,,\n"
        "Omar Farooq,omar@example.com,12,perhaps,31/31/2026\n",
        encoding="utf-8",
    )
    before = _digest(demo_path)
    source, mapping, outcome = _import(demo_engine, path, "contacts", commit=False)
    assert mapping.columns["Name"] == FULL_NAME
    assert _digest(demo_path) == before
    by_row = {}
    for problem in outcome.problems:
        by_row.setdefault(problem.row, {})[problem.column] = problem.reason
    assert set(by_row) == {3, 4, 5}
    assert "not a valid email" in by_row[3]["Email"]
    assert "required" in by_row[4]["Name"]
    assert set(by_row[5]) == {"Phone", "Consent", "Consent date"}
    assert outcome.created == 1  # row 2 would be added
    problems_file = tmp_path / "people.problems.csv"
    assert write_problem_file(source, outcome, problems_file) == 3
    again = open_source(problems_file)
    assert again.headers[-2:] == ("Row in the original file", "Problems")
    assert suggest_mapping("contacts", again.headers).columns["Problems"] is None


def test_a_commit_with_one_bad_row_writes_nothing(demo_path, demo_engine, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text(
        "Name,Acronym,Kind\nTexas Tech PSA,TTPSA,Student association\nBad One,BO,Space club\n",
        encoding="utf-8",
    )
    organizations = _count(demo_engine, Organization)
    audited = _count(demo_engine, AuditEntry)
    _source, _mapping, outcome = _import(demo_engine, path, "organizations", commit=True)
    assert not outcome.committed and outcome.rows_with_problems == 1
    assert "'Space club' is not a known kind" in outcome.problems[0].reason
    assert _count(demo_engine, Organization) == organizations
    assert _count(demo_engine, AuditEntry) == audited


def test_a_committed_import_is_one_audit_entry_with_the_files_hash(demo_engine, tmp_path):
    path = office_files.semicolon_windows_1252(tmp_path)
    _source, _mapping, outcome = _import(demo_engine, path, "contacts", commit=True)
    with Session(demo_engine) as s:
        entries = s.exec(select(AuditEntry).where(AuditEntry.action == "import")).all()
        creates = s.exec(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "create", AuditEntry.username == "importer")
        ).one()
    assert len(entries) == 1 and creates == outcome.created == 3
    changes = json.loads(entries[0].changes)
    assert changes["sha256"][1] == _digest(path) and changes["rows"][1] == 3
    assert changes["file"][1] == "community list.csv"


def test_rows_like_existing_records_are_skipped_updated_or_added(demo_engine, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text("Name,Acronym,Kind,City\nAPPNA,APPNA,Professional association,Oak Brook\n")
    _s, _m, skipped = _import(demo_engine, path, "organizations", commit=True)
    assert skipped.skipped == 1 and skipped.matches[0].why == "same acronym"
    assert skipped.matches[0].record.startswith("Association of Physicians")
    source = open_source(path)
    mapping = suggest_mapping("organizations", source.headers)
    mapping.columns["Name"] = None  # keep the registry's name; take the new city
    row = skipped.matches[0].row
    updated = run_import(
        demo_engine, ADMIN, source, mapping, commit=True, decisions={row: "update"}
    )
    assert updated.updated == 1
    with Session(demo_engine) as s:
        appna = s.exec(select(Organization).where(Organization.acronym == "APPNA")).one()
    assert appna.city == "Oak Brook"


def test_cancel_leaves_the_database_as_it_was(demo_path, demo_engine, tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("Given name,Family name\n" + "".join(f"Test,Person{n}\n" for n in range(2000)))
    before = _digest(demo_path)
    asked = {"count": 0}

    def cancelled() -> bool:
        asked["count"] += 1
        return asked["count"] > 1500

    source = open_source(path)
    mapping = suggest_mapping("contacts", source.headers)
    with pytest.raises(ImportCancelled):
        run_import(demo_engine, ADMIN, source, mapping, commit=True, cancelled=cancelled)
    demo_engine.dispose()
    assert _digest(demo_path) == before


def test_a_saved_mapping_is_reused_and_checked(tmp_path):
    source = open_source(office_files.outlook_contacts_csv(tmp_path))
    mapping = suggest_mapping("contacts", source.headers, day_first=True)
    mapping.columns["Notes"] = None
    mapping.save(tmp_path / "outlook.json")
    again = load_mapping(tmp_path / "outlook.json", "contacts")
    assert again.columns == mapping.columns and again.day_first
    with pytest.raises(ValidationError, match="for contacts, not organizations"):
        load_mapping(tmp_path / "outlook.json", "organizations")
    (tmp_path / "bad.json").write_text('{"kind": "contacts", "columns": {"A": "salary"}}')
    with pytest.raises(ValidationError, match="not a field of contacts"):
        load_mapping(tmp_path / "bad.json", "contacts")


def test_an_officer_imports_people_of_their_own_mission_only(demo_engine, tmp_path):
    with Session(demo_engine) as s:
        houston = s.exec(select(Mission.id).where(Mission.code == "HOU")).one()
    officer = Actor(id=None, username="hou.officer", role="officer", mission_id=houston)
    path = tmp_path / "people.csv"
    path.write_text(
        "Name,Email,Company,State\n"
        "Rukhsana Baig,rukhsana@example.com,Pakistani American Business Association of Houston,TX\n"
        "Tariq Jamil,tariq@example.com,Association of Pakistani Lawyers of North America,NY\n"
        "Mehwish Anwar,mehwish@example.com,,TX\n",
        encoding="utf-8",
    )
    source = open_source(path)
    outcome = run_import(
        demo_engine, officer, source, suggest_mapping("contacts", source.headers), commit=False
    )
    # The batch is refused for the New York lawyer; each row then says for itself.
    assert [(p.row, p.column) for p in outcome.problems] == [(3, "")]
    assert "own mission" in outcome.problems[0].reason
    assert outcome.created == 2


def test_cells_holding_line_separators_do_not_move_the_header(tmp_path):
    # Unicode line separators and the information separators are text inside a cell; a
    # quoted cell may hold a real line break. None of them starts a new record.
    path = tmp_path / "odd.csv"
    odd = ["a\tb\tc\x1dd\te\tf", "a\tb\tc\u2028d\te\tf", "a\tb\tc\x85d\te\tf"]
    lines = [f"{odd[n % 3]},Khan,{n}@example.com,x" for n in range(30)]
    path.write_text(
        "Given name,Family name,Email,Notes\n" + "\n".join(lines) + '\n"two\nlines",Raza,,\n',
        encoding="utf-8",
        newline="",
    )
    source = open_source(path)
    assert source.delimiter == ","
    assert (source.header_row, source.headers) == (
        1,
        ("Given name", "Family name", "Email", "Notes"),
    )
    assert [row.number for row in source.rows()] == list(range(2, 33))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.pdf", b"%PDF-1.4", "imports .csv, .txt and .xlsx"),
        ("empty.csv", b"", "no rows"),
        ("binary.csv", b"\x00\x01\x02\x03" * 100, "not a text file"),
        ("fake.xlsx", b"PK\x03\x04 not really a workbook", "not an Excel workbook"),
    ],
)
def test_files_that_cannot_be_read_are_one_sentence(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        open_source(path)


def test_import_from_the_command_line(tmp_path):
    from tests.test_cli import password_file, rabta

    target = tmp_path / "demo.db"
    credentials = ("--db", str(target), "--user", "admin", "--password-file")
    credentials += (password_file(tmp_path),)
    assert rabta("demo", *credentials).returncode == 0
    path = office_files.semicolon_windows_1252(tmp_path)
    mapping = tmp_path / "m.json"
    dry = rabta(
        "import", str(path), "--as", "contacts", "--dry-run", "--save-mapping", str(mapping),
        *credentials,
    )  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    assert "Would add 3" in dry.stdout and "Nothing was written (dry run)." in dry.stdout
    assert "  Email → email" in dry.stdout
    done = rabta("import", str(path), "--as", "contacts", "--mapping", str(mapping), *credentials)
    assert done.returncode == 0 and "Added 3" in done.stdout
    again = rabta("import", str(path), "--as", "contacts", *credentials)
    assert "Added 0" in again.stdout and "3 skipped as already there" in again.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("Given name,Email\nAli,not-an-email\n")
    refused = rabta("import", str(bad), "--as", "contacts", *credentials)
    assert refused.returncode == 1
    assert "Row 2 (Ali), Email:" in refused.stdout and "Nothing was imported" in refused.stdout
    assert (tmp_path / "bad.problems.csv").exists()


def test_the_obvious_headers_are_suggested_and_a_list_of_another_kind_is_told():
    from db.exchange.mapping import likely_kind

    log = suggest_mapping(
        "engagements", ("Date", "Subject", "Contact person", "Remarks", "Follow-up by")
    )
    assert log.columns == {
        "Date": "date",
        "Subject": "subject",
        "Contact person": "contacts",
        "Remarks": "summary",
        "Follow-up by": "follow_up_date",
    }
    homes = suggest_mapping("organizations", ("Name", "Home district", "Home province"))
    assert homes.columns["Home district"] == "hometown_district"
    assert homes.columns["Home province"] == "hometown_province"
    google = ("Name", "Nickname")
    urdu = suggest_mapping("contacts", google, samples=[["Ali Raza"], ["علی رضا"]])
    latin = suggest_mapping("contacts", google, samples=[["Ali Raza"], ["Ali"]])
    assert urdu.columns["Nickname"] == "name_urdu" and latin.columns["Nickname"] is None
    assert likely_kind(("Name", "Acronym", "Type", "City")) == "organizations"
    assert likely_kind(("First Name", "Last Name", "E-mail Address")) == "contacts"


def test_good_rows_can_go_in_alone_and_the_others_are_kept_neutralised(demo_engine, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        "Name,Email\nAli Raza,ali.raza@example.com\n=cmd|' /C calc'!A0,not-an-email\n",
        encoding="utf-8",
    )
    source, _mapping, outcome = _import(
        demo_engine, path, "contacts", commit=True, keep_good_rows=True
    )
    assert outcome.committed and outcome.created == 1 and outcome.rows_with_problems == 1
    assert outcome.problems[0].where == "Row 3 (=cmd|' /C calc'!A0)"
    with Session(demo_engine) as s:
        assert s.exec(select(Contact).where(Contact.email == "ali.raza@example.com")).one()
        entry = s.exec(
            select(AuditEntry).where(AuditEntry.action == "import").order_by(AuditEntry.id.desc())
        ).first()
        assert json.loads(entry.changes)["refused"] == [None, 1]
    kept = tmp_path / "people.problems.csv"
    assert write_problem_file(source, outcome, kept) == 1
    text = kept.read_text(encoding="utf-8-sig")
    assert "'=cmd|" in text and "\n=cmd" not in text  # a spreadsheet would run it
    assert open_source(kept).rows  # and it reads back to fix and import again
