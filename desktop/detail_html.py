"""The detail pane's HTML, from the plain data of db/queries/details.py."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from db.queries.details import ContactDetail, EngagementDetail, ProgramDetail
from db.queries.organization_brief import OrganizationBriefData

STYLE = """<style>
h2 { color: #1f5f7a; margin: 0 0 4px 0; } h3 { color: #1f5f7a; margin: 12px 0 4px 0; }
td { padding: 2px 8px 2px 0; vertical-align: top; } th { text-align: left; padding-right: 8px; }
.muted { color: #5b6b77; } .alert { color: #9b2226; font-weight: bold; }
.urdu { font-size: 15px; }
</style>"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value))


def _profile(rows: Iterable[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td class='muted'>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


def _table(header: Sequence[str], rows: Sequence[Sequence[object]], empty: str) -> str:
    if not rows:
        return f"<p class='muted'><i>{_e(empty)}</i></p>"
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _archived(archived: bool) -> str:
    return "<p class='alert'>Archived — restore it to use it again.</p>" if archived else ""


def organization_html(data: OrganizationBriefData) -> str:
    """Profile, contacts with roles, engagement timeline, programs, open follow-ups."""
    title = f"{data.name} ({data.acronym})" if data.acronym else data.name
    contacts = [
        [
            _e(c.name) + (" <span class='alert'>DO NOT CONTACT</span>" if c.do_not_contact else ""),
            f"<span class='urdu'>{_e(c.name_urdu)}</span>",
            _e(c.role_title) + (" (primary)" if c.is_primary else ""),
            _e(" · ".join(p for p in (c.email, c.phone) if p)),
        ]
        for c in data.contacts
    ]
    engagements = [
        [
            _e(f"{e.date:%d %b %Y}"),
            _e(e.kind),
            _e(e.subject)
            + (" <span class='alert'>[confidential]</span>" if e.confidential else ""),
        ]
        for e in data.engagements
    ]
    programs = [[_e(p.name), _e(p.role), _e(p.status)] for p in data.programs]
    follow_ups = [
        [
            (
                _e(f"{f.due:%d %b %Y}")
                + (" <span class='alert'>overdue</span>" if f.overdue else "")
            ),
            _e(f.subject),
            _e(f.officer),
        ]
        for f in data.follow_ups
    ]
    archived = any(k == "Archived" for k, _v in data.profile)
    return (
        STYLE
        + f"<h2>{_e(title)}</h2>"
        + _archived(archived)
        + _profile(data.profile)
        + (f"<p>{_e(data.description)}</p>" if data.description else "")
        + "<h3>Contacts</h3>"
        + _table(["Name", "Urdu", "Role", "Reach"], contacts, "No contacts yet.")
        + "<h3>Open follow-ups</h3>"
        + _table(["Due", "From", "Officer"], follow_ups, "No follow-up is open.")
        + "<h3>Engagements</h3>"
        + _table(["Date", "Kind", "Subject"], engagements, "No engagement logged yet.")
        + "<h3>Programs</h3>"
        + _table(["Program", "Role", "Status"], programs, "Takes part in no program.")
    )


def contact_html(data: ContactDetail) -> str:
    """Profile, consent and do-not-contact shown plainly, affiliations, engagements."""
    dnc = (
        "<p class='alert'>DO NOT CONTACT — this person asked not to be approached.</p>"
        if data.do_not_contact
        else ""
    )
    affiliations = [
        [
            _e(org),
            _e(role) + (" (primary)" if primary else ""),
            _e(f"{start:%b %Y}" if start else ""),
            _e(f"ended {end:%b %Y}" if end else "current"),
        ]
        for org, role, primary, start, end in data.affiliations
    ]
    engagements = [
        [
            _e(f"{e.date:%d %b %Y}"),
            _e(e.kind),
            _e(e.subject)
            + (" <span class='alert'>[confidential]</span>" if e.confidential else ""),
        ]
        for e in data.engagements
    ]
    urdu = f"<p class='urdu'>{_e(data.name_urdu)}</p>" if data.name_urdu else ""
    return (
        STYLE
        + f"<h2>{_e(data.name)}</h2>"
        + urdu
        + _archived(data.archived)
        + dnc
        + f"<p><b>Consent:</b> {_e(data.consent)}</p>"
        + _profile(data.profile)
        + "<h3>Affiliations</h3>"
        + _table(["Organization", "Role", "Since", ""], affiliations, "No affiliation recorded.")
        + "<h3>Engagements</h3>"
        + _table(["Date", "Kind", "Subject"], engagements, "Not yet part of any engagement.")
    )


def program_html(data: ProgramDetail) -> str:
    """Participants, events with attendance, indicators target against actual by quarter."""
    participants = [[_e(name), _e(role)] for name, role in data.participants]
    events = [
        [
            _e(f"{d:%d %b %Y}"),
            _e(title),
            _e(city),
            _e(f"{attendance:,}" if attendance is not None else "—"),
        ]
        for d, title, city, attendance in data.events
    ]
    indicators = ""
    for indicator in data.indicators:
        target = indicator.target
        rows = []
        for period, value in indicator.by_quarter:
            share = f"{100 * value / target:.0f}%" if target and value is not None else "—"
            marker = " class='alert'" if target and value is not None and value < target else ""
            rows.append(
                [
                    _e(period),
                    _e(f"{target:,.0f}" if target else "—"),
                    f"<span{marker}>{_e(f'{value:,.0f}')}</span>",
                    _e(share),
                ]
            )
        indicators += (
            f"<p><b>{_e(indicator.name)}</b> <span class='muted'>"
            f"({_e(indicator.unit)})</span></p>"
            + _table(
                ["Quarter", "Target", "Actual", "Achieved"], rows, "No measurement recorded yet."
            )
        )
    return (
        STYLE
        + f"<h2>{_e(data.name)}</h2>"
        + _archived(data.archived)
        + _profile(data.profile)
        + (f"<p>{_e(data.description)}</p>" if data.description else "")
        + "<h3>Indicators: target against actual</h3>"
        + (indicators or "<p class='muted'><i>No indicator yet.</i></p>")
        + "<h3>Participants</h3>"
        + _table(["Organization", "Role"], participants, "No participant yet.")
        + "<h3>Events</h3>"
        + _table(["Date", "Event", "City", "Attendance"], events, "No event yet.")
    )


def engagement_html(data: EngagementDetail) -> str:
    """Everything recorded about an engagement."""
    return (
        STYLE
        + f"<h2>{_e(data.subject)}</h2>"
        + _archived(data.archived)
        + _profile([*data.profile, ("Follow-up", data.follow_up)])
        + "<h3>Organizations</h3><p>"
        + (_e(", ".join(data.organizations)) or "—")
        + "</p>"
        + "<h3>Contacts</h3><p>"
        + (_e(", ".join(data.contacts)) or "—")
        + "</p>"
        + ("<h3>Summary</h3><p>" + _e(data.summary) + "</p>" if data.summary else "")
        + ("<h3>Outcome</h3><p>" + _e(data.outcome) + "</p>" if data.outcome else "")
    )
