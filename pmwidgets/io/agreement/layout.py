"""The agreement document laid out as blocks.

:func:`layout` turns an :class:`~pmwidgets.io.agreement.document.AgreementDocument`
into a list of plain blocks (headings, paragraphs, label/value fields, tables,
the sign-off); the Markdown and HTML writers (:mod:`pmwidgets.io.agreement.text`) and
the PDF writer (:mod:`pmwidgets.io.agreement.pdf`) only draw blocks, so the three
formats say the same things in the same order. All text in a block is plain
text: each writer escapes it for its format. The agreement record (who confirmed
which version, when and how) is laid out by :mod:`pmwidgets.io.agreement.record`.
"""

from __future__ import annotations

from ...domain.i18n import _, format_date, ngettext
from ...domain.model import ASSESSMENT_LABELS, PARTIES, Objective
from .model import (
    AgreementDocument,
    Block,
    Fields,
    Heading,
    ObjectivesPart,
    Para,
    SignOff,
    Table,
)
from .record import record_blocks, summary_line

_KINDS = {
    "experience": "Experience: learning on the job (70%)",
    "exposure": "Exposure: learning from others (20%)",
    "education": "Education: formal learning (10%)",
}
_STATUS = {"planned": "planned", "in_progress": "in progress", "done": "done", "dropped": "dropped"}
_PARTY = {"employee": "the employee", "manager": "the manager"}


def header_line(doc: AgreementDocument) -> str:
    """The line at the top of every printed page: who, which objectives, which workbook version."""
    part = doc.objectives
    if doc.proposed is not None:
        objectives = _("objectives version {m} agreed, version {n} a draft").format(
            m=part.version, n=doc.proposed.version
        )
    elif part.version is None:
        objectives = _("objectives not yet agreed")
    elif part.agreed:
        objectives = _("objectives version {n}, agreed").format(n=part.version)
    else:
        objectives = _("objectives version {n}, a draft").format(n=part.version)
    start, end = doc.cycle_start.year, doc.cycle_end.year
    return _(
        "{employee} · {title} {cycle} · {objectives} · workbook {id}, version {version}"
    ).format(
        employee=doc.employee.name,
        title=doc.title.lower(),
        cycle=f"{start}–{end}" if start != end else str(start),
        objectives=objectives,
        id=doc.workbook_id,
        version=doc.workbook_version,
    )


def layout(doc: AgreementDocument) -> list[Block]:
    """The document as blocks, in reading order."""
    blocks: list[Block] = [Heading(doc.title, 1)]
    people = [
        (_("Employee"), doc.employee.name),
        (_("Manager"), doc.manager.name),
    ]
    if doc.coach:
        people.append((_("Coach"), doc.coach.name))
    people += [
        (_("Cycle"), f"{format_date(doc.cycle_start)} – {format_date(doc.cycle_end)}"),
        (_("Workbook"), _("{id}, version {v}").format(id=doc.workbook_id, v=doc.workbook_version)),
        (_("Stage"), doc.stage),
        (_("Agreed"), "\n".join(summary_line(doc, rec) for rec in doc.agreements)),
    ]
    blocks.append(Fields(tuple(people)))
    blocks += [Para(n, "notice") for n in doc.notices]
    blocks += _job(doc)
    blocks += _objectives(doc, doc.objectives, _("Objectives"))
    if doc.proposed is not None:
        blocks += _objectives(doc, doc.proposed, _("Proposed changes to the objectives"))
    blocks += _plan(doc)
    if doc.review is not None:
        blocks += _review(doc)
    elif any(r.subject == "review" and r.content_hash for r in doc.agreements):
        blocks.append(Heading(_("Review")))
        blocks.append(Para(_("The review is under way; it appears here once both have signed it.")))
    blocks += record_blocks(doc)
    blocks.append(Heading(_("Signatures")))
    blocks.append(
        Para(
            _(
                "For organisations that print and sign their agreements. The confirmations "
                "above are the record; a signature here confirms the same content."
            ),
            "small",
        )
    )
    blocks.append(SignOff(((_("Employee"), doc.employee.name), (_("Manager"), doc.manager.name))))
    return blocks


def section(doc: AgreementDocument, subject: str) -> list[Block]:
    """One subject's part of the document, as :func:`layout` lays it out: what a step's
    page shows, read-only, once that subject is agreed."""
    if subject == "job_description":
        return _job(doc)
    if subject == "objectives":
        return _objectives(doc, doc.objectives, _("Objectives"))
    if subject == "development_plan":
        return _plan(doc)
    if subject == "review":
        return _review(doc) if doc.review is not None else []
    raise ValueError(f"no such subject: {subject!r}")


