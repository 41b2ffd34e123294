"""The quarterly outreach report for a head of mission, from QuarterlyReportData."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from db.figures.measures import IndicatorResult, KeyFigures, ProgramEventRow
from db.figures.quarterly import FollowUpRow, QuarterlyReportData
from db.foundations.labels import counted
from reports.charts import horizontal_bars, vertical_bars
from reports.document import (
    ACCENT,
    CELL_PADDING,
    CONTENT_WIDTH,
    RULE,
    Styles,
    build_pdf,
    data_table,
    empty_note,
    make_styles,
    table_style,
    text,
)
from reports.region_map import region_map_drawing
from reports.region_shapes import shapes_for
from reports.script_text import mixed_paragraph, needs_script_layout

FIGURE_LABELS = (
    ("engagements", "Engagements logged"),
    ("organizations_engaged", "Organizations engaged"),
    ("new_organizations", "New organizations registered"),
    ("new_contacts", "New contacts registered"),
    ("program_events", "Program events held"),
    ("attendance", "Attendance at program events"),
)


def _number(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{decimals}f}"


# The summary's headline figures stay a short table; the rest are in Rabta.
HEADLINE_ROWS = 12
# Lists of many rows (the log, follow-ups) keep each cell to a few lines.
LIST_CELL_LINES = 4
CHANGE_CAP = 500  # beyond this a percentage tells less than the two numbers


def _change(now: int, before: int) -> str:
    """How a figure moved: "+12%", "no change", "new", or "from 3 to 4,963"."""
    if now == before:
        return "no change"
    if before == 0:
        return "new"
    delta = 100.0 * (now - before) / before
    if abs(delta) > CHANGE_CAP:
        return f"from {before:,} to {now:,}"
    if round(delta) == 0:
        return f"{delta:+.1f}%"
    return f"{delta:+.0f}%"


def _share(count: int, total: int) -> str:
    return f"{100.0 * count / total:.0f}%" if total else "—"


def _summary_sentences(data: QuarterlyReportData) -> list[str]:
    now, before = data.current, data.previous
    previous_name = data.previous_quarter.short_title
    sentences = []
    today = data.generated_at.astimezone().date()
    if data.compared_days is not None:
        days = (data.quarter.end - data.quarter.start).days + 1
        sentences.append(
            f"The quarter is still running: its figures are to date, {data.compared_days} of "
            f"{days} days, against the same days (1–{data.compared_days}) of {previous_name} "
            "and of the same quarter a year before."
        )
    elif data.quarter.start <= today <= data.quarter.end:
        days = (data.quarter.end - data.quarter.start).days + 1
        sentences.append(f"The figures cover the quarter to its last day, {days} of {days}.")
    if now.engagements == 0:
        return [*sentences, f"No engagements were logged for {data.scope_label} in this quarter."]
    change = _change(now.engagements, before.engagements)
    sentences.append(
        f"Officers logged {counted(now.engagements, 'engagement')} with "
        f"{counted(now.organizations_engaged, 'diaspora organization')}, against "
        f"{counted(before.engagements, 'engagement')} with "
        f"{counted(before.organizations_engaged, 'organization')} in {previous_name} "
        f"({change if change in ('no change', 'new') else change + ' engagements'})."
    )
    classified = [row for row in data.engagements_by_mechanism if row.key]
    if classified:
        top = classified[:2]
        parts = [
            f"{row.label.lower()} ({row.count}, {_share(row.count, now.engagements)})"
            for row in top
        ]
        sentences.append(f"Most effort went to {' and '.join(parts)}.")
    if data.engagements_by_mission:
        lead = data.engagements_by_mission[0]
        sentences.append(
            f"{lead.label} was the most active mission with {counted(lead.count, 'engagement')}."
        )
    measured = [i for i in data.indicators if i.percent_achieved is not None]
    if measured:
        met = sum(1 for i in measured if i.percent_achieved >= 100)
        sentences.append(
            f"{met:,} of {counted(len(measured), 'program indicator')} "
            f"met {'its' if len(measured) == 1 else 'their'} quarterly target."
        )
    if now.program_events:
        events, with_attendance = now.program_events, now.events_with_attendance
        held = counted(events, "program event")
        if with_attendance == 0:
            were = "was" if events == 1 else "were"
            sentences.append(f"{held} {were} held; attendance was not recorded.")
        elif with_attendance < events:
            sentences.append(
                f"{held} drew at least {counted(now.attendance, 'person', 'people')} "
                f"(attendance recorded at {with_attendance:,} of them)."
            )
        else:
            sentences.append(f"{held} drew {counted(now.attendance, 'person', 'people')}.")
    if data.follow_ups_overdue_total:
        overdue = data.follow_ups_overdue_total
        sentences.append(
            f"{counted(overdue, 'follow-up')} due by the end of the quarter "
            f"{'is' if overdue == 1 else 'are'} still open; see Overdue follow-ups."
        )
    if data.dormant_priority:
        dormant = data.dormant_priority_total
        sentences.append(
            f"{counted(dormant, 'high-priority organization')} "
            f"{'has' if dormant == 1 else 'have'} had no engagement for six months or more; "
            "see the list below."
        )
    return sentences


def _cover(data: QuarterlyReportData, styles: Styles) -> list:
    generated = data.generated_at.astimezone().strftime("%d %B %Y, %H:%M %Z (UTC%z)")
    confidentiality = (
        "This report includes confidential engagements, at a supervisor's request."
        if data.includes_confidential
        else "Confidential engagements are not included in this report."
    )
    return [
        Spacer(1, 30 * mm),
        mixed_paragraph(data.marking, styles.marking),
        Spacer(1, 12 * mm),
        mixed_paragraph(data.installation_name, styles.subtitle),
        Paragraph("Quarterly Outreach Report", styles.title),
        mixed_paragraph(data.scope_label, styles.subtitle),
        Paragraph(text(data.quarter.title), styles.subtitle),
        *(
            [Spacer(1, 8 * mm), Paragraph("Includes confidential engagements", styles.marking)]
            if data.includes_confidential
            else []
        ),
        Spacer(1, 70 * mm),
        mixed_paragraph(f"Generated {generated} by {data.generated_by or 'Rabta'}.", styles.small),
        Paragraph(text(confidentiality), styles.small),
        Paragraph(
            "Figures are computed from the engagement registry at the time of generation; "
            "engagements logged later will change them.",
            styles.small,
        ),
        PageBreak(),
    ]


def _key_figures_table(
    now: KeyFigures, before: KeyFigures, data: QuarterlyReportData, styles: Styles
):
    rows = []
    for field, label in FIGURE_LABELS:
        a, b = getattr(now, field), getattr(before, field)
        unrecorded = not (now.events_with_attendance or before.events_with_attendance)
        year_ago = data.last_year
        c = getattr(year_ago, field) if year_ago is not None else None
        if field == "attendance" and unrecorded:
            rows.append([label, "not recorded", "not recorded", "", "", ""])
            continue
        rows.append(
            [
                label,
                f"{a:,}",
                f"{b:,}",
                _change(a, b),
                "—" if c is None else f"{c:,}",
                "" if c is None else _change(a, c),
            ]
        )
    this_name = data.quarter.short_title
    previous_name = data.previous_quarter.short_title
    year_ago_name = (
        data.last_year_quarter.short_title if data.last_year_quarter else "A year before"
    )
    if data.compared_days is not None:  # the same days of each: say which
        span = f" days 1–{data.compared_days}"
        this_name, previous_name, year_ago_name = (
            this_name + span,
            previous_name + span,
            year_ago_name + span,
        )
    return data_table(
        ["Measure", this_name, previous_name, "Change", year_ago_name, "Change"],
        rows,
        [CONTENT_WIDTH * w for w in (0.30, 0.14, 0.14, 0.14, 0.14, 0.14)],
        styles,
        right_align=(1, 2, 3, 4, 5),
    )


def _activity(data: QuarterlyReportData, styles: Styles) -> list:
    story = [CondPageBreak(60 * mm), Paragraph("Engagement activity", styles.heading)]
    if data.current.engagements == 0:
        story.append(
            empty_note(
                "No engagements were logged in this quarter, so there is nothing to chart.", styles
            )
        )
        return story
    story.append(vertical_bars(data.engagements_by_month, "Engagements by month", CONTENT_WIDTH))
    story.append(Spacer(1, 4 * mm))
    story.append(
        KeepTogether(
            horizontal_bars(
                data.engagements_by_mechanism, "Engagements by mechanism", CONTENT_WIDTH
            )
        )
    )
    story.append(Spacer(1, 4 * mm))
    story.append(
        KeepTogether(
            horizontal_bars(
                data.organizations_engaged_by_kind, "Organizations engaged, by kind", CONTENT_WIDTH
            )
        )
    )
    if data.engagements_by_mission:
        story.append(Spacer(1, 4 * mm))
        story.append(
            KeepTogether(
                horizontal_bars(
                    data.engagements_by_mission,
                    "Engagements by mission",
                    CONTENT_WIDTH,
                    label_width=210,
                )
            )
        )
    story.append(Spacer(1, 4 * mm))
    kinds = ", ".join(f"{row.label.lower()} {row.count}" for row in data.engagements_by_kind)
    story.append(Paragraph(f"By kind of contact: {text(kinds)}.", styles.body))
    return story


def _where(data: QuarterlyReportData, styles: Styles) -> list:
    """The quarter's engagements by region of the host country: a map where Rabta has the
    country's geometry, a table where it has not."""
    if not any(row.organizations or row.engagements for row in data.by_region):
        return []
    story = [
        CondPageBreak(95 * mm),
        Paragraph("Where the engagements were", styles.heading),
        Paragraph(
            "Each region shaded by the quarter's engagements with its organizations; each "
            "mission's code sits among the regions it covers.",
            styles.small,
        ),
    ]
    shapes = shapes_for(data.host_country)
    if shapes is not None:
        story.append(KeepTogether(region_map_drawing(shapes, data.by_region, CONTENT_WIDTH)))
        story.append(Paragraph(f"Map: {text(shapes.source)}.", styles.small))
        return story
    rows = [
        [row.name, row.mission_code, f"{row.organizations:,}", f"{row.engagements:,}"]
        for row in sorted(data.by_region, key=lambda r: (-r.engagements, -r.organizations))
        if row.organizations or row.engagements
    ]
    story.append(
        data_table(
            ["Region", "Mission", "Organizations", "Engagements"],
            rows,
            [CONTENT_WIDTH * w for w in (0.4, 0.2, 0.2, 0.2)],
            styles,
            right_align=(2, 3),
        )
    )
    return story


