"""POST /api/v1/sales: distributors' systems push sales (models/sales/pushes.py); the OpenAPI
description is at /api/v1/openapi.json. The view only checks the key and the JSON's shape and
turns each sale into the line a file would give; every rule is in models/sales."""

from __future__ import annotations

import json
import logging

from flask import Blueprint, Response, jsonify, request

from bot.web.sales_openapi import DOCUMENT, MAX_SALES
from models.db import unit_of_work
from models.sales import Outcome, RawLine, apikeys, pushes

bp = Blueprint("sales_api", __name__)
log = logging.getLogger("saathi.sales")
MAX_BODY = 1024 * 1024
STATUS = {Outcome.CREDITED: 201, Outcome.RETURNED: 201, Outcome.REVIEW: 202,
          Outcome.ALREADY: 200, Outcome.REJECTED: 422}
_TEXT_FIELDS = ("number", "date", "kind", "against", "seller_gstin")


def _error(status: int, message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="sales"'
    return response


@bp.get("/api/v1/openapi.json")
def openapi() -> Response:
    return jsonify(DOCUMENT)


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
    sales = body.get("sales") if isinstance(body, dict) else None
    if not isinstance(sales, list) or not sales:
        return _error(400, "the body must be an object with a non-empty list \"sales\"")
    if len(sales) > MAX_SALES:
        return _error(413, f"at most {MAX_SALES} sales in one request")
    lines, refused = _lines(sales, caller.gstin)
    results = {p.report.row: p for p in pushes.push(caller, lines)} if lines else {}
    return jsonify(results=[refused.get(i) or _result(i, results[i]) for i in range(len(sales))])


def _result(index: int, pushed: pushes.Pushed) -> dict:
    report = pushed.report
    status = 200 if pushed.replayed else STATUS[report.outcome]
    if report.outcome == Outcome.ALREADY and report.reason.startswith("the same invoice as"):
        status = 409
    return {"index": index, "number": report.number, "status": status,
            "outcome": report.outcome, "reason": report.reason, "credits": report.credits,
            "replayed": pushed.replayed}


def _refusal(index: int, status: int, reason: str, number: object = "") -> dict:
    return {"index": index, "number": number if isinstance(number, str) else "",
            "status": status, "outcome": Outcome.REJECTED, "reason": reason, "credits": 0,
            "replayed": False}


def _lines(sales: list, seller_gstin: str) -> tuple[list[RawLine], dict[int, dict]]:
    """Each sale as a line (its row is its index), and the sales refused by shape."""
    lines, refused = [], {}
    for index, sale in enumerate(sales):
        problem = _shape_problem(sale)
        if problem:
            refused[index] = _refusal(index, 422, problem,
                                      sale.get("number") if isinstance(sale, dict) else "")
        elif sale.get("seller_gstin") and sale["seller_gstin"].upper() != seller_gstin:
            refused[index] = _refusal(index, 403, "this key may push only its own "
                                      "distributor's sales", sale["number"])
        else:
            lines.append(_line(index, sale))
    return lines, refused


def _shape_problem(sale: object) -> str:
    if not isinstance(sale, dict):
        return "a sale must be an object"
    for name in _TEXT_FIELDS:
        if name in sale and not isinstance(sale[name], str):
            return f"{name} must be text"
    if not isinstance(sale.get("amount"), str | int | float) or isinstance(sale["amount"], bool):
        return "amount must be a number or text"
    if not isinstance(sale.get("buyer", {}), dict) or not isinstance(sale.get("items", []),
                                                                        list):
        return "buyer must be an object and items a list"
    if not all(isinstance(item, dict) for item in sale.get("items", [])):
        return "each item must be an object"
    return ""


def _line(index: int, sale: dict) -> RawLine:
    buyer = sale.get("buyer") or {}
    amount = sale["amount"]
    return RawLine(
        row=index, number=sale.get("number", ""), date=sale.get("date", ""),
        date_format="%Y-%m-%d",
        amount=f"{amount:.2f}" if isinstance(amount, float) else str(amount),
        kind="credit note" if sale.get("kind") == "return" else "sale",
        against=sale.get("against", ""), buyer_gstin=_str(buyer.get("gstin")),
        buyer_phone=_str(buyer.get("phone")), buyer_name=_str(buyer.get("name")),
        buyer_pincode=_str(buyer.get("pincode")),
        items=[{k: _str(item.get(k)) for k in ("name", "hsn", "quantity", "amount")}
               for item in sale.get("items", [])])


def _str(value: object) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value)