def _agreed_words(agreed: bool, version: int | None) -> Para | None:
    if agreed:
        return None
    if version is None:
        return Para(_("DRAFT — not agreed: not yet put up for agreement."), "draft")
    return Para(_("DRAFT — not agreed: version {n} awaits both.").format(n=version), "draft")


def _job(doc: AgreementDocument) -> list[Block]:
    blocks: list[Block] = [Heading(_("Job description"))]
    job = doc.job
    if job is None:
        return [*blocks, Para(_("No job description yet."))]
    draft = _agreed_words(doc.job_agreed, _version(doc, "job_description"))
    blocks += [draft] if draft else []
    blocks.append(Heading(job.title, 3))
    if job.purpose.strip():
        blocks.append(Para(job.purpose))
    blocks.append(
        Table(
            (_("No."), _("Responsibility"), _("Share of time")),
            tuple((str(r.number), r.text, f"{r.share}%") for r in job.responsibilities),
            (1, 9, 2),
        )
    )
    if job.competencies:
        blocks.append(
            Table(
                (_("Competency"), _("Required level (1–5)"), _("What it means")),
                tuple((c.name, str(c.required), c.description) for c in job.competencies),
                (4, 2, 7),
            )
        )
    if job.source.strip():
        blocks.append(Para(_("Source: {s}").format(s=job.source), "small"))
    return blocks


def _version(doc: AgreementDocument, subject: str) -> int | None:
    numbers = [r.version for r in doc.agreements if r.subject == subject]
    return numbers[-1] if numbers else None


def _serves(doc: AgreementDocument, o: Objective) -> str:
    lines = []
    for n in o.responsibilities:
        r = doc.job.responsibility(n) if doc.job else None
        lines.append(f"{n}. {r.text}" if r else _("{n}. (not in the job description)").format(n=n))
    return "\n".join(lines)


def _objectives(doc: AgreementDocument, part: ObjectivesPart, title: str) -> list[Block]:
    if part.version is not None:
        title = _("{title} — version {n}").format(title=title, n=part.version)
    blocks: list[Block] = [Heading(title)]
    if not part.objectives and not part.removed:
        return [*blocks, Para(_("No objectives yet."))]
    draft = _agreed_words(part.agreed, part.version)
    blocks += [draft] if draft else []
    if part.unchanged or part.removed:
        said = []
        if part.unchanged:
            said.append(_("unchanged: {n}").format(n=", ".join(map(str, part.unchanged))))
        if part.removed:
            said.append(_("removed: {n}").format(n=", ".join(map(str, part.removed))))
        blocks.append(Para(_("Objectives {what}.").format(what="; ".join(said))))
    if len(part.objectives) > 1:
        glance = tuple(
            (str(o.id), o.title, format_date(o.due), f"{o.weight}%") for o in part.objectives
        )
        headers = (_("No."), _("Objective"), _("Due"), _("Weight"))
        blocks.append(Table(headers, glance, (1, 8, 2.2, 1.5)))
    for o in part.objectives:
        blocks.append(Heading(_("Objective {n}. {title}").format(n=o.id, title=o.title), 3))
        rows = [] if part.agreed else [(_("Status"), _("DRAFT — not agreed"))]
        if o.description.strip():
            rows.append((_("What will be different"), o.description))
        rows += [
            (_("Serves responsibilities"), _serves(doc, o)),
            (_("Measure"), o.measure),
            (_("Target"), o.target),
            (_("Due"), format_date(o.due)),
            (_("Weight"), f"{o.weight}%"),
            (_("Proposed by"), doc.person(o.proposed_by).name),
        ]
        if part is doc.proposed:
            rows.append((_("Changed"), _changes(doc, o)))
        blocks.append(Fields(tuple(rows)))
    total = _("Weights total {total}%.").format(total=part.weights_total)
    blocks.append(Para(total, "small"))
    if part.coverage and (part is doc.objectives or part.coverage != doc.objectives.coverage):
        blocks += _coverage(part)
    return blocks


_FIELD_NAMES = {
    "title": "title",
    "description": "what will be different",
    "responsibilities": "responsibilities served",
    "measure": "measure",
    "target": "target",
    "due": "due date",
    "weight": "weight",
}


def _changes(doc: AgreementDocument, o: Objective) -> str:
    """Which fields of an objective a draft changes from the agreed version."""
    before = next((b for b in doc.objectives.objectives if b.id == o.id), None)
    if before is None:
        return _("a new objective")
    fields = [_(label) for f, label in _FIELD_NAMES.items() if getattr(before, f) != getattr(o, f)]
    return _("changed from version {n}: {fields}").format(
        n=doc.objectives.version, fields=", ".join(fields) or _("nothing")
    )


