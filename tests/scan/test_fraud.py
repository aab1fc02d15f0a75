"""Fraud rules: each one sends the scan to review instead of crediting it (thresholds from the
program's `qr` section: 3 scans a minute, 3 invalid codes an hour, 200 km/h, 10-minute window)."""

from __future__ import annotations

from datetime import timedelta

from models import review
from models.base import utcnow
from models.codes.fraud import Place, haversine_km, rules_for
from models.codes.scan import scan_codes
from models.codes.tables import QrScan, ScanStatus
from models.messaging.inbox import InboxMessage
from models.programs.program import Program

MUMBAI = {"latitude": 19.0760, "longitude": 72.8777}
PUNE = {"latitude": 18.5204, "longitude": 73.8567}  # ~120 km from Mumbai
DELHI = {"latitude": 28.6139, "longitude": 77.2090}  # ~1150 km from Mumbai


def scan(db, partner, code):
    return scan_codes(db, partner, [code], channel="whatsapp")[0]


def share_location(db, partner, where: dict, at=None) -> None:
    """A WhatsApp location message as the router stores it."""
    n = db.query(InboxMessage).count()
    db.add(InboxMessage(channel="whatsapp", provider_id=f"SMLOC{n}", phone=partner.phone,
                        body="", payload={"location": where}, received_at=at or utcnow(),
                        status="processed"))
    db.flush()


def reasons(db) -> list[str]:
    return [item.reason for item in review.pending(db, "qr_scan")]


def test_thresholds_come_from_the_program_yaml(db, programs):
    rules = rules_for(programs["QRA"])
    assert (rules.max_scans_per_minute, rules.max_failed_attempts) == (3, 3)
    assert rules_for(Program(code="X", name="X", definition={})).max_scans_per_minute == 5


def test_more_scans_a_minute_than_allowed_go_to_review(db, clock, make_partner, make_batch):
    partner = make_partner()
    codes = make_batch(count=5)
    statuses = []
    for code in codes[:4]:
        statuses.append(scan(db, partner, code).status)
        clock.advance(seconds=10)
    assert statuses == [ScanStatus.CREDITED] * 3 + [ScanStatus.REVIEW]
    assert reasons(db) == ["4 scans in a minute (limit 3)"]
    clock.advance(minutes=2)
    assert scan(db, partner, codes[4]).status == ScanStatus.CREDITED


def test_batch_shipped_to_another_region_goes_to_review(db, clock, make_partner, make_batch):
    mumbai = make_partner(region="Maharashtra", pincode="400001")
    codes = make_batch("SOUTH", region="Karnataka, 56")
    assert scan(db, mumbai, codes[0]).status == ScanStatus.REVIEW
    assert reasons(db) == ["batch SOUTH shipped to Karnataka, 56, partner in Maharashtra"]
    bengaluru = make_partner(region=None, pincode="560001")
    assert scan(db, bengaluru, codes[1]).status == ScanStatus.CREDITED
    mysuru = make_partner(region="karnataka", pincode="570001")
    assert scan(db, mysuru, codes[2]).status == ScanStatus.CREDITED


def test_many_invalid_codes_send_the_next_genuine_scan_to_review(db, clock, make_partner,
                                                                 make_batch):
    partner = make_partner()
    code = make_batch()[0]
    for n in range(3):
        assert scan(db, partner, f"ABCD-EFGH-JKMN-PQR{n}").status == ScanStatus.FORGED
        clock.advance(minutes=1)
    assert scan(db, partner, code).status == ScanStatus.REVIEW
    assert reasons(db) == ["3 invalid codes in 60 min"]


def test_invalid_codes_long_ago_do_not_count(db, clock, make_partner, make_batch):
    partner = make_partner()
    code = make_batch()[0]
    for n in range(3):
        scan(db, partner, f"ABCD-EFGH-JKMN-PQR{n}")
    clock.advance(minutes=61)
    assert scan(db, partner, code).status == ScanStatus.CREDITED


def test_travel_faster_than_200_kmh_between_scans_goes_to_review(db, clock, make_partner,
                                                                 make_batch):
    partner = make_partner()
    codes = make_batch()
    share_location(db, partner, MUMBAI)
    clock.advance(minutes=2)
    assert scan(db, partner, codes[0]).status == ScanStatus.CREDITED
    clock.advance(minutes=60)
    share_location(db, partner, DELHI)
    assert scan(db, partner, codes[1]).status == ScanStatus.REVIEW
    assert reasons(db) == ["1148 km from the previous scan in 60 min"]


def test_plausible_travel_credits(db, clock, make_partner, make_batch):
    partner = make_partner()
    codes = make_batch()
    share_location(db, partner, MUMBAI)
    scan(db, partner, codes[0])
    clock.advance(hours=2)
    share_location(db, partner, PUNE)
    assert scan(db, partner, codes[1]).status == ScanStatus.CREDITED


def test_location_shared_after_a_scan_is_stored_with_it(db, clock, make_partner, make_batch):
    partner = make_partner()
    codes = make_batch()
    scan(db, partner, codes[0])
    share_location(db, partner, MUMBAI, at=utcnow() + timedelta(minutes=4))
    clock.advance(minutes=30)
    share_location(db, partner, DELHI)
    assert scan(db, partner, codes[1]).status == ScanStatus.REVIEW
    first = db.query(QrScan).order_by(QrScan.id).first()
    assert (first.latitude, first.longitude) == (MUMBAI["latitude"], MUMBAI["longitude"])


def test_location_shared_too_long_before_is_not_used(db, clock, make_partner, make_batch):
    partner = make_partner()
    codes = make_batch()
    share_location(db, partner, MUMBAI)
    clock.advance(minutes=11)
    scan(db, partner, codes[0])
    assert db.query(QrScan).one().latitude is None


def test_haversine_distance():
    assert round(haversine_km(Place(**MUMBAI, at=None), Place(**DELHI, at=None))) == 1148
