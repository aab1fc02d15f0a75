"""The sales API's request shape (pydantic, one source for checking requests and for the
document) and its OpenAPI 3.1 description, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

MAX_SALES = 500
Amount = Annotated[str, Field(max_length=30)] | float
Text = Annotated[str, Field(max_length=200)]


class _In(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class BuyerIn(_In):
    gstin: Annotated[str, Field(max_length=15)] = ""
    phone: Annotated[str, Field(max_length=20)] = ""
    name: Annotated[str, Field(max_length=120)] = ""
    pincode: Annotated[str, Field(max_length=6)] = ""


class ItemIn(_In):
    name: Text = ""
    hsn: Annotated[str, Field(max_length=8)] = ""
    quantity: Annotated[float, Field(ge=0, le=10**9)] | None = None  # 1.0 is an integer too
    amount: Amount | None = None


class SaleIn(_In):
    """One sale or credit note; `amount` in rupees with GST (123456.50 or "1,23,456.50")."""
    number: Annotated[str, Field(min_length=1, max_length=40)]
    date: Annotated[str, Field(max_length=10, description="YYYY-MM-DD")]
    amount: Amount
    kind: Literal["sale", "return"] = "sale"
    against: Annotated[str, Field(max_length=40, description="a return's invoice number")] = ""
    seller_gstin: Annotated[str, Field(max_length=15, description="if given, the key's "
                                       "distributor's")] = ""
    buyer: BuyerIn = Field(default_factory=BuyerIn)
    items: Annotated[list[ItemIn], Field(max_length=200)] = Field(default_factory=list)


class SalesIn(_In):
    sales: Annotated[list[SaleIn], Field(min_length=1, max_length=MAX_SALES)]


SALES = TypeAdapter(SalesIn)
_ERROR = {"type": "object", "required": ["error"], "properties": {
    "error": {"type": "string"},
    "sales": {"type": "array", "items": {"type": "object", "properties": {
        "index": {"type": ["integer", "null"]}, "problem": {"type": "string"}}}}}}
_RESULT = {
    "type": "object",
    "required": ["index", "status", "outcome", "replayed"],
    "properties": {
        "index": {"type": "integer"},
        "number": {"type": "string"},
        "status": {"type": "integer", "description": "201 credited or returned, 202 waiting "
                   "for review, 200 answered from an earlier request (replayed) or sent "
                   "before, 403 another seller's invoice, 409 the same invoice earlier in "
                   "this batch, 422 invalid (GSTIN checksum, date, amount) or no buyer"},
        "outcome": {"type": "string",
                    "enum": ["credited", "review", "rejected", "already", "returned"]},
        "reason": {"type": "string"},
        "credits": {"type": "integer"},
        "replayed": {"type": "boolean"},
    },
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document() -> dict:
    schema = SALES.json_schema(ref_template="#/components/schemas/{model}")
    components = schema.pop("$defs", {})
    components["SalesIn"] = schema
    return {
        "openapi": "3.1.0",
        "info": {"title": "Saathi sales API", "version": "1.0.0", "description":
                 "Distributors' systems push their sales and credit notes; each sale "
                 "credits its buyer once, by the program's invoice rules."},
        "components": {"schemas": components, "securitySchemes": {"bearer": {
            "type": "http", "scheme": "bearer",
            "description": "The distributor's API key (flask sales api-key create)."}}},
        "security": [{"bearer": []}],
        "paths": {"/api/v1/sales": {"post": {
            "operationId": "pushSales",
            "summary": "Push a batch of sales and credit notes",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/SalesIn"}}}},
            "responses": {
                "200": _json({"type": "object", "required": ["results"], "properties": {
                    "results": {"type": "array", "items": _RESULT}}},
                    "One result per sale, in order (see each one's status)."),
                "400": _json(_ERROR, "The body is not JSON."),
                "401": _json(_ERROR, "No API key, or an unknown or revoked one."),
                "413": _json(_ERROR, "A body over 1 MB."),
                "422": _json(_ERROR, "Not the shape this document gives: nothing was done; "
                             "`sales` says which sale and what is wrong."),
            },
        }}},
    }
