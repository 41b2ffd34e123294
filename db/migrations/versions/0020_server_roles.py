"""The server enforces who may see what: each person may connect to PostgreSQL as their
own role (a member of rabta_user; administrators also of rabta_admin), and row-level
security applies Rabta's visibility rule and mission writes to those roles, so psql with
an officer's credentials reads and changes no more than Rabta would let them.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The functions run as their owner (SECURITY DEFINER) so that a policy may read the user
# table whatever the connected role may read; each finds the Rabta user whose
# server_role is the connected role (session_user), active. The owner of the tables (the
# role that runs upgrades) is not subject to these policies: Rabta connected as the
# office's role keeps working as before.
FUNCTIONS = """
CREATE OR REPLACE FUNCTION rabta_acting_user(OUT id integer, OUT role text,
    OUT mission_id integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT u.id, u.role::text, u.mission_id FROM "user" u
    WHERE u.server_role = session_user AND u.active
$$;

CREATE OR REPLACE FUNCTION rabta_sees_engagement(officer integer, mission integer,
    sensitivity text)
RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
    SELECT sensitivity IS DISTINCT FROM 'confidential' OR EXISTS (
        SELECT 1 FROM rabta_acting_user() a
        WHERE a.id IS NOT NULL AND (a.role = 'admin' OR a.id = officer
            OR (a.role = 'supervisor' AND (a.mission_id IS NULL OR a.mission_id = mission))))
$$;

CREATE OR REPLACE FUNCTION rabta_sees_engagement_id(engagement integer)
RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
    SELECT coalesce((SELECT rabta_sees_engagement(e.officer_id, e.mission_id, e.sensitivity)
                     FROM engagement e WHERE e.id = engagement), true)
$$;

CREATE OR REPLACE FUNCTION rabta_writes_for(mission integer)
RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
    SELECT EXISTS (
        SELECT 1 FROM rabta_acting_user() a
        WHERE a.id IS NOT NULL AND (a.role = 'admin' OR (a.role <> 'viewer'
            AND (mission IS NULL OR a.mission_id IS NULL OR a.mission_id = mission))))
$$;

CREATE OR REPLACE FUNCTION rabta_writes_for_engagement(engagement integer)
RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
    SELECT coalesce((SELECT rabta_writes_for(e.mission_id)
                       AND rabta_sees_engagement(e.officer_id, e.mission_id, e.sensitivity)
                     FROM engagement e WHERE e.id = engagement), false)
$$;

CREATE OR REPLACE FUNCTION rabta_writes_for_organization(organization integer)
RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
    SELECT coalesce((SELECT rabta_writes_for(o.mission_id)
                     FROM organization o WHERE o.id = organization), false)
$$;

-- db/rules/contact_mission.py's rule for the server (keep the two alike): the mission of
-- the contact's primary (else first) organization, else the one covering where they live.
CREATE OR REPLACE FUNCTION rabta_contact_mission(contact integer)
RETURNS integer LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
    SELECT coalesce(
        (SELECT o.mission_id FROM affiliation a JOIN organization o ON o.id = a.organization_id
         WHERE a.contact_id = contact AND o.mission_id IS NOT NULL
         ORDER BY a.is_primary DESC, a.id LIMIT 1),
        (SELECT j.mission_id FROM jurisdiction j JOIN contact c ON c.region_code = j.region_code
         WHERE c.id = contact))
$$;

CREATE OR REPLACE FUNCTION rabta_administers()
RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
    SELECT EXISTS (SELECT 1 FROM rabta_acting_user() a WHERE a.role = 'admin')
$$;

CREATE OR REPLACE FUNCTION rabta_acting_id()
RETURNS integer LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
    SELECT (SELECT id FROM rabta_acting_user())
$$;

CREATE OR REPLACE FUNCTION rabta_chain_head(OUT id integer, OUT entry_hash text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT a.id, a.entry_hash FROM audit_entry a ORDER BY a.id DESC LIMIT 1
$$;

-- db/store/last_engagement.py's rule for the server, where a person's role sees neither
-- others' confidential engagements nor may update another mission's organizations, yet
-- logging an engagement must keep the dates of every organization it names right.
CREATE OR REPLACE FUNCTION rabta_refresh_last_engagement(ids integer[])
RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
BEGIN
    -- Wait for anyone logging an engagement with these organizations; the update below,
    -- a new statement, then reads their committed engagements too.
    PERFORM 1 FROM organization o WHERE ids IS NULL OR o.id = ANY(ids)
        ORDER BY o.id FOR NO KEY UPDATE;
    UPDATE organization o SET
        last_engagement_on = (
            SELECT max(e.date) FROM engagement e
            JOIN engagement_organization eo ON eo.engagement_id = e.id
            WHERE eo.organization_id = o.id AND e.archived_at IS NULL),
        last_normal_engagement_on = (
            SELECT max(e.date) FROM engagement e
            JOIN engagement_organization eo ON eo.engagement_id = e.id
            WHERE eo.organization_id = o.id AND e.archived_at IS NULL
              AND e.sensitivity <> 'confidential')
    WHERE ids IS NULL OR o.id = ANY(ids);
END $$;

CREATE OR REPLACE FUNCTION rabta_chain_links()
RETURNS TABLE (id integer, previous_hash text, entry_hash text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT a.id, a.previous_hash, a.entry_hash FROM audit_entry a ORDER BY a.id
$$;
"""

POLICIES = """
ALTER TABLE engagement ENABLE ROW LEVEL SECURITY;
CREATE POLICY rabta_reads ON engagement FOR SELECT TO rabta_user
    USING (rabta_sees_engagement(officer_id, mission_id, sensitivity));
CREATE POLICY rabta_adds ON engagement FOR INSERT TO rabta_user
    WITH CHECK (rabta_writes_for(mission_id));
CREATE POLICY rabta_changes ON engagement FOR UPDATE TO rabta_user
    USING (rabta_writes_for(mission_id)
           AND rabta_sees_engagement(officer_id, mission_id, sensitivity))
    WITH CHECK (rabta_writes_for(mission_id));
CREATE POLICY rabta_removes ON engagement FOR DELETE TO rabta_user
    USING (rabta_writes_for(mission_id)
           AND rabta_sees_engagement(officer_id, mission_id, sensitivity));

-- A new contact takes its mission from the affiliations added after it: any writer adds
-- one; changing or removing one is for the mission it belongs to.
ALTER TABLE contact ENABLE ROW LEVEL SECURITY;
CREATE POLICY rabta_reads ON contact FOR SELECT TO rabta_user USING (true);
CREATE POLICY rabta_adds ON contact FOR INSERT TO rabta_user WITH CHECK (rabta_writes_for(NULL));
CREATE POLICY rabta_changes ON contact FOR UPDATE TO rabta_user
    USING (rabta_writes_for(rabta_contact_mission(id)))
    WITH CHECK (rabta_writes_for(NULL));
CREATE POLICY rabta_removes ON contact FOR DELETE TO rabta_user
    USING (rabta_writes_for(rabta_contact_mission(id)));

ALTER TABLE audit_entry ENABLE ROW LEVEL SECURITY;
CREATE POLICY rabta_reads ON audit_entry FOR SELECT TO rabta_user
    USING (entity_type <> 'engagement' OR rabta_sees_engagement_id(entity_id));
CREATE POLICY rabta_adds ON audit_entry FOR INSERT TO rabta_user
    WITH CHECK (user_id IS NULL OR user_id = rabta_acting_id());

ALTER TABLE "user" ENABLE ROW LEVEL SECURITY;
CREATE POLICY rabta_reads ON "user" FOR SELECT TO rabta_user USING (true);
CREATE POLICY rabta_adds ON "user" FOR INSERT TO rabta_user WITH CHECK (rabta_administers());
CREATE POLICY rabta_changes ON "user" FOR UPDATE TO rabta_user
    USING (rabta_administers() OR id = rabta_acting_id())
    WITH CHECK (rabta_administers() OR id = rabta_acting_id());
"""

# A record's links change with the record: an engagement's organizations and people
# with the engagement, an organization's tags and mechanisms with the organization.
LINKS = {
    "engagement_organization": "rabta_writes_for_engagement(engagement_id)",
    "engagement_contact": "rabta_writes_for_engagement(engagement_id)",
    "organization_tag": "rabta_writes_for_organization(organization_id)",
    "organization_mechanism": "rabta_writes_for_organization(organization_id)",
}
# What only administrators change in Rabta (settings, missions and their regions).
ADMINISTERED = ("setting", "mission", "region", "jurisdiction")


# Records a person changes for their own mission only, by the column naming it.
MISSION_OWNED = {"organization": "mission_id", "program": "lead_mission_id"}


def _policies(table: str, rule: str, adds: str | None = None) -> list[str]:
    """Reading for every role; adding (by `adds`, else `rule`), changing and removing
    where `rule` holds."""
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;",
        f"CREATE POLICY rabta_reads ON {table} FOR SELECT TO rabta_user USING (true);",
        f"CREATE POLICY rabta_adds ON {table} FOR INSERT TO rabta_user "
        f"WITH CHECK ({adds or rule});",
        f"CREATE POLICY rabta_changes ON {table} FOR UPDATE TO rabta_user "
        f"USING ({rule}) WITH CHECK ({rule});",
        f"CREATE POLICY rabta_removes ON {table} FOR DELETE TO rabta_user USING ({rule});",
    ]


def _read_everywhere_policies() -> str:
    """The tables every role reads whole, and whose rows it changes by a rule."""
    statements = []
    for table, column in MISSION_OWNED.items():
        statements += _policies(table, f"rabta_writes_for({column})")
    for table, rule in LINKS.items():
        statements += _policies(table, rule)
    for table in ADMINISTERED:
        # Anyone's first audit entry makes the database's pepper (db/store/pepper.py).
        pepper = " OR key = 'security.pepper'" if table == "setting" else ""
        statements += _policies(table, "rabta_administers()", f"rabta_administers(){pepper}")
    return "\n".join(statements)


# Columns a person may change on their own row (their password, its signing key, the
# count of their failed sign-ins); the rest (role, mission, active, their server role)
# only an administrator's role may.
OWN_COLUMNS = (
    "password_hash, must_change_password, failed_sign_ins, locked_until, signing_key, "
    "signing_secret"
)


def _grants() -> str:
    return f"""
GRANT USAGE ON SCHEMA public TO rabta_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO rabta_user;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO rabta_user;
REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM rabta_user;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_entry FROM rabta_user;
REVOKE INSERT, UPDATE, DELETE ON "user" FROM rabta_user;
GRANT UPDATE ({OWN_COLUMNS}) ON "user" TO rabta_user;
GRANT INSERT, UPDATE ON "user" TO rabta_admin;
"""


def upgrade() -> None:
    op.add_column(
        "user", sa.Column("server_role", sqlmodel.sql.sqltypes.AutoString(63), nullable=True)
    )
    op.create_index("ix_user_server_role", "user", ["server_role"], unique=True)
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rabta_user') THEN
                CREATE ROLE rabta_user NOLOGIN;
            END IF;
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rabta_admin') THEN
                CREATE ROLE rabta_admin NOLOGIN IN ROLE rabta_user;
            END IF;
        END $$;
        """
    )
    op.execute(FUNCTIONS)
    op.execute(_grants())
    op.execute(POLICIES)
    op.execute(_read_everywhere_policies())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        tables = (
            "engagement",
            "contact",
            "audit_entry",
            '"user"',
            *MISSION_OWNED,
            *LINKS,
            *ADMINISTERED,
        )
        for table in tables:
            for policy in ("rabta_reads", "rabta_adds", "rabta_changes", "rabta_removes"):
                op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        for function in (
            "rabta_chain_links()",
            "rabta_refresh_last_engagement(integer[])",
            "rabta_chain_head()",
            "rabta_acting_id()",
            "rabta_administers()",
            "rabta_contact_mission(integer)",
            "rabta_writes_for_organization(integer)",
            "rabta_writes_for_engagement(integer)",
            "rabta_writes_for(integer)",
            "rabta_sees_engagement_id(integer)",
            "rabta_sees_engagement(integer, integer, text)",
            "rabta_acting_user()",
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_index("ix_user_server_role", table_name="user")
    op.drop_column("user", "server_role")
