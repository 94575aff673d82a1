"""`flask retention run`: the minimisation job (R45), safe to run as often as wanted."""

import click
from flask.cli import with_appcontext

from compete.extensions import db


@click.group(help="Retention and minimisation of competition records (R43, R45).")
def retention():
    pass


@retention.command("run", help="Minimise the personal data of unsuccessful participants after the complaint period.")
@with_appcontext
def retention_run():
    from compete.core.time import now
    from compete.records.minimisation import run_minimisation

    runs = run_minimisation(now())
    db.session.commit()
    entries = sum(len(run.summary) for run in runs)
    click.echo(f"minimised {len(runs)} stage(s), {entries} entr{'y' if entries == 1 else 'ies'}")
