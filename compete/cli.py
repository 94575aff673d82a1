"""flask commands: the worker, the outbox, audit verification, demo data, the first administrator
and the production check."""

import signal
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from compete.extensions import db
from compete.storage.cli import storage


def register_cli(app) -> None:
    from compete.audit.cli import audit

    app.cli.add_command(outbox)
    app.cli.add_command(audit)
    app.cli.add_command(demo)
    app.cli.add_command(storage)
    from compete.records.cli import retention

    app.cli.add_command(retention)
    app.cli.add_command(worker)
    app.cli.add_command(admin)
    app.cli.add_command(check)


@click.command(help="Run the outbox and the scheduled jobs until stopped (SIGTERM or Ctrl-C).")
@click.option("--interval", type=float, default=None, help="Seconds between polls (default WORKER_POLL_SECONDS).")
@click.option("--ticks", type=int, default=None, help="Stop after this many polls (for tests and cron).")
@with_appcontext
def worker(interval, ticks):
    from compete.core.jobs import Worker

    runner = Worker(poll_seconds=interval)
    signal.signal(signal.SIGTERM, runner.stop)
    signal.signal(signal.SIGINT, runner.stop)
    runner.run(max_ticks=ticks)


@click.group(help="The e-mail outbox.")
def outbox():
    pass


@outbox.command(
    "send", help="Answer queued registration/reset requests, then send pending e-mail (once, or with --loop)."
)
@click.option("--loop", is_flag=True, help="Keep polling until interrupted.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls with --loop.")
@with_appcontext
def outbox_send(loop: bool, interval: float):
    from compete.core.jobs import Worker, send_outbox

    if loop:
        runner = Worker(jobs={}, poll_seconds=interval)
        signal.signal(signal.SIGTERM, runner.stop)
        runner.run()
        return
    sent, failed = send_outbox()
    click.echo(f"sent {sent}, failed {failed}")


@outbox.command("test", help="Queue a test message to ADDRESS (then run `flask outbox send`).")
@click.argument("address")
@click.option("--language", default="nb", type=click.Choice(["nb", "nn", "en"]), show_default=True)
@with_appcontext
def outbox_test(address: str, language: str):
    from compete.notifications.services import queue_email

    message = queue_email("notifications/test", to=address, language=language)
    db.session.commit()
    click.echo(f"queued message {message.id} to {address}")


@outbox.command("retry-failed", help="Queue messages that gave up again.")
@with_appcontext
def outbox_retry():
    from compete.notifications.services import retry_failed

    count = retry_failed()
    db.session.commit()
    click.echo(f"requeued {count}")


@click.command(help="Load the demo competition and accounts (idempotent; refused in production).")
@with_appcontext
def demo():
    if not current_app.config.get("DEMO_ALLOWED"):
        click.echo("flask demo is refused under ProductionConfig.", err=True)
        sys.exit(1)
    from compete.demo import load_demo

    accounts = load_demo()
    db.session.commit()
    click.echo("Demo loaded. Every account has the password 'demo-password':")
    for email, role in accounts:
        click.echo(f"  {email:<28} {role}")


@click.group(help="Platform administrators.")
def admin():
    pass


@admin.command("create", help="Make EMAIL a platform administrator (creates the account if needed).")
@click.argument("email")
@click.option("--name", default="", help="Name of a new account (default: the address).")
@click.option("--language", default="nb", type=click.Choice(["nb", "nn", "en"]), show_default=True)
@click.option(
    "--password",
    envvar="COMPETE_ADMIN_PASSWORD",
    default=None,
    help="Password of a new account (or COMPETE_ADMIN_PASSWORD); asked for when missing.",
)
@with_appcontext
def admin_create(email: str, name: str, language: str, password):
    from compete.accounts import queries
    from compete.accounts.services.bootstrap import make_platform_admin
    from compete.core.errors import DomainError

    if password is None and queries.user_by_email(email.strip()) is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user, created = make_platform_admin(email, name, password, language=language)
    except DomainError as exc:
        db.session.rollback()
        click.echo(str(exc.message), err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"{'created' if created else 'promoted'} platform administrator #{user.id}")


@click.command(help="Check the configuration before starting: keys, database, storage, SMTP. Exit 1 on a problem.")
@with_appcontext
def check():
    from compete.core.checks import run_checks

    problems = 0
    for name, ok, detail in run_checks(current_app):
        problems += not ok
        click.echo(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    if problems:
        click.echo(f"{problems} problem(s) found", err=True)
        sys.exit(1)
