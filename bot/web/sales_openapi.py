"""The OpenAPI 3.0 description of the sales API, served at /api/v1/openapi.json."""

from __future__ import annotations

MAX_SALES = 500
_TEXT = {"type": "string", "maxLength": 200}
_ERROR = {"type": "object", "required": ["error"],
          "properties": {"error": {"type": "string"}}}
_SALE = {
    "type": "object",
    "required": ["number", "date", "amount"],
    "properties": {
        "number": {"type": "string", "minLength": 1, "maxLength": 40,
                   "description": "The invoice (or credit note) number, unique per seller."},
        "date": {"type": "string", "format": "date", "description": "YYYY-MM-DD"},
        "amount": {"oneOf": [{"type": "string", "maxLength": 30}, {"type": "number"}],
                   "description": "The total in rupees with GST: 123456.50 or \"1,23,456.50\"."},
        "kind": {"type": "string", "enum": ["sale", "return"], "default": "sale"},
        "against": {"type": "string", "maxLength": 40,
                    "description": "A return's original invoice number."},
        "seller_gstin": {"type": "string", "maxLength": 15,
                         "description": "If given, must be the key's distributor's."},
        "buyer": {"type": "object", "properties": {
            "gstin": {"type": "string", "maxLength": 15}, "phone": {"type": "string",
                                                                     "maxLength": 20},
            "name": {"type": "string", "maxLength": 120},
            "pincode": {"type": "string", "maxLength": 6}}},
        "items": {"type": "array", "maxItems": 200, "items": {"type": "object", "properties": {
            "name": _TEXT, "hsn": {"type": "string", "maxLength": 8},
            "quantity": {"type": "integer", "minimum": 0},
            "amount": {"oneOf": [{"type": "string", "maxLength": 30}, {"type": "number"}]}}}},
    },
}
_RESULT = {
    "type": "object",
    "required": ["index", "status", "outcome", "replayed"],
    "properties": {
        "index": {"type": "integer"},
        "number": {"type": "string"},
        "status": {"type": "integer", "description": "201 credited or returned, 202 waiting "
                   "for review, 200 answered from an earlier request (replayed) or sent "
                   "before, 403 another seller's invoice, 409 the same invoice earlier in "
                   "this batch, 422 invalid or no buyer"},
        "outcome": {"type": "string",
                    "enum": ["credited", "review", "rejected", "already", "returned"]},
        "reason": {"type": "string"},
        "credits": {"type": "integer"},
        "replayed": {"type": "boolean"},
    },
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "Saathi sales API", "version": "1.0.0", "description":
             "Distributors' systems push their sales and credit notes; each sale credits "
             "its buyer once, by the program's invoice rules."},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                  "description": "The distributor's API key "
                                                  "(flask sales api-key create)."}}},
    "security": [{"bearer": []}],
    "paths": {"/api/v1/sales": {"post": {
        "operationId": "pushSales",
        "summary": "Push a batch of sales and credit notes",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["sales"],
            "properties": {"sales": {"type": "array", "minItems": 1, "maxItems": MAX_SALES,
                                     "items": _SALE}}}}}},
        "responses": {
            "200": _json({"type": "object", "required": ["results"], "properties": {
                "results": {"type": "array", "items": _RESULT}}},
                "One result per sale, in order (see each one's status)."),
            "400": _json(_ERROR, "The body is not a JSON object with a list of sales."),
            "401": _json(_ERROR, "No API key, or an unknown or revoked one."),
            "413": _json(_ERROR, f"More than {MAX_SALES} sales, or a body over 1 MB."),
        },
    }}},
}
