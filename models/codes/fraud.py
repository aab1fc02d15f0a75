"""Fraud rules for product code scans, with thresholds from the program's `qr` YAML section.

    qr:
      max_scans_per_minute: 5      # more scans than this in 60 s by one partner
      max_speed_kmh: 200           # two located scans implying faster travel
      max_failed_attempts: 5       # forged/mistyped codes in the last `failed_window_minutes`
      failed_window_minutes: 60
      check_region: true           # batch region vs the partner's region or pincode prefix
      location_window_minutes: 10  # a location shared this close to a scan belongs to it

A flagged scan does not credit; it goes to the review queue (models/codes/scan.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from models.codes.tables import QrBatch, QrScan, ScanStatus
from models.messaging.inbox import InboxMessage
from models.partners.partner import Partner
from models.programs.program import Program, version_of

EARTH_RADIUS_KM = 6371.0


class QrRules(BaseModel):
    model_config = ConfigDict(extra="ignore")

    max_scans_per_minute: int = Field(default=5, ge=1)
    max_speed_kmh: float = Field(default=200, gt=0)
    max_failed_attempts: int = Field(default=5, ge=1)
    failed_window_minutes: int = Field(default=60, ge=1)
    check_region: bool = True
    location_window_minutes: int = Field(default=10, ge=0)


_RULES: dict[tuple[int, str], QrRules] = {}


def rules_for(program: Program) -> QrRules:
    """Return the program's scan thresholds (defaults where the YAML says nothing), read
    once per version of its definition."""
    key = (program.id, version_of(program))
    if key not in _RULES:
        section = program.definition.get("qr")
        _RULES[key] = QrRules.model_validate(section if isinstance(section, dict) else {})
    return _RULES[key]


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    at: datetime


def haversine_km(a: Place, b: Place) -> float:
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat, dlon = lat2 - lat1, math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


# Built once, like the counts below: the messages' locations only, as rows, not whole messages.
_SHARED = select(InboxMessage.payload["location"], InboxMessage.received_at).where(
    InboxMessage.phone == bindparam("phone"), InboxMessage.received_at >= bindparam("start"),
    InboxMessage.received_at <= bindparam("end"))


def shared_location(session: Session, phone: str, at: datetime, window: timedelta
                    ) -> Place | None:
    """Return the location message this phone sent closest to `at`, within `window`."""
    rows = session.execute(_SHARED, {"phone": phone, "start": at - window, "end": at + window})
    places = [Place(location["latitude"], location["longitude"], received_at)
              for location, received_at in rows if location]
    return min(places, key=lambda p: abs(p.at - at), default=None)


def locate(session: Session, scan: QrScan, phone: str, window: timedelta) -> Place | None:
    """Fill in a scan's location from a message shared around it; return it (or None)."""
    if scan.latitude is None:
        place = shared_location(session, phone, scan.created_at, window)
        if place is None:
            return None
        scan.latitude, scan.longitude, scan.located_at = place.latitude, place.longitude, place.at
    return Place(scan.latitude, scan.longitude, scan.created_at)


def attach_location(session: Session, partner: Partner, place: Place, window: timedelta) -> int:
    """Store `place` on the partner's recent scans that have none; return how many."""
    stmt = select(QrScan).where(QrScan.partner_id == partner.id, QrScan.latitude.is_(None),
                                QrScan.created_at >= place.at - window)
    scans = list(session.scalars(stmt))
    for scan in scans:
        scan.latitude, scan.longitude, scan.located_at = place.latitude, place.longitude, place.at
    return len(scans)


def region_matches(batch_region: str | None, partner: Partner) -> bool:
    """True when the batch was shipped where the partner is (or either side is unknown)."""
    tokens = [t.strip().lower() for t in (batch_region or "").split(",") if t.strip()]
    if not tokens or not (partner.region or partner.pincode):
        return True
    region, pincode = (partner.region or "").strip().lower(), partner.pincode or ""
    return any(t == region or (t.isdigit() and pincode.startswith(t)) for t in tokens)


_COUNTS = select(
    func.count(QrScan.id).filter(QrScan.created_at > bindparam("since")),
    func.count(QrScan.id).filter(QrScan.status == ScanStatus.FORGED,
                                 QrScan.id != bindparam("scan_id"),
                                 QrScan.created_at > bindparam("failed_since")),
).where(QrScan.partner_id == bindparam("partner_id"),
        QrScan.created_at > bindparam("earliest"))


def flag_reason(session: Session, rules: QrRules, partner: Partner, batch: QrBatch,
                scan: QrScan, place: Place | None) -> str | None:
    """Return why this (already recorded) scan must wait for review, or None."""
    since = scan.created_at - timedelta(minutes=1)
    failed_since = scan.created_at - timedelta(minutes=rules.failed_window_minutes)
    recent, failed = session.execute(_COUNTS, {  # both counts in one round trip
        "since": since, "failed_since": failed_since, "scan_id": scan.id,
        "partner_id": partner.id, "earliest": min(since, failed_since)}).one()
    if recent > rules.max_scans_per_minute:
        return f"{recent} scans in a minute (limit {rules.max_scans_per_minute})"
    if rules.check_region and not region_matches(batch.region, partner):
        return (f"batch {batch.name} shipped to {batch.region}, partner in "
                f"{partner.region or partner.pincode}")
    if failed >= rules.max_failed_attempts:
        return f"{failed} invalid codes in {rules.failed_window_minutes} min"
    return _travel(session, rules, partner, scan, place)


def _travel(session: Session, rules: QrRules, partner: Partner, scan: QrScan,
            place: Place | None) -> str | None:
    if place is None:
        return None
    window = timedelta(minutes=rules.location_window_minutes)
    earlier = session.scalars(select(QrScan).where(
        QrScan.partner_id == partner.id, QrScan.id != scan.id,
        QrScan.created_at <= scan.created_at).order_by(QrScan.created_at.desc()).limit(20))
    for previous in earlier:
        before = locate(session, previous, partner.phone, window)
        if before is None:
            continue
        km = haversine_km(before, place)
        hours = max((place.at - before.at).total_seconds() / 3600, 1 / 60)
        if km / hours > rules.max_speed_kmh:
            return f"{km:.0f} km from the previous scan in {hours * 60:.0f} min"
        return None
    return None