def _coverage(part: ObjectivesPart) -> list[Block]:
    rows = []
    for r in part.coverage:
        if r.status == "covered":
            how = ngettext("objective {n}", "objectives {n}", len(r.objectives)).format(
                n=", ".join(map(str, r.objectives))
            )
        elif r.status == "excused":
            how = _("left out this cycle: {reason}").format(reason=r.reason)
        else:
            how = _("no objective and no reason given")
        rows.append((str(r.number), r.text, f"{r.share}%", how))
    return [
        Heading(_("Coverage of the job description"), 3),
        Table(
            (_("No."), _("Responsibility"), _("Share"), _("Covered by")),
            tuple(rows),
            (1, 7, 1.6, 4.4),
        ),
    ]


def _level(level: int | None) -> str:
    return _("not rated") if level is None else str(level)


def _gap_words(required: int, employee: int | None, manager: int | None) -> str:
    e, m = (None if r is None else max(required - r, 0) for r in (employee, manager))
    if e is None and m is None:
        return _("not rated yet")
    if e is None or m is None:
        by = _("the employee's rating") if m is None else _("the manager's rating")
        return _("{n} by {by}; the other party has not rated yet").format(
            n=e if m is None else m, by=by
        )
    if e == m:
        return _("{n} by both ratings").format(n=e)
    return _("{e} by the employee's rating, {m} by the manager's").format(e=e, m=m)


def _plan(doc: AgreementDocument) -> list[Block]:
    blocks: list[Block] = [Heading(_("Development plan"))]
    draft = _agreed_words(doc.plan_agreed, _version(doc, "development_plan"))
    plan = doc.plan
    if not (plan.ratings or plan.actions or plan.support):
        return [*blocks, Para(_("No development plan yet."))]
    blocks += [draft] if draft else []
    competencies = doc.job.competencies if doc.job else ()
    rows = []
    for c in competencies:
        e, m = plan.rating(c.name, "employee"), plan.rating(c.name, "manager")
        el, ml = (e.level if e else None), (m.level if m else None)
        gaps = _gap_words(c.required, el, ml)
        rows.append((c.name, str(c.required), _level(el), _level(ml), gaps))
    if rows:
        blocks.append(Heading(_("Current proficiency and gaps"), 3))
        headers: tuple[str, ...] = (_("Competency"), _("Required"), _("Employee's rating"))
        headers += (_("Manager's rating"), _("Gap by each rating"))
        blocks.append(Table(headers, tuple(rows), (4, 1.5, 1.8, 1.8, 3.5)))
    for kind, label in _KINDS.items():
        actions = [a for a in plan.actions if a.kind == kind]
        if not actions:
            continue
        blocks.append(Heading(_(label), 3))
        table = []
        for a in actions:
            links = [_("gap in {c}").format(c=a.gap)] if a.gap else []
            links += [_("objective {n}").format(n=a.objective)] if a.objective else []
            table.append(
                (a.description, "; ".join(links), format_date(a.due), _(_STATUS[a.status]))
            )
        blocks.append(
            Table(
                (_("Action"), _("Develops"), _("Due"), _("Status")),
                tuple(table),
                (6, 3.5, 2, 1.8),
            )
        )
    blocks.append(Heading(_("The manager's support"), 3))
    if plan.support:
        support = tuple((s.text, format_date(s.due) if s.due else "–") for s in plan.support)
        blocks.append(Table((_("Commitment"), _("By")), support, (9, 2)))
    else:
        blocks.append(Para(_("No support commitments recorded.")))
    return blocks


def _review(doc: AgreementDocument) -> list[Block]:
    review = doc.review
    assert review is not None
    blocks: list[Block] = [Heading(_("Review, signed by both"))]
    rows = []
    for o in doc.objectives.objectives:
        cells = [f"{o.id}. {o.title}"]
        for party in PARTIES:
            a = review.assessment(o.id or 0, party)
            cells.append(
                "–"
                if a is None
                else _(ASSESSMENT_LABELS[a.level]) + (f"\n{a.comment}" if a.comment else "")
            )
        rows.append(tuple(cells))
    headers = (_("Objective"), _("Employee's assessment"), _("Manager's assessment"))
    blocks.append(Table(headers, tuple(rows), (4, 4, 4)))
    if review.development_outcomes.strip():
        blocks += [Heading(_("Development outcomes"), 3), Para(review.development_outcomes)]
    if review.next_cycle_focus.strip():
        blocks += [Heading(_("Focus for the next cycle"), 3), Para(review.next_cycle_focus)]
    return blocks
