#!/usr/bin/env bash
# Refresh the message catalogs after changing user-facing text:
# extract every _()/N_()/NP_() message, merge it into each language's .po, set each catalog's
# Plural-Forms from the language's CLDR rule, compile.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
$BIN/pybabel extract -F babel.cfg -k _ -k N_ -k NP_:1,2 -k say -k retry:2 -k translate:2 \
  --no-location --sort-output -w 100 -o locales/messages.pot app.py bot flows models workers
for lang in $($BIN/python scripts/po_tool.py languages); do
  if [ -f "locales/$lang/LC_MESSAGES/messages.po" ]; then
    $BIN/pybabel update -i locales/messages.pot -d locales -l "$lang" --no-fuzzy-matching -w 100
  else
    $BIN/pybabel init -i locales/messages.pot -d locales -l "$lang"
  fi
done
$BIN/python scripts/po_tool.py plural-forms
$BIN/pybabel compile -d locales >/dev/null
