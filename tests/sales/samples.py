"""Sales files as distributors' systems write them: TallyPrime's XML export of vouchers, a
sales register as CSV (Indian digit grouping, dd/mm/yyyy) and as XLSX."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from models.partners.gstin import check_char
from tests.invoice.make import indian

SELLER = "33AAGCT2468Q1ZR"  # Chennai Electricals, an ELEC distributor (programs/elec.yaml)
CSV_HEADER = ["Invoice No", "Invoice Date", "Voucher Type", "Party Name", "Buyer GSTIN",
              "Mobile", "PIN", "Item", "HSN", "Qty", "Invoice Value", "Against Invoice"]


def gstin(n: int, state: str = "33") -> str:
    first14 = f"{state}ABCDE{n % 10000:04d}F1Z"
    return first14 + check_char(first14)


@dataclass
class Voucher:
    number: str
    day: date
    total_paise: int
    buyer: str = ""  # party ledger name
    buyer_gstin: str = ""
    phone: str = ""
    pincode: str = ""
    kind: str = "Sales"
    against: str = ""
    items: list[tuple[str, str, int, int]] = field(default_factory=list)  # name, hsn, qty, paise


def _tally_voucher(v: Voucher) -> str:
    sign = -1 if v.kind == "Sales" else 1  # the party is debited on a sale, credited on a note
    items = "".join(f"""
     <ALLINVENTORYENTRIES.LIST>
      <STOCKITEMNAME>{escape(name)}</STOCKITEMNAME>
      <HSN>{hsn}</HSN>
      <ISDEEMEDPOSITIVE>No</ISDEEMEDPOSITIVE>
      <RATE>{paise / 100 / qty:.2f}/Nos</RATE>
      <AMOUNT>{paise / 100:.2f}</AMOUNT>
      <ACTUALQTY> {qty} Nos</ACTUALQTY>
      <BILLEDQTY> {qty} Nos</BILLEDQTY>
     </ALLINVENTORYENTRIES.LIST>""" for name, hsn, qty, paise in v.items)
    bill = f"""
      <BILLALLOCATIONS.LIST>
       <NAME>{escape(v.against)}</NAME>
       <BILLTYPE>Agst Ref</BILLTYPE>
       <AMOUNT>{v.total_paise / 100:.2f}</AMOUNT>
      </BILLALLOCATIONS.LIST>""" if v.against else ""
    return f"""
   <TALLYMESSAGE xmlns:UDF="TallyUDF">
    <VOUCHER REMOTEID="{v.number}-guid" VCHTYPE="{v.kind}" ACTION="Create"
             OBJVIEW="Invoice Voucher View">
     <DATE>{v.day:%Y%m%d}</DATE>
     <GUID>{v.number}-guid</GUID>
     <VOUCHERTYPENAME>{v.kind}</VOUCHERTYPENAME>
     <VOUCHERNUMBER>{escape(v.number)}</VOUCHERNUMBER>
     <PARTYLEDGERNAME>{escape(v.buyer)}</PARTYLEDGERNAME>
     <PARTYGSTIN>{v.buyer_gstin}</PARTYGSTIN>
     <PARTYPINCODE>{v.pincode}</PARTYPINCODE>
     <PARTYMOBILE>{v.phone}</PARTYMOBILE>
     <ISINVOICE>Yes</ISINVOICE>{items}
     <LEDGERENTRIES.LIST>
      <LEDGERNAME>{escape(v.buyer)}</LEDGERNAME>
      <ISDEEMEDPOSITIVE>{"Yes" if sign < 0 else "No"}</ISDEEMEDPOSITIVE>
      <ISPARTYLEDGER>Yes</ISPARTYLEDGER>
      <AMOUNT>{sign * v.total_paise / 100:.2f}</AMOUNT>{bill}
     </LEDGERENTRIES.LIST>
     <LEDGERENTRIES.LIST>
      <LEDGERNAME>Output CGST</LEDGERNAME>
      <ISDEEMEDPOSITIVE>No</ISDEEMEDPOSITIVE>
      <AMOUNT>{v.total_paise * 9 / 11800:.2f}</AMOUNT>
     </LEDGERENTRIES.LIST>
    </VOUCHER>
   </TALLYMESSAGE>"""


def tally_xml(vouchers: list[Voucher], encoding: str = "utf-8") -> bytes:
    body = "".join(_tally_voucher(v) for v in vouchers)
    receipt = """
   <TALLYMESSAGE xmlns:UDF="TallyUDF">
    <VOUCHER VCHTYPE="Receipt" ACTION="Create"><DATE>20261101</DATE>
     <VOUCHERTYPENAME>Receipt</VOUCHERTYPENAME><VOUCHERNUMBER>R-1</VOUCHERNUMBER></VOUCHER>
   </TALLYMESSAGE>"""
    text = f"""<?xml version="1.0" encoding="{encoding}"?>
<ENVELOPE>
 <HEADER>
  <TALLYREQUEST>Import Data</TALLYREQUEST>
 </HEADER>
 <BODY>
  <IMPORTDATA>
   <REQUESTDESC>
    <REPORTNAME>Vouchers</REPORTNAME>
    <STATICVARIABLES><SVCURRENTCOMPANY>Chennai Electricals</SVCURRENTCOMPANY></STATICVARIABLES>
   </REQUESTDESC>
   <REQUESTDATA>{receipt}{body}
   </REQUESTDATA>
  </IMPORTDATA>
 </BODY>
</ENVELOPE>
"""
    return text.encode(encoding)


def register_row(v: Voucher) -> list[str]:
    name, hsn, qty, _paise = v.items[0] if v.items else ("", "", "", 0)
    return [v.number, f"{v.day:%d/%m/%Y}", v.kind, v.buyer, v.buyer_gstin, v.phone, v.pincode,
            name, hsn, str(qty), indian(v.total_paise), v.against]


def sales_csv(vouchers: list[Voucher], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    writer.writerows(register_row(v) for v in vouchers)
    return out.getvalue().encode(encoding)


def sales_xlsx(path: Path, vouchers: list[Voucher], extra_rows: list[list] = ()) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(CSV_HEADER)
    for v in vouchers:
        row: list = register_row(v)
        row[1] = v.day  # a real date cell
        row[10] = v.total_paise / 100  # a number cell
        sheet.append(row)
    for row in extra_rows:
        sheet.append(row)
    book.save(path)
    return path
