"""Documents through the services: an uploaded job description, the catalogue, and the
agreement exported only for a workbook the person may read."""

from __future__ import annotations

import pytest
from helpers import agreed_job, make_job, new_workbook

from pmwidgets.domain import NotFound
from pmwidgets.io.agreement.document import to_html, to_markdown
from pmwidgets.io.errors import ImportFailed
from pmwidgets.io.jobs.files import dumps_job_description
from pmwidgets.services import Services, documents
from pmwidgets.store import Store


def test_an_uploaded_job_description_is_read() -> None:
    job = make_job()
    data = dumps_job_description(job, "yaml")
    assert documents.read_job_description("jd.yaml", data) == job


def test_an_upload_that_is_no_job_description_is_refused_in_words() -> None:
    with pytest.raises(ImportFailed, match=r"jd\.yaml"):
        documents.read_job_description("jd.yaml", b"\x00\x01 not yaml at all")


def test_the_catalogue_is_read_once_and_shared() -> None:
    assert documents.job_catalogue() is documents.job_catalogue()


def test_the_agreement_is_exported_from_one_reading(people_store: Store) -> None:
    wb = new_workbook(people_store, coach=None)
    agreed_job(people_store, wb)
    boss = Services(people_store, "boss")
    export = boss.agreement_export(wb)
    assert export.workbook_id == wb
    assert export.html() == to_html(boss.agreement_document(wb))
    assert export.markdown() == to_markdown(boss.agreement_document(wb))
    assert "Performance" in export.markdown()
    assert export.pdf().startswith(b"%PDF")


@pytest.mark.parametrize("who", ["other", "coach2"])
def test_the_agreement_of_a_workbook_one_may_not_read_is_not_exported(
    people_store: Store, who: str
) -> None:
    wb = new_workbook(people_store)
    agreed_job(people_store, wb)
    with pytest.raises(NotFound, match="not available to you"):
        documents.agreement_export(Services(people_store, who), wb)
    with pytest.raises(NotFound, match="not available to you"):
        Services(people_store, who).agreement_export(wb)
