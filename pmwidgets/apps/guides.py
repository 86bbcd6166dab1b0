"""How each step works, for the fold under its next action (constant text: no user input).

Open on a person's first visit to the step, folded after (:meth:`Services.first_visit`):
the page leads with what to do now, and the explanation is one click away.
"""

from __future__ import annotations

from ..domain.i18n import _

_GUIDES: dict[str, tuple[str, ...]] = {
    "00_start_here": (
        "<p>This workbook is for <strong>two people</strong>: an employee and their manager, "
        "often with a coach beside them. It is a process through the year, not an appraisal: "
        "you agree together, at the start of the cycle, what the job is for this year and what "
        "success looks like; you talk regularly about how it is going; and the review at the "
        "end draws on what you have both written down. Nothing in it should come as a "
        "surprise.</p>",
        "<h4>What each of you brings</h4>"
        "<ul><li><strong>The employee</strong> knows the work from the inside: proposes "
        "objectives, rates their own skills, brings evidence to each check-in, and assesses "
        "their own year.</li><li><strong>The manager</strong> makes sure the objectives serve "
        "the job, commits the support the development plan needs, and gives an honest "
        "assessment.</li><li><strong>The coach</strong>, when there is one, keeps the "
        "conversation fair; on one screen the coach switches who is acting, so every "
        "contribution is recorded under the name of the person who made it.</li></ul>",
        "<h4>What agreeing means</h4>"
        "<p>Both of you contribute: a workbook where one person writes everything is flagged "
        "as <strong>one-sided</strong>. Each step is agreed when <strong>both</strong> have "
        "confirmed the same version, each by their own act; a change after that opens a new "
        "version, with a reason, for both to agree again. Every change is kept in the "
        "history, with who made it, when and why.</p>",
        "<h4>The aim is growth</h4>"
        "<p>The aim is <strong>growth</strong>, not a score: the development plan starts from "
        "the gaps you both see and from the objectives, and mixes learning on the job, from "
        "others and in formal training (70-20-10).</p>",
    ),
    "01_job_description": (
        "<p>The job description is the <strong>basis</strong> of the whole cycle: every "
        "objective will serve one of its responsibilities. Make sure it is "
        "<strong>current</strong>: does it describe the job as it is really done this "
        "year?</p>",
        "<ul><li>Start from the organisation's library, the catalogue of real occupations, or "
        "a file (YAML, Markdown, CSV or Excel), or write it here.</li><li>Responsibilities "
        "are numbered, each with its share of working time; the shares total 100%.</li>"
        "<li>Competencies say what the job needs, at a level from 1 to 5, with what each "
        "level looks like.</li></ul>",
        "<p>When it is right, each of you confirms it. Objectives are set once both have "
        "confirmed the same version.</p>",
    ),
    "02_objectives": (
        "<p>Either of you can propose an objective. Each one <strong>serves</strong> at least "
        "one responsibility of the job description; says <strong>what will be "
        "different</strong>, <strong>how you will both see it</strong> (a measure and a "
        "target) and <strong>by when</strong> (a date inside the cycle); and carries a "
        "<strong>weight</strong>: the weights total 100.</p>",
        "<p>The feedback beside the editor checks each objective against the SMART criteria "
        "as you type. The coverage view shows any responsibility with no objective: add one, "
        "or write down why it is left out this cycle.</p>",
        "<p>When you are both content, each of you confirms. That freezes the version; a "
        "change after it makes a new version, with a reason, for both to agree again.</p>",
    ),
    "03_development_plan": (
        "<p>This is where the cycle becomes about <strong>growth</strong>.</p>",
        "<ol><li><strong>Rate</strong> each competency the job needs, each of you "
        "separately. Differences are worth talking about.</li><li>Look at the "
        "<strong>gaps</strong> between the level the job requires and where you both think "
        "the employee is now.</li><li>Plan <strong>actions</strong> to close them, mixing "
        "experience on the job, exposure to others and formal education (roughly "
        "70-20-10).</li><li>The manager writes down the <strong>support</strong> they commit: "
        "time, budget, introductions.</li></ol>",
        "<p>Then both agree the plan.</p>",
    ),
    "04_check_ins": (
        "<p>Meet regularly, not just at the end. Each check-in is a short conversation, "
        "structured by <strong>GROW</strong>: the <strong>goal</strong> of the conversation, "
        "the <strong>reality</strong> (bring evidence), the <strong>options</strong>, and "
        "what you <strong>will</strong> do, by when.</p>",
        "<p>Record progress and evidence for each objective: the review draws on it. If an "
        "objective no longer makes sense, propose an amendment: the objectives are then "
        "agreed again by both of you.</p>",
        "<p>The next check-in is due six weeks after the last conversation (a check-in, or an "
        "agreement you both confirmed): this page says when, and the coach's dashboard shows "
        "a check-in that is overdue.</p>",
    ),
    "05_review": (
        "<p>At the end of the cycle, look back together. For each objective you see the "
        "evidence gathered at the check-ins; the employee writes a self-assessment and the "
        "manager an assessment, side by side. Note what the development plan achieved, and "
        "what to focus on next.</p>",
        "<p>When you are both satisfied that the review is fair and complete, both sign it. "
        "Where you see an objective differently, say so in your comment: the two assessments "
        "are kept side by side, under each person's name.</p>",
    ),
}


def guide_html(step: str) -> str:
    """The explanation of ``step`` as HTML (constant text), or "" for a step without one."""
    return "".join(_(part) for part in _GUIDES.get(step, ()))
