"""The command line on a shared registry on PostgreSQL (a server the test session
starts): a new registry gets the demo, then search, the quarterly report, export and
import, the audit check, the database check and copies into a new file and from another
office's file work as on a file; what only a file has (backups, encryption) is refused in
a sentence that says what to do instead."""

from __future__ import annotations

import csv
from pathlib import Path

from pypdf import PdfReader

from db.foundations import clock
from db.foundations.periods import quarter_containing
from tests.test_cli import password_file, rabta


def test_an_office_works_on_a_shared_registry_from_the_command_line(pg_databases, tmp_path):
    url = pg_databases.blank()
    signed = ("--db", url, "--user", "admin", "--password-file", password_file(tmp_path))
    demo = rabta("demo", *signed)
    assert demo.returncode == 0, demo.stderr
    assert "600 engagements" in demo.stdout and "postgres@" in demo.stdout

    found = rabta("search", "roshan", "dig", *signed)
    assert found.returncode == 0 and "Roshan Digital Account outreach" in found.stdout

    quarter = quarter_containing(clock.today(), fiscal=True).previous()
    report = rabta(
        "report", "quarterly", "--quarter", quarter.code, "--out", str(tmp_path / "q.pdf"), *signed
    )
    assert report.returncode == 0, report.stderr
    assert len(PdfReader(tmp_path / "q.pdf").pages) >= 4
    dossier = rabta(
        "report", "handover", "--mission", "HOU", "--out", str(tmp_path / "h.pdf"), *signed
    )
    assert dossier.returncode == 0 and "Handover dossier" in dossier.stdout, dossier.stderr
    assert "Handover Dossier" in PdfReader(tmp_path / "h.pdf").pages[0].extract_text()

    exported = rabta("export", "organizations", "--out", str(tmp_path / "orgs.csv"), *signed)
    assert exported.returncode == 0 and "51 rows" in exported.stdout

    people = tmp_path / "people.csv"
    with people.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["First Name", "Last Name", "E-mail Address", "Home State"])
        writer.writerow(["Rukhsana", "Baig", "rukhsana.baig@example.com", "TX"])
        writer.writerow(["Tariq", "Jamil", "tariq.jamil@example.com", "NY"])
    imported = rabta("import", str(people), "--as", "contacts", *signed)
    assert imported.returncode == 0 and "Added 2" in imported.stdout, imported.stderr
    assert "Rukhsana Baig" in rabta("search", "rukhsana", *signed).stdout

    assert "The audit chain is intact" in rabta("audit", "verify", *signed).stdout
    checked = rabta("check", *signed)
    assert checked.returncode == 0 and "is whole" in checked.stdout

    # The registry copied back into a new file on the laptop, read back and compared; the
    # file is encrypted for the administrator, readable by them alone, unless asked plain.
    plain = rabta("copy-to", str(tmp_path / "plain.db"), "--plain", *signed)
    assert plain.returncode == 2 and "Not confirmed" in plain.stderr
    assert not (tmp_path / "plain.db").exists()
    copied = rabta("copy-to", str(tmp_path / "back.db"), *signed)
    assert copied.returncode == 0, copied.stderr
    assert "every table was read back and matches" in copied.stdout
    assert "The new file is encrypted" in copied.stdout
    back = tmp_path / "back.db"
    assert back.read_bytes()[:16] != b"SQLite format 3\x00"
    assert oct(back.stat().st_mode & 0o777) == "0o600"
    assert oct(Path(f"{back}.keys").stat().st_mode & 0o777) == "0o600"
    again = rabta("copy-to", str(tmp_path / "back.db"), *signed)
    assert again.returncode == 0, again.stderr
    assert "Brought 0 new and 0 newer rows" in again.stdout  # all there already, by uid

    # Another office's laptop, its registry begun on its own: the same organizations under
    # other uids are listed for a person, and nothing is written until they say so.
    laptop = ("--db", str(tmp_path / "laptop.db"), *signed[2:])
    assert rabta("demo", *laptop).returncode == 0
    listed = rabta("copy-to", url, *laptop)
    assert listed.returncode == 2 and "look like ones already there" in listed.stderr
    assert "organization: Islamic Society of North America (ISNA)  ~" in listed.stdout
    joined = rabta("copy-to", url, "--join-alike", *laptop)
    assert joined.returncode == 0, joined.stderr
    assert "600 added" in joined.stdout and "51 joined" in joined.stdout


def test_what_only_a_file_has_is_refused_on_a_server_in_a_sentence(pg_databases, tmp_path):
    url = pg_databases.blank()
    signed = ("--db", url, "--user", "admin", "--password-file", password_file(tmp_path))
    assert rabta("demo", *signed).returncode == 0
    for command, says in (
        ("backup", "back up a PostgreSQL registry with pg_dump"),
        ("rekey", "protected by the server"),
        ("encrypt", "protected by the server"),
    ):
        refused = rabta(command, *signed)
        assert refused.returncode == 2 and says in refused.stderr, command
        assert "Traceback" not in refused.stderr


def test_an_administrator_gives_an_officer_a_server_role_held_to_rabtas_rules(
    pg_databases, tmp_path
):
    """`rabta user server-role`: the officer then connects as that role (psql would), and
    the server shows them no other officer's confidential engagement; withdrawn, it no
    longer connects."""
    import psycopg

    url = pg_databases.blank()
    signed = ("--db", url, "--user", "admin", "--password-file", password_file(tmp_path))
    assert rabta("demo", *signed).returncode == 0
    secret = tmp_path / "role-password"
    secret.write_text("the role's own password 1\n")
    secret.chmod(0o600)
    from sqlalchemy.engine import make_url

    database, host = make_url(url).database, make_url(url).query["host"]
    role = f"{database}.a.zaidi"
    made = rabta(
        "user",
        "server-role",
        "a.zaidi",
        "--role",
        role,
        "--role-password-file",
        str(secret),
        *signed,
    )
    assert made.returncode == 0 and f"now connects as the role {role}" in made.stdout, made.stderr
    with psycopg.connect(host=host, dbname=database, user=role) as as_officer:
        shown, hidden = as_officer.execute(
            "SELECT count(*) FILTER (WHERE sensitivity = 'confidential'), "
            "count(*) FILTER (WHERE sensitivity <> 'confidential') FROM engagement "
            "WHERE officer_id <> (SELECT id FROM \"user\" WHERE username = 'a.zaidi')"
        ).fetchone()
    assert shown == 0 and hidden > 0
    withdrawn = rabta("user", "withdraw-server-role", "a.zaidi", *signed)
    assert withdrawn.returncode == 0, withdrawn.stderr
    refused = rabta("user", "server-role", "nobody.here", "--role", "x1", *signed)
    assert refused.returncode != 0 and "No user is called nobody.here" in refused.stderr
    with psycopg.connect(host=host, dbname="postgres", user="postgres", autocommit=True) as owner:
        owner.execute(f'DROP ROLE IF EXISTS "{role}"')
