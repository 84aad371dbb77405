# Validate invoices.json files against schemas/invoice.schema.json, then
# show that the schema refuses documents that drift from the layout.
import copy, json, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
docs = {}
for p in sys.argv[2:]:
    docs[p] = json.load(open(p))
    print(p, "valid" if v.is_valid(docs[p]) else "INVALID")

usd = docs["out-usd/invoices.json"]
jpy = docs["out-jpy/invoices.json"]

def drift(name, base, change):
    d = copy.deepcopy(base)
    change(d)
    print("drift", name, "refused" if not v.is_valid(d) else "ACCEPTED")

inv = lambda d: d["invoices"][0]
line = lambda d: d["invoices"][0]["lines"][0]
drift("amount-as-number", usd, lambda d: line(d).update(amount=45.0))
drift("extra-invoice-key", usd, lambda d: inv(d).update(note="x"))
drift("extra-top-key", usd, lambda d: d.update(generated="now"))
drift("missing-tax", usd, lambda d: inv(d).pop("tax"))
drift("missing-line-description", usd, lambda d: line(d).pop("description"))
drift("usd-amount-without-cents", usd, lambda d: line(d).update(amount="45"))
drift("jpy-amount-with-decimals", jpy, lambda d: line(d).update(amount="2.00"))
drift("quantity-exponent", usd, lambda d: line(d).update(quantity="1e1"))
drift("quantity-5-decimals", usd, lambda d: line(d).update(exact_quantity="12.35481"))
drift("price-1-decimal", usd, lambda d: line(d).update(unit_price="3.7"))
drift("tax-rate-number", usd, lambda d: inv(d).update(tax_rate=0.0825))
drift("bad-date", usd, lambda d: inv(d).update(invoice_date="2026-11-2"))
drift("no-lines", usd, lambda d: inv(d).update(lines=[]))
drift("status-other", usd, lambda d: d.update(status="sent"))
