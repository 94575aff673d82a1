"""Factories for innsyn: a competition with one entry that marks a field and a file as business secrets."""

from __future__ import annotations

from dataclasses import dataclass

from compete.audit.services import Actor
from compete.innsyn import services
from compete.innsyn.models import InnsynRequest
from compete.submissions import services as submission_services
from compete.submissions.models import Submission
from tests.factories_submissions import Setup, make_pdf, make_setup

SECRET_TEXT = "Hemmelig metode: kobling mot lønnssystemet"
OPEN_TEXT = "Unge faller ut av skolen."
SECRET_PDF_TEXT = "Konfidensiell prismodell"
OPEN_PDF_TEXT = "Offentlig skisse"


@dataclass
class InnsynWorld:
    setup: Setup
    secret_entry: Submission  # marks "solution" and its file as business secrets
    open_entry: Submission  # marks nothing


def _entry(setup: Setup, user, organisation, *, secret: bool) -> Submission:
    submission = submission_services.start_submission(setup.stage, user, organisation, "")
    content = {"problem": OPEN_TEXT, "solution": SECRET_TEXT if secret else "Mentorer fra arbeidslivet."}
    submission_services.save_draft(submission, user, content, ["solution"] if secret else [])
    pdf = make_pdf(SECRET_PDF_TEXT if secret else OPEN_PDF_TEXT)
    submission_services.add_attachment(submission, user, "sketch", "skisse.pdf", pdf, is_secret=secret)
    submission_services.submit(submission, user, f"innsyn-{submission.id}")
    return submission


def make_world(**kwargs) -> InnsynWorld:
    from tests.factories import make_participant

    setup = make_setup(**kwargs)
    secret = _entry(setup, setup.user, setup.organisation, secret=True)
    user, organisation = make_participant()
    return InnsynWorld(setup, secret, _entry(setup, user, organisation, secret=False))


def officer(world: InnsynWorld) -> Actor:
    return Actor(world.setup.officer, world.setup.buyer, "officer")


def make_request(world: InnsynWorld, **kwargs) -> InnsynRequest:
    values = {"name": "Journalist Jensen", "email": "jensen@avisa.no", "subject": "Alle idéskisser"} | kwargs
    return services.register_request(world.setup.competition, officer(world), **values)
