"""The agreement state machine, by example and as a hypothesis state machine."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from pmwidgets.domain import AgreementStatus, ValidationFailed, canonical_json, content_hash
from pmwidgets.domain.agreement import (
    AgreementVersion,
    confirm,
    reopen,
    stage_after_agreement,
    status,
)
from pmwidgets.domain.model import Stage

AT = dt.datetime(2026, 9, 15, 10, tzinfo=dt.UTC)


def content(text: str) -> tuple[str, str]:
    canonical = canonical_json({"objectives": [text]})
    return canonical, content_hash(canonical)


def test_canonical_json_is_stable_and_hash_is_sha256() -> None:
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'
    assert content_hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_nothing_is_agreed_until_both_confirm_the_same_content() -> None:
    canonical, h = content("A")
    v = confirm(None, "objectives", "employee", "emp", h, h, canonical, AT)
    assert not v.agreed and status(v, h) == AgreementStatus.AWAITING_MANAGER
    v = confirm(v, "objectives", "manager", "boss", h, h, canonical, AT)
    assert v.agreed and v.agreed_hash == h and v.agreed_canonical == canonical
    assert status(v, h) == AgreementStatus.AGREED


def test_an_edit_after_one_confirmation_needs_both_again() -> None:
    a_canon, a = content("A")
    b_canon, b = content("B")
    v = confirm(None, "objectives", "employee", "emp", a, a, a_canon, AT)
    assert status(v, b) == AgreementStatus.DRAFT  # the employee confirmed A, not B
    v = confirm(v, "objectives", "manager", "boss", b, b, b_canon, AT)
    assert not v.agreed and status(v, b) == AgreementStatus.AWAITING_EMPLOYEE


def test_confirming_stale_content_is_refused() -> None:
    a_canon, a = content("A")
    _, b = content("B")
    with pytest.raises(ValidationFailed, match="changed since you looked"):
        confirm(None, "objectives", "employee", "emp", b, a, a_canon, AT)


def test_confirming_twice_is_refused() -> None:
    canonical, h = content("A")
    v = confirm(None, "objectives", "employee", "emp", h, h, canonical, AT)
    with pytest.raises(ValidationFailed, match="already confirmed"):
        confirm(v, "objectives", "employee", "emp", h, h, canonical, AT)


def test_a_change_after_agreement_opens_a_new_version_with_a_reason() -> None:
    canonical, h = content("A")
    v = confirm(None, "objectives", "employee", "emp", h, h, canonical, AT)
    v = confirm(v, "objectives", "manager", "boss", h, h, canonical, AT)
    with pytest.raises(ValidationFailed, match="give a reason"):
        reopen(v, "")
    v2 = reopen(v, "Examiner unavailable until February")
    assert (
        v2 is not None
        and v2.number == 2
        and not v2.agreed
        and v2.opened_reason.startswith("Examiner")
    )
    with pytest.raises(ValidationFailed, match="already agreed"):
        confirm(v, "objectives", "employee", "emp", h, h, canonical, AT)


def test_draft_changes_stay_in_the_draft() -> None:
    assert reopen(None, "") is None
    v = AgreementVersion(subject="objectives", number=1)
    assert reopen(v, "") is v


def test_stages_only_move_forward() -> None:
    assert stage_after_agreement(Stage.JOB_DESCRIPTION, "job_description") == Stage.OBJECTIVES
    assert stage_after_agreement(Stage.CHECK_INS, "objectives") == Stage.CHECK_INS
    assert stage_after_agreement(Stage.REVIEW, "review") == Stage.CLOSED


class AgreementMachine(RuleBasedStateMachine):
    """Random edits and confirmations; the invariants of agreement always hold."""

    def __init__(self) -> None:
        super().__init__()
        self.text = "A"
        self.version: AgreementVersion | None = None
        self.frozen: list[AgreementVersion] = []

    @property
    def current(self) -> tuple[str, str]:
        return content(self.text)

    @rule(text=st.sampled_from(["A", "B", "C"]), reason=st.sampled_from(["", "new information"]))
    def edit(self, text: str, reason: str) -> None:
        was_agreed = self.version is not None and self.version.agreed
        try:
            opened = reopen(self.version, reason)
        except ValidationFailed:
            assert was_agreed and not reason
            return
        if was_agreed:
            assert opened is not None and self.version is not None
            assert opened.number == self.version.number + 1 and not opened.agreed
        self.version = opened
        self.text = text

    @rule(party=st.sampled_from(["employee", "manager"]), stale=st.booleans())
    def confirm(self, party: str, stale: bool) -> None:
        canonical, h = self.current
        seen = content(self.text + "x")[1] if stale else h
        before = self.version
        try:
            v = confirm(self.version, "objectives", party, party[:3], seen, h, canonical, AT)  # type: ignore[arg-type]
        except ValidationFailed:
            assert stale or (
                before is not None and (before.agreed or party in before.confirmed_by(h))
            )
            return
        assert not stale
        self.version = v
        if v.agreed:
            self.frozen.append(v)

    @precondition(lambda self: self.version is not None)
    @invariant()
    def agreed_means_both_confirmed_the_frozen_content(self) -> None:
        v = self.version
        assert v is not None
        if v.agreed:
            assert (
                v.agreed_canonical is not None and content_hash(v.agreed_canonical) == v.agreed_hash
            )
            assert v.confirmed_by(v.agreed_hash or "") == frozenset({"employee", "manager"})
        _, h = self.current
        st_ = status(v, h)
        assert (st_ == AgreementStatus.AGREED) == (v.agreed and v.agreed_hash == h)

    @invariant()
    def agreed_versions_never_change(self) -> None:
        numbers = [v.number for v in self.frozen]
        assert numbers == sorted(set(numbers))  # one agreement per version number
        for v in self.frozen:
            assert v.agreed and content_hash(v.agreed_canonical or "") == v.agreed_hash


TestAgreementMachine = AgreementMachine.TestCase
TestAgreementMachine.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
