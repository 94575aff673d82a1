"""flask commands: outbox worker, audit verification, demo data."""

import sys
import time

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
    from compete.accounts.services import process_mail_requests
    from compete.notifications.services import send_pending

    while True:
        handled = process_mail_requests()
        db.session.commit()
        if handled:
            click.echo(f"answered {handled} account requests")
        sent, failed = send_pending()
        click.echo(f"sent {sent}, failed {failed}")
        if not loop:
            break
        time.sleep(interval)


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
