"""`flask codes generate|void|read`: print product code batches, withdraw them, read photos."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from bot.cli.operate import cli_actor
from models.admin import orders
from models.admin.controls import Actor, ControlError
from models.codes import format as qr_codes
from models.codes import tables as qr
from models.db import unit_of_work
from models.programs import program as programs
from models.programs.earning import qr_credits

codes_cli = AppGroup("codes", help="Product QR codes: generate, void, read.")


@codes_cli.command("generate")
@click.option("--program", "program_code", required=True, help="Program code, e.g. CEMPRO")
@click.option("--batch", "name", required=True, help="Batch name, unique in the program")
@click.option("--count", type=int, required=True)
@click.option("--product", default="*", help="SKU or category the codes go on (default: any)")
@click.option("--credits", type=int, default=None,
              help="Credits each code earns (default: the program's QR rule for the product)")
@click.option("--region", default=None, help="Where it ships: regions and/or pincode prefixes")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
def generate(program_code: str, name: str, count: int, product: str, credits: int | None,
             region: str | None, out: Path) -> None:
    """Record a batch and write its PNGs, printable sheets and CSV manifest."""
    from workers.drawing.code_sheets import (
        write_batch,  # Pillow and qrcode load only for this command
    )

    try:
        with unit_of_work() as session:
            program = programs.by_code(session, program_code)
            if program is None:
                raise click.ClickException(f"no program {program_code!r}")
            if credits is None:
                credits = qr_credits(program.spec, product)
            if not credits:
                raise click.ClickException(f"{program.code} has no QR rule for {product!r}: "
                                           "pass --credits")
            batch = qr.create_batch(session, program=program, name=name, count=count,
                                    credits=credits, region=region)
            codes = list(qr.batch_codes(batch))
            written = write_batch(out, name, codes, program=program.code, credits=credits,
                                  region=region)
    except qr.BatchError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps({"batch": name, "program": program.code, **written}))


@codes_cli.command("void")
@click.argument("name")
@click.option("--program", "program_code", default=None)
@click.option("--reason", required=True, help="Why (kept in the audit log).")
def void(name: str, program_code: str | None, reason: str) -> None:
    """Withdraw a batch: its unused codes earn nothing from now on (audited)."""
    try:
        with unit_of_work() as session:
            batch = qr.find_batch(session, name, program_code)
            orders.void_codes(session, Actor(cli_actor()), batch, reason)
    except (qr.BatchError, ControlError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"batch {name} is void")


@codes_cli.command("read")
@click.argument("image", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def read(image: Path) -> None:
    """Print the codes in a photo and whether each is genuine, as JSON."""
    from workers.codes.decode import decode_image  # OpenCV and zxing load only for this command

    found = []
    with unit_of_work() as session:
        for text in decode_image(image.read_bytes()):
            code = qr_codes.normalize(text)
            parts = qr_codes.verify(qr.signing_keys(), code)
            batch = session.get(qr.QrBatch, parts.batch_id) if parts else None
            found.append({"text": text, "valid": parts is not None and batch is not None,
                          "batch": batch.name if batch else None,
                          "serial": parts.serial if parts else None,
                          "kid": parts.kid if parts else None,
                          "batch_status": batch.status if batch else None})
    click.echo(json.dumps({"image": str(image), "codes": found}, indent=2))