def _most_engaged(data: QuarterlyReportData, styles: Styles) -> list:
    story = [CondPageBreak(50 * mm), Paragraph("Most engaged organizations", styles.heading)]
    if not data.most_engaged:
        return [*story, empty_note("No organization was engaged in this quarter.", styles)]
    rows = [
        [
            f"{o.name} ({o.acronym})" if o.acronym else o.name,
            o.kind,
            o.mission_code,
            o.engagements,
            o.last_engagement.strftime("%d %b %Y"),
        ]
        for o in data.most_engaged
    ]
    story.append(
        data_table(
            ["Organization", "Kind", "Mission", "Engagements", "Last"],
            rows,
            [CONTENT_WIDTH * w for w in (0.43, 0.2, 0.1, 0.14, 0.13)],
            styles,
            right_align=(3,),
        )
    )
    if data.most_engaged_ties:
        last = data.most_engaged[-1].engagements
        story.append(
            Paragraph(
                f"{counted(data.most_engaged_ties, 'more organization')} also had "
                f"{counted(last, 'engagement')}; "
                f"{'it is' if data.most_engaged_ties == 1 else 'they are'} not listed.",
                styles.small,
            )
        )
    return story


def _indicator_row(indicator: IndicatorResult) -> list:
    percent = indicator.percent_achieved
    if indicator.actual is None:
        achieved = ""
    elif not indicator.target:
        achieved = "no target"
    else:
        # The asterisk marks a shortfall on a black-and-white printout too.
        achieved = f"{percent:.0f}%" + ("*" if percent < 75 else "")
    return [
        indicator.program,
        indicator.indicator,
        indicator.unit,
        "none" if indicator.target is None else _number(indicator.target),
        "not measured" if indicator.actual is None else _number(indicator.actual),
        achieved,
        "not measured" if indicator.previous is None else _number(indicator.previous),
    ]


