#!/usr/bin/env bash
# Refresh the message catalogs after changing user-facing text:
# extract every _()/N_() msgid, merge it into each language's .po, compile.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
$BIN/pybabel extract -F babel.cfg -k _ -k N_ -k say -k retry:2 -k translate:2 --no-location --sort-output \
  -o locales/messages.pot app.py bot flows models workers
for lang in hi mr gu ta te kn bn; do
  if [ -f "locales/$lang/LC_MESSAGES/messages.po" ]; then
    $BIN/pybabel update -i locales/messages.pot -d locales -l "$lang" --no-fuzzy-matching
  else
    $BIN/pybabel init -i locales/messages.pot -d locales -l "$lang"
  fi
done
$BIN/pybabel compile -d locales >/dev/null
