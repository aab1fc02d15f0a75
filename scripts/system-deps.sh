#!/usr/bin/env bash
# Install the Debian packages Saathi needs, only those that are missing.
# Usage: scripts/system-deps.sh [services]   ("services" adds what the tests need: PostgreSQL,
# Redis, and Debian's Chromium, which Playwright drives in the simulator tests)
set -euo pipefail
want=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-hin libzbar0 fonts-dejavu-core fonts-noto-core poppler-utils)
# Voice notes (workers/speech): speech generated offline, encoded to OGG/Opus
want+=(espeak-ng ffmpeg)
# Fonts the invoice generator draws bills in (tests/invoice/fonts.py): print, thermal, handwriting
want+=(fonts-liberation2 fonts-freefont-ttf fonts-crosextra-carlito fonts-crosextra-caladea
  fonts-courier-prime fonts-inconsolata fonts-lato fonts-cantarell fonts-comic-neue
  fonts-humor-sans fonts-dkg-handwriting fonts-breip fonts-urw-base35 fonts-roboto-unhinted
  fonts-open-sans fonts-noto-mono fonts-jetbrains-mono fonts-linuxlibertine fonts-lohit-deva
  fonts-deva-extra fonts-sil-andika fonts-oxygen fonts-hack fonts-klee fonts-kristi)
if [ "${1:-}" = "services" ]; then
  command -v pg_ctlcluster >/dev/null 2>&1 || want+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || want+=(redis-server)
  want+=(chromium)
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