def _programs(data: QuarterlyReportData, styles: Styles) -> list:
    story = [CondPageBreak(60 * mm), Paragraph("Programs and indicators", styles.heading)]
    if not data.indicators:
        story.append(empty_note("No program in this scope has indicators yet.", styles))
    else:
        rows = [_indicator_row(i) for i in data.indicators]
        below = [
            n
            for n, i in enumerate(data.indicators)
            if i.percent_achieved is not None and i.percent_achieved < 75
        ]
        story.append(
            data_table(
                ["Program", "Indicator", "Unit", "Target", "Actual", "Achieved", "Previous"],
                rows,
                [CONTENT_WIDTH * w for w in (0.22, 0.23, 0.14, 0.09, 0.09, 0.11, 0.12)],
                styles,
                right_align=(3, 4, 5, 6),
                highlight_rows=below,
            )
        )
        story.append(
            Paragraph(
                "Target is per quarter. * Below 75% of target (also shown in red).",
                styles.small,
            )
        )
    story += [CondPageBreak(30 * mm), Paragraph("Program events this quarter", styles.subheading)]
    if not data.program_events:
        story.append(empty_note("No program events were held in this quarter.", styles))
    else:
        story += _events_table(data.program_events, styles)
        story += _more_note(len(data.program_events), data.current.program_events, "events", styles)
    upcoming = data.next_quarter.title
    story += [
        CondPageBreak(30 * mm),
        Paragraph(f"Program events planned for {text(upcoming)}", styles.subheading),
    ]
    if not data.upcoming_program_events:
        story.append(empty_note("No program event is scheduled for next quarter yet.", styles))
    else:
        story += _events_table(data.upcoming_program_events, styles)
    return story


