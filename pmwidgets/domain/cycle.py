"""The entities of a cycle's conversations: the development plan, check-ins and the review.

Frozen pydantic models; :mod:`.model` re-exports them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from .i18n import _
from .types import Level, LongText, Model, Party, Percent, PersonId, ShortText

# --- development plan -------------------------------------------------------

ActionKind = Literal["experience", "exposure", "education"]
#: the 70-20-10 model: on-the-job experience, learning from others, formal education.
ACTION_MIX: dict[str, int] = {"experience": 70, "exposure": 20, "education": 10}


class Rating(Model):
    """A rating of current proficiency in one competency, by one party."""

    competency: ShortText
    by: Party
    level: Level
    comment: Annotated[str, StringConstraints(max_length=2000)] = ""


class DevelopmentAction(Model):
    """A development action, linked to a competency gap or an objective."""

    kind: ActionKind
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)
    ]
    gap: str | None = None
    objective: int | None = None
    due: dt.date
    status: Literal["planned", "in_progress", "done", "dropped"] = "planned"

    @model_validator(mode="after")
    def _linked(self) -> DevelopmentAction:
        if not self.gap and self.objective is None:
            raise ValueError(_("link the action to a competency gap or an objective"))
        return self


class SupportCommitment(Model):
    """Something the manager commits to provide (time, budget, access, coaching)."""

    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]
    due: dt.date | None = None


class DevelopmentPlan(Model):
    """Ratings from both sides, the actions that close the gaps, the manager's support."""

    ratings: tuple[Rating, ...] = ()
    actions: tuple[DevelopmentAction, ...] = ()
    support: tuple[SupportCommitment, ...] = ()

    @model_validator(mode="after")
    def _one_rating_each(self) -> DevelopmentPlan:
        seen = set()
        for r in self.ratings:
            key = (r.competency.casefold(), r.by)
            if key in seen:
                raise ValueError(
                    _("{party} rated {competency} twice").format(
                        party=r.by, competency=r.competency
                    )
                )
            seen.add(key)
        return self

    def rating(self, competency: str, by: Party) -> Rating | None:
        """The rating of a competency by one party, if given."""
        for r in self.ratings:
            if r.competency.casefold() == competency.casefold() and r.by == by:
                return r
        return None


# --- check-ins --------------------------------------------------------------

ProgressStatus = Literal["not_started", "on_track", "at_risk", "off_track", "done"]


class ObjectiveProgress(Model):
    """Progress on one objective at a check-in, with the evidence for it."""

    objective: Annotated[int, Field(ge=1)]
    percent: Percent = 0
    status: ProgressStatus = "on_track"
    evidence: Annotated[str, StringConstraints(max_length=5000)] = ""


class Amendment(Model):
    """A proposed change to the agreed objectives, raised at a check-in."""

    objective: int | None = None
    proposal: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=3, max_length=5000)
    ]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


class CheckIn(Model):
    """A dated conversation, structured by GROW: goal, reality, options, will."""

    id: int | None = None
    on: dt.date
    goal: LongText = ""
    reality: LongText = ""
    options: LongText = ""
    will: LongText = ""
    progress: tuple[ObjectiveProgress, ...] = ()
    carried_forward: tuple[Annotated[str, StringConstraints(max_length=2000)], ...] = ()
    amendments: tuple[Amendment, ...] = ()
    author: PersonId | None = None


# --- review -----------------------------------------------------------------

AssessmentLevel = Literal["not_met", "partly_met", "met", "exceeded"]
ASSESSMENT_LABELS: dict[str, str] = {
    "not_met": "Not met",
    "partly_met": "Partly met",
    "met": "Met",
    "exceeded": "Exceeded",
}


class Assessment(Model):
    """One party's assessment of one objective at the review."""

    objective: Annotated[int, Field(ge=1)]
    by: Party
    level: AssessmentLevel
    comment: Annotated[str, StringConstraints(max_length=5000)] = ""


class Review(Model):
    """Self and manager assessments, and what the development plan achieved."""

    assessments: tuple[Assessment, ...] = ()
    development_outcomes: Annotated[str, StringConstraints(max_length=10_000)] = ""
    next_cycle_focus: Annotated[str, StringConstraints(max_length=10_000)] = ""

    @model_validator(mode="after")
    def _one_assessment_each(self) -> Review:
        seen = set()
        for a in self.assessments:
            if (a.objective, a.by) in seen:
                raise ValueError(
                    _("the {party} assessed objective {n} twice").format(party=a.by, n=a.objective)
                )
            seen.add((a.objective, a.by))
        return self

    def assessment(self, objective: int, by: Party) -> Assessment | None:
        """One party's assessment of an objective, if given."""
        for a in self.assessments:
            if a.objective == objective and a.by == by:
                return a
        return None
