"""Invite QR codes: a wa.me link that opens WhatsApp with "JOIN <CODE> REF <DIST>" typed in.

`flask invites qr --program CEMPRO --distributor SAITRD --out invite.png` writes one code;
`flask invites sheet --program CEMPRO --distributor A --distributor B --out sheet.pdf` a
printable A4 sheet (PNG or PDF; six labelled codes per page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import click
from flask import current_app
from flask.cli import AppGroup

from models.db import unit_of_work
from models.programs.program import by_code

invites_cli = AppGroup("invites", help="Invite QR codes for counters and distributor reps.")


@dataclass(frozen=True)
class Invite:
    program: str  # the program's name, printed on the label
    code: str
    distributor: str | None  # distributor code for REF
    distributor_name: str | None
    number: str  # our WhatsApp number, E.164

    @property
    def text(self) -> str:
        return f"JOIN {self.code}" + (f" REF {self.distributor}" if self.distributor else "")

    @property
    def link(self) -> str:
        digits = re.sub(r"\D", "", self.number)
        return f"https://wa.me/{digits}?text={quote(self.text)}"


def _invites(program_code: str, distributors: tuple[str, ...], number: str | None
             ) -> list[Invite]:
    number = number or current_app.config["TWILIO_WHATSAPP_FROM"]
    if not number:
        raise click.ClickException("no WhatsApp number: set TWILIO_WHATSAPP_FROM or --number")
    with unit_of_work() as session:
        program = by_code(session, program_code)
        if program is None:
            raise click.ClickException(f"no program {program_code!r} (flask programs load-all?)")
        listed = {d.code: d.name for d in program.spec.distributors}
        unknown = [d for d in distributors if d.upper() not in listed]
        if unknown:
            raise click.ClickException(f"{', '.join(unknown)} not among {program.code}'s "
                                       f"distributors: {', '.join(listed) or 'none'}")
        return [Invite(program.name, program.code, d.upper() if d else None,
                       listed.get(d.upper()) if d else None, number)
                for d in distributors or (None,)]


@invites_cli.command("qr")
@click.option("--program", "program_code", required=True)
@click.option("--distributor", default=None, help="Distributor code, added as REF <code>.")
@click.option("--number", default=None, help="WhatsApp number (default TWILIO_WHATSAPP_FROM).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def qr(program_code: str, distributor: str | None, number: str | None, out: Path) -> None:
    """Write one invite QR code as a PNG."""
    from workers.drawing.invites import qr_image  # Pillow and qrcode: only for this command

    invite = _invites(program_code, (distributor,) if distributor else (), number)[0]
    qr_image(invite.link).save(out)
    click.echo(f"{out}: {invite.link}")


@invites_cli.command("sheet")
@click.option("--program", "program_code", required=True)
@click.option("--distributor", "distributors", multiple=True, required=True)
@click.option("--number", default=None, help="WhatsApp number (default TWILIO_WHATSAPP_FROM).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def sheet(program_code: str, distributors: tuple[str, ...], number: str | None,
          out: Path) -> None:
    """Write a printable sheet of labelled invite codes (.png: one image; .pdf: A4 pages)."""
    from workers.drawing.invites import pages

    invites = _invites(program_code, distributors, number)
    images = pages(invites)
    if out.suffix.lower() == ".pdf":
        images[0].save(out, save_all=True, append_images=images[1:], resolution=300)
    elif len(images) == 1:
        images[0].save(out, dpi=(300, 300))
    else:
        raise click.ClickException("more than six codes: write a .pdf")
    click.echo(f"{out}: {len(invites)} invite codes on {len(images)} page(s)")