def _events_table(events: list[ProgramEventRow], styles: Styles) -> list:
    """The events with their attendance (counted from the guest list, or typed: marked
    *) and, for events with a guest list, who was invited, who said yes, who walked in
    and the share of those invited who came."""

    def listed(event: ProgramEventRow, value: str) -> str:
        return value if event.invited or event.walk_ins else "—"

    def attendance(event: ProgramEventRow) -> str:
        if event.attendance is None:
            return "not recorded"
        return _number(event.attendance) + ("" if event.counted else " *")

    rows = [
        [
            e.date.strftime("%d %b %Y"),
            e.program,
            e.title + (f", {e.city}" if e.city else ""),
            attendance(e),
            listed(e, _number(e.invited)),
            listed(e, _number(e.accepted)),
            listed(e, _number(e.walk_ins)),
            "—" if e.share_came is None else f"{e.share_came:.0%}",
        ]
        for e in events
    ]
    table = data_table(
        ["Date", "Program", "Event", "Attendance", "Invited", "Said yes", "Walk-ins", "Came"],
        rows,
        [CONTENT_WIDTH * w for w in (0.12, 0.16, 0.22, 0.12, 0.09, 0.1, 0.1, 0.09)],
        styles,
        right_align=(3, 4, 5, 6, 7),
    )
    story: list = [table]
    if any(e.attendance is not None and not e.counted for e in events):
        story.append(
            Paragraph(
                "* typed for the event, not counted from a guest list. Came: the share of "
                "those invited who were checked in.",
                styles.small,
            )
        )
    return story


