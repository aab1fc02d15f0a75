"""The `flask` commands: one command group per file, named after the command."""

from __future__ import annotations

from flask import Flask

from bot.cli.campaigns import campaigns_cli
from bot.cli.chat import chat
from bot.cli.codes import codes_cli
from bot.cli.db import db_cli
from bot.cli.errors import Commands
from bot.cli.invites import invites_cli
from bot.cli.invoices import invoices_cli
from bot.cli.jobs import jobs_cli
from bot.cli.keys import keys_cli
from bot.cli.learning import learning_cli
from bot.cli.ledger import ledger_cli, programs_cli
from bot.cli.operate import partners_cli, wallet_cli
from bot.cli.outbox import outbox_cli
from bot.cli.program_dlt import programs_dlt  # noqa: F401 (adds to `flask programs`)
from bot.cli.program_texts import programs_check  # noqa: F401 (adds to `flask programs`)
from bot.cli.rasa import rasa_actions
from bot.cli.redemptions import redemptions_cli, vouchers_cli
from bot.cli.review import review_cli
from bot.cli.sales import sales_cli
from bot.cli.users import users_cli
from bot.cli.webhooks import webhooks_cli
from bot.cli.worker import scheduler, worker
from bot.status import status_command


def init_app(app: Flask) -> None:
    """Register every command group."""
    app.cli = Commands(name=app.name)
    for group in (db_cli, review_cli, jobs_cli, outbox_cli, learning_cli, codes_cli, worker,
                  scheduler, chat, ledger_cli, programs_cli, redemptions_cli, vouchers_cli,
                  status_command, invites_cli, invoices_cli, users_cli,
                  partners_cli, wallet_cli, sales_cli, webhooks_cli, rasa_actions, keys_cli,
                  campaigns_cli):
        app.cli.add_command(group)
