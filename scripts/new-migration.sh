#!/usr/bin/env bash
# Generate an Alembic migration from the models: scripts/new-migration.sh "what changed"
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
DATABASE_URL="sqlite:///$tmp/autogen.db" .venv/bin/python - "$1" <<'PY'
import sys
from alembic import command
from app import create_app
from bot.cli.db import alembic_config
app = create_app()
url = app.config["DATABASE_URL"]
config = alembic_config(url)
command.upgrade(config, "head")
command.revision(config, message=sys.argv[1], autogenerate=True)
PY
rm -rf "$tmp"