def _headlines(data: QuarterlyReportData, styles: Styles) -> list:
    if not data.headline_figures:
        return []
    since = data.year_start.strftime("%d %B %Y")
    rows = []
    for h in data.headline_figures[:HEADLINE_ROWS]:
        percent = h.percent_of_target
        rows.append(
            [
                h.program,
                f"{h.indicator} ({h.unit})" if h.unit else h.indicator,
                "not measured" if h.year_to_date is None else _number(h.year_to_date),
                "none" if h.annual_target is None else _number(h.annual_target),
                "" if percent is None else f"{percent:.0f}%",
                f"national figure, reported by {h.reported_by}" if h.national else "this mission",
            ]
        )
    return [
        CondPageBreak(40 * mm),
        Paragraph("Program headline figures", styles.subheading),
        Paragraph(f"Year to date, since {since}, against the annual target.", styles.small),
        data_table(
            ["Program", "Indicator", "Year to date", "Annual target", "Of target", "Source"],
            rows,
            [CONTENT_WIDTH * w for w in (0.2, 0.22, 0.12, 0.12, 0.09, 0.25)],
            styles,
            right_align=(2, 3, 4),
        ),
        *_more_note(
            min(len(data.headline_figures), HEADLINE_ROWS),
            len(data.headline_figures),
            "national program figures",
            styles,
        ),
    ]


def _missions(data: QuarterlyReportData, styles: Styles) -> list:
    if not data.mission_comparison:
        return []
    rows = [
        [
            f"{m.name} ({m.code})",
            f"{m.engagements:,}",
            f"{m.organizations_engaged:,}",
            f"{m.active_organizations:,}",
            "—" if m.coverage is None else f"{m.coverage:.0f}%",
        ]
        for m in data.mission_comparison
    ]
    return [
        CondPageBreak(50 * mm),
        Paragraph("Missions compared", styles.heading),
        data_table(
            ["Mission", "Engagements", "Organizations engaged", "Active organizations", "Coverage"],
            rows,
            [CONTENT_WIDTH * w for w in (0.4, 0.14, 0.16, 0.16, 0.14)],
            styles,
            right_align=(1, 2, 3, 4),
        ),
        Paragraph(
            "Coverage is the share of a mission's active organizations engaged this quarter; "
            "a dash: the mission has no active organization.",
            styles.small,
        ),
    ]


def _highlights(data: QuarterlyReportData, styles: Styles) -> list:
    story = [CondPageBreak(50 * mm), Paragraph("Highlights", styles.heading)]
    if not data.highlights:
        return [
            *story,
            empty_note(
                "No engagement with a high-priority organization recorded an outcome.", styles
            ),
        ]
    chosen = bool(data.texts.highlights)
    story.append(
        Paragraph(
            "The engagements chosen for this report."
            if chosen
            else "The latest engagement with a recorded outcome of each high-priority "
            "organization.",
            styles.small,
        )
    )
    rows = [
        [h.date.strftime("%d %b %Y"), h.organization, h.subject, h.outcome, h.mission_code]
        for h in data.highlights
    ]
    story.append(
        data_table(
            ["Date", "Organization", "Engagement", "Outcome", "Mission"],
            rows,
            [CONTENT_WIDTH * w for w in (0.13, 0.16, 0.28, 0.33, 0.1)],
            styles,
            cell_lines=LIST_CELL_LINES,
        )
    )
    return story


def _more_note(shown: int, total: int, what: str, styles: Styles) -> list:
    if total <= shown:
        return []
    return [
        Paragraph(
            f"The first {shown:,} of {total:,} {what} are listed; the rest are in Rabta.",
            styles.small,
        )
    ]


def _follow_up_table(follow_ups: list[FollowUpRow], styles: Styles, *, overdue: bool):
    rows = [
        [
            f.due.strftime("%d %b %Y"),
            f.subject + ("  [confidential]" if f.confidential else ""),
            f.organizations,
            f.officer.split(",")[0],
            f.mission_code,
        ]
        for f in follow_ups
    ]
    return data_table(
        ["Due", "Engagement", "Organizations", "Officer", "Mission"],
        rows,
        [CONTENT_WIDTH * w for w in (0.13, 0.39, 0.17, 0.21, 0.1)],
        styles,
        highlight_rows=range(len(rows)) if overdue else (),
        cell_lines=LIST_CELL_LINES,
    )


