"""`flask invoices read IMAGE`: print what the invoice reader finds, as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

invoices_cli = AppGroup("invoices", help="Invoice uploads and the invoice reader.")


@invoices_cli.command("read")
@click.argument("image", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def read(image: Path) -> None:
    """Read IMAGE (JPEG, PNG or PDF) and print its fields with their confidence."""
    from bot import einvoice_keys  # cryptography, OpenCV and Tesseract: only for this command
    from workers.ocr.image import NotAnImage
    from workers.ocr.read import read_file

    try:
        result = read_file(image.read_bytes(), keys=einvoice_keys.configured())
    except NotAnImage as exc:
        raise click.ClickException(f"{image}: not an image or PDF ({exc})") from exc
    click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
