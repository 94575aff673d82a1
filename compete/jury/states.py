"""Life cycle of a jury's clarification question (R26) as data."""

from __future__ import annotations

import enum


class ClarificationStatus(enum.StrEnum):
    ASKED = "asked"  # waiting for the functionary
    FORWARDED = "forwarded"  # sent to the participant without the juror's name
    DECLINED = "declined"  # the functionary refused it, with a reason
    ANSWERED = "answered"  # the participant answered; waiting for the functionary to relay it
    RELAYED = "relayed"  # the answer was passed on to the jury without the participant's name


# Which moves exist and who makes them: the juror asks, the functionary forwards or declines and
# relays, the participant answers. Nothing goes from a juror to a participant directly.
CLARIFICATION_TRANSITIONS: dict[tuple[ClarificationStatus, ClarificationStatus], str] = {
    (ClarificationStatus.ASKED, ClarificationStatus.FORWARDED): "functionary",
    (ClarificationStatus.ASKED, ClarificationStatus.DECLINED): "functionary",
    (ClarificationStatus.FORWARDED, ClarificationStatus.ANSWERED): "participant",
    (ClarificationStatus.ANSWERED, ClarificationStatus.RELAYED): "functionary",
}