def _follow_ups(data: QuarterlyReportData, styles: Styles) -> list:
    quarter_end = data.quarter.end.strftime("%d %B %Y")
    story = [CondPageBreak(50 * mm), Paragraph("Overdue follow-ups", styles.heading)]
    if data.overdue_by_mission and data.scope_code == "ALL":
        story.append(
            data_table(
                ["Mission", "Overdue follow-ups"],
                [
                    [f"{row.label} ({row.key})" if row.key else row.label, f"{row.count:,}"]
                    for row in data.overdue_by_mission
                ],
                [CONTENT_WIDTH * 0.7, CONTENT_WIDTH * 0.3],
                styles,
                right_align=(1,),
            )
        )
        story.append(Spacer(1, 3 * mm))
    if data.follow_ups_overdue:
        story.append(
            Paragraph(
                f"Due on or before {quarter_end} and still open, by mission, oldest first.",
                styles.small,
            )
        )
        story.append(_follow_up_table(data.follow_ups_overdue, styles, overdue=True))
        story += _more_note(
            len(data.follow_ups_overdue), data.follow_ups_overdue_total, "follow-ups", styles
        )
    else:
        story.append(empty_note(f"Every follow-up due by {quarter_end} has been done.", styles))
    upcoming = data.next_quarter.title
    story += [
        CondPageBreak(40 * mm),
        Paragraph(f"Follow-ups due in {text(upcoming)}", styles.heading),
    ]
    if not data.follow_ups_due:
        return [*story, empty_note("No open follow-ups fall due next quarter.", styles)]
    story.append(_follow_up_table(data.follow_ups_due, styles, overdue=False))
    story += _more_note(len(data.follow_ups_due), data.follow_ups_due_total, "follow-ups", styles)
    return story


def _dormant(data: QuarterlyReportData, styles: Styles) -> list:
    story = [
        CondPageBreak(40 * mm),
        Paragraph("High-priority organizations without recent engagement", styles.heading),
    ]
    if not data.dormant_priority:
        message = (
            "Every high-priority organization was engaged in the last six months."
            if data.high_priority_total
            else "No organization in this scope is marked high priority."
        )
        return [*story, empty_note(message, styles)]
    rows = [
        [
            o.name,
            o.kind,
            o.mission_code,
            o.last_engagement.strftime("%d %b %Y") if o.last_engagement else "never",
        ]
        for o in data.dormant_priority
    ]
    story.append(
        data_table(
            ["Organization", "Kind", "Mission", "Last engagement"],
            rows,
            [CONTENT_WIDTH * w for w in (0.5, 0.22, 0.1, 0.18)],
            styles,
        )
    )
    story += _more_note(
        len(data.dormant_priority), data.dormant_priority_total, "organizations", styles
    )
    return story


def _narrative(data: QuarterlyReportData, styles: Styles) -> list:
    if not data.texts.narrative.strip():
        return []  # nothing to print: no heading over an empty section
    title = f"{data.scope_head}'s assessment" if data.scope_head else "Assessment"
    story = [CondPageBreak(60 * mm), Paragraph(text(title), styles.heading)]
    for paragraph in data.texts.narrative.strip().split("\n\n"):
        if needs_script_layout(paragraph):
            lines = [line for line in paragraph.split("\n") if line.strip()]
            story += [mixed_paragraph(line, styles.body) for line in lines]
        else:
            story.append(Paragraph(text(paragraph).replace("\n", "<br/>"), styles.body))
    return story


