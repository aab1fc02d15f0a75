"""`flask rasa-actions`: Saathi's Rasa action server (bot/web/rasa_actions.py)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("rasa-actions")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=5055, show_default=True)
@with_appcontext
def rasa_actions(host: str, port: int) -> None:
    """Serve the Rasa custom actions (balance, history, redeem, learn, FAQ) on /webhook."""
    # Imported here, not with the module: every `flask` command loads this module, and
    # rasa_sdk brings its Sanic server, ~1 s of CPU at the start of each (`flask sales import`
    # and the worker among them) that only this command uses.
    from rasa_sdk.endpoint import create_app

    from bot.web.rasa_actions import executor

    server = create_app(executor(current_app._get_current_object()))
    server.run(host=host, port=port, single_process=True, access_log=False)
