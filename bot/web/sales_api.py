"""POST /api/v1/sales: distributors' systems push sales (models/sales/pushes.py); the OpenAPI
description is at /api/v1/openapi.json. The view only checks the key and the JSON's shape and
turns each sale into the line a file would give; every rule is in models/sales."""

from __future__ import annotations

import json
import logging

from flask import Blueprint, Response, jsonify, request
from pydantic import ValidationError

from bot.web.sales_openapi import SALES, SaleIn, document
from models.db import unit_of_work
from models.sales import Outcome, RawLine, apikeys, pushes

bp = Blueprint("sales_api", __name__)
log = logging.getLogger("saathi.sales")
MAX_BODY = 1024 * 1024
STATUS = {Outcome.CREDITED: 201, Outcome.RETURNED: 201, Outcome.REVIEW: 202,
          Outcome.ALREADY: 200, Outcome.REJECTED: 422}


def _error(status: int, message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="sales"'
    return response


@bp.get("/api/v1/openapi.json")
def openapi() -> Response:
    return jsonify(document())


@bp.post("/api/v1/sales")
def push_sales() -> Response:
    """Credit a batch of sales for the key's distributor; one result per sale."""
    given = request.headers.get("Authorization", "")
    with unit_of_work() as session:
        caller = apikeys.authenticate(session, given.removeprefix("Bearer ").strip())
    if caller is None:
        log.info("sales API key refused", extra={"had_key": bool(given)})
        return _error(401, "a valid API key is required (Authorization: Bearer sk_…)")
    if (request.content_length or 0) > MAX_BODY:
        return _error(413, "the body is over 1 MB: send smaller batches")
    try:
        body = json.loads(request.get_data(cache=False)[:MAX_BODY + 1])
    except (ValueError, UnicodeDecodeError):
        return _error(400, "the body is not JSON")
    try:
        sales = SALES.validate_python(body).sales
    except ValidationError as exc:
        return _shape_error(exc)
    lines, refused = _lines(sales, caller.gstin)
    results = {p.report.row: p for p in pushes.push(caller, lines)} if lines else {}
    return jsonify(results=[refused.get(i) or _result(i, results[i]) for i in range(len(sales))])


def _shape_error(exc: ValidationError) -> Response:
    """422 naming each problem: where (sale index, field) and what."""
    problems = []
    for error in exc.errors()[:50]:
        where = [str(part) for part in error["loc"]]
        index = int(where[1]) if len(where) > 1 and where[0] == "sales" and where[1].isdigit() \
            else None
        problems.append({"index": index, "problem": f"{'.'.join(where)}: {error['msg']}"})
    response = jsonify(error="the body does not have the documented shape: nothing was done",
                       sales=problems)
    response.status_code = 422
    return response


def _result(index: int, pushed: pushes.Pushed) -> dict:
    report = pushed.report
    status = 200 if pushed.replayed else STATUS[report.outcome]
    if report.outcome == Outcome.ALREADY and report.reason.startswith("the same invoice as"):
        status = 409
    return {"index": index, "number": report.number, "status": status,
            "outcome": report.outcome, "reason": report.reason, "credits": report.credits,
            "replayed": pushed.replayed}


def _lines(sales: list[SaleIn], seller_gstin: str) -> tuple[list[RawLine], dict[int, dict]]:
    """Each sale as a line (its row is its index), and the sales of another seller."""
    lines, refused = [], {}
    for index, sale in enumerate(sales):
        if sale.seller_gstin and sale.seller_gstin.upper() != seller_gstin:
            refused[index] = {"index": index, "number": sale.number, "status": 403,
                              "outcome": Outcome.REJECTED, "credits": 0, "replayed": False,
                              "reason": "this key may push only its own distributor's sales"}
        else:
            lines.append(_line(index, sale))
    return lines, refused


def _amount(value: str | float | None) -> str:
    return "" if value is None else f"{value:.2f}" if isinstance(value, float) else value


def _line(index: int, sale: SaleIn) -> RawLine:
    buyer = sale.buyer
    return RawLine(
        row=index, number=sale.number, date=sale.date, date_format="%Y-%m-%d",
        amount=_amount(sale.amount), kind="credit note" if sale.kind == "return" else "sale",
        against=sale.against, buyer_gstin=buyer.gstin, buyer_phone=buyer.phone,
        buyer_name=buyer.name, buyer_pincode=buyer.pincode,
        items=[{"name": i.name, "hsn": i.hsn, "quantity": "" if i.quantity is None
                else str(int(i.quantity)), "amount": _amount(i.amount)} for i in sale.items])
