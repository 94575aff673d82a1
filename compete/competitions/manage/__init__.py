"""Officer pages under /manage/competitions, registered on the competitions blueprint."""

from compete.competitions.manage import call, records, stages  # noqa: F401
