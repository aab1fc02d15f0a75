"""`flask chat`: the conversation in the terminal, without the service's log lines."""

from __future__ import annotations

import logging


def test_the_terminal_chat_shows_replies_without_info_log_lines(app, caplog):
    """Each turn printed a JSON "message handled" line (and the NLU's) between the bot's
    answers; they are warnings-only unless --logs, and the level comes back afterwards."""
    before = logging.getLogger("saathi").level
    with caplog.at_level(logging.INFO):
        logging.getLogger("saathi").setLevel(logging.INFO)
        quiet = app.test_cli_runner().invoke(args=["chat", "--phone", "+919812345678"],
                                              input="LANG\n")
        assert "Choose your language" in quiet.output, quiet.output
        assert not [r for r in caplog.records if r.name.startswith("saathi.")
                    and r.levelno < logging.WARNING]
        assert logging.getLogger("saathi").level == logging.INFO  # given back
        app.test_cli_runner().invoke(args=["chat", "--phone", "+919812345678", "--logs"],
                                     input="LANG\n")
        assert any(r.name == "saathi.router" for r in caplog.records)
    logging.getLogger("saathi").setLevel(before)