def _signatures(data: QuarterlyReportData, styles: Styles) -> list:
    t = data.texts

    def when(day) -> str:
        return day.strftime("%d %B %Y") if day else "Date: ____________"

    column = CONTENT_WIDTH / 3
    # A signatory's name is printed whole (the store keeps it under 200 characters).
    names = [
        mixed_paragraph(name or "\u00a0", styles.cell)
        for name in (t.prepared_by, t.reviewed_by, t.approved_by)
    ]
    # Room to write a name by hand when none is typed, and no less than a typed name needs.
    names_height = max(10 * mm, *(n.wrap(column - 2 * CELL_PADDING, 1e9)[1] + 6 for n in names))
    cells = [
        [
            Paragraph(f"<b>{label}</b>", styles.cell)
            for label in ("Prepared by", "Reviewed by", "Approved by")
        ],
        names,
        [
            Paragraph(text(when(day)), styles.cell)
            for day in (t.prepared_on, t.reviewed_on, t.approved_on)
        ],
        [Paragraph("Signature:", styles.small)] * 3,
    ]
    table = Table(cells, colWidths=[column] * 3, rowHeights=[None, names_height, None, 16 * mm])
    table.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (0, -1), 0.5, RULE),
                ("BOX", (1, 0), (1, -1), 0.5, RULE),
                ("BOX", (2, 0), (2, -1), 0.5, RULE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, ACCENT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [CondPageBreak(55 * mm), Paragraph("Signatures", styles.heading), table]


def _appendix(data: QuarterlyReportData, styles: Styles) -> list:
    story = [PageBreak(), Paragraph("Appendix: engagement log", styles.heading)]
    if not data.engagement_log:
        return [*story, empty_note("No engagements were logged in this quarter.", styles)]
    shown, logged = len(data.engagement_log), data.current.engagements
    if shown < logged:
        story.append(
            Paragraph(
                f"The quarter has {logged:,} engagements, too many to print; this log shows the "
                f"{shown:,} most recent. Every engagement is on the Engagements page of Rabta.",
                styles.body,
            )
        )
    rows = [
        [
            e.date.strftime("%d %b %Y"),
            e.kind,
            e.subject + ("  [confidential]" if e.confidential else ""),
            e.organizations,
            e.mission_code,
            e.officer,
        ]
        for e in data.engagement_log
    ]
    # One table, so that its header row repeats at the top of each page and nowhere else.
    story.append(
        data_table(
            ["Date", "Kind", "Subject", "Organizations", "Mission", "Officer"],
            rows,
            [CONTENT_WIDTH * w for w in (0.12, 0.11, 0.36, 0.14, 0.1, 0.17)],
            styles,
            cell_lines=LIST_CELL_LINES,
        )
    )
    return story


def build_quarterly_report(data: QuarterlyReportData, path: Path | str) -> int:
    """Write the quarterly outreach report to `path`; return its page count."""
    styles = make_styles()
    story = _cover(data, styles)
    story.append(Paragraph("Executive summary", styles.heading))
    for sentence in _summary_sentences(data):
        story.append(mixed_paragraph(sentence, styles.body))
    story.append(Spacer(1, 3 * mm))
    story.append(_key_figures_table(data.current, data.previous, data, styles))
    story += _headlines(data, styles)
    story += _activity(data, styles)
    story += _where(data, styles)
    story += _missions(data, styles)
    story += _most_engaged(data, styles)
    story += _highlights(data, styles)
    story += _programs(data, styles)
    story += _follow_ups(data, styles)
    story += _dormant(data, styles)
    story += _narrative(data, styles)
    story += _signatures(data, styles)
    story += _appendix(data, styles)
    return build_pdf(
        story,
        path,
        title=f"Quarterly Outreach Report — {data.scope_label} — {data.quarter.title}",
        subject="Quarterly outreach report",
        header_left=f"{data.installation_name} · Quarterly Outreach Report",
        header_right=f"{data.quarter.title.split(' (')[0]} · {data.scope_label}",
        marking=data.marking,
        cover=True,
        author=data.generated_by or "Rabta",
        footer_note=f"audit log head: {data.audit_chain_head}" if data.audit_chain_head else "",
    )
