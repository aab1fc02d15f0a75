"""The certificate job: draw a granted certificate's image once its transaction committed."""

from __future__ import annotations

from models.db import unit_of_work
from models.learning.certificates import Certificate
from workers.drawing.certificate import draw


def draw_certificate(certificate_id: int) -> None:
    with unit_of_work() as session:
        cert = session.get(Certificate, certificate_id)
        if cert is not None:
            draw(session, cert)
