"""Privacy jobs: build a partner's MY DATA ZIP (JSON and CSV per section, their photos, a
README in their language), and enforce retention (workers/schedule.py)."""

from __future__ import annotations

import csv
import io
import json
import logging
import secrets
import zipfile

from bot import media
from bot.i18n import N_, translate
from models import privacy
from models.base import utcnow
from models.db import unit_of_work
from models.partners.partner import Partner

log = logging.getLogger("saathi.privacy")
EXPORTS = "exports"
README = (
    N_("This is all the data Saathi holds about you, as JSON and as CSV (one file per "
       "section)."),
    N_("profile: your details; memberships: your programs; ledger_entries and ledger_postings: "
       "every credit and debit; certificates; invoices and photos/: your bills; scans; "
       "redemptions; messages_received and messages_sent; consents: what you agreed to."),
    N_("Send DELETE to erase your personal data. Your credit entries are kept, without your "
       "name or phone, as the law requires."),
)


def build_export(export_id: int) -> None:
    """Write the ZIP of one export under MEDIA_DIR/exports and mark it ready."""
    with unit_of_work() as session:
        export = session.get(privacy.DataExport, export_id)
        if export is None or export.status == privacy.ExportStatus.READY:
            return
        partner = session.get(Partner, export.partner_id)
        found = privacy.collect(session, partner)
        name = f"{export.id}-{secrets.token_hex(8)}.zip"
        folder = media.media_dir() / EXPORTS
        folder.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(folder / name, "w", zipfile.ZIP_DEFLATED) as archive:
            _write(archive, found, partner.language)
        privacy.finish(session, export, name)
        log.info("data export ready", extra={"partner_id": partner.id, "export_id": export.id})


def _write(archive: zipfile.ZipFile, found: dict[str, list[dict]], lang: str) -> None:
    archive.writestr("README.txt", "\n\n".join(translate(lang, text) for text in README) + "\n")
    for section, rows in found.items():
        archive.writestr(f"json/{section}.json", json.dumps(rows, ensure_ascii=False, indent=1))
        archive.writestr(f"csv/{section}.csv", _csv(rows))
    for url in privacy.photo_urls(found):
        try:
            archive.writestr(f"photos/{url.rsplit('/', 1)[-1]}", media.fetch(url))
        except media.MediaError as exc:  # a photo retention already removed
            log.info("export photo missing", extra={"error": type(exc).__name__})


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    columns = list(dict.fromkeys(key for row in rows for key in row))
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list)
                         else v for k, v in row.items()})
    return out.getvalue()


def erase_traces(partner_id: int) -> None:
    """Scrub what an erased partner's chat and last message left (retried until it is sent)."""
    with unit_of_work() as session:
        privacy.erase_traces(session, partner_id)


def enforce_retention() -> None:
    """Purge message bodies, invoice photos, one-time codes and export links past their
    retention (daily); the audit log says what went."""
    with unit_of_work() as session:
        done = privacy.purge(session, utcnow())
    log.info("retention enforced", extra={"brands": len(done)})
