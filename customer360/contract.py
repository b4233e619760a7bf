"""The landing-zone input contract: one folder per source table, Parquet or CSV files inside.

Every column lands as text (as exports do); staging casts and quarantines what does not parse.
The dbt sources YAML documents the same columns; tests/test_contract.py keeps the two in step.
"""

LANDING_TABLES: dict[tuple[str, str], list[str]] = {
    ("crm", "customers"): [
        "customer_number", "first_name", "last_name", "gender", "birth_date", "email", "phone",
        "street", "house_number", "postcode", "city", "country", "created_at", "updated_at",
    ],
    ("webshop", "accounts"): [
        "account_id", "full_name", "email", "phone", "address_line", "postcode", "city", "country",
        "created_at", "updated_at",
    ],
    ("pos", "loyalty_members"): [
        "card_number", "first_name", "last_name", "birth_year", "phone", "postcode",
        "crm_customer_number", "enrolled_at", "updated_at",
    ],
    ("catalog", "products"): ["sku", "product_name", "category", "unit_price"],
    ("sales", "orders"): ["order_id", "channel", "customer_key", "ordered_at"],
    ("sales", "order_lines"): ["order_id", "line_number", "sku", "quantity", "unit_price"],
    ("web", "events"): ["event_id", "occurred_at", "account_id", "anonymous_id", "event_type", "sku"],
    ("consent", "events"): ["source", "source_record_key", "channel", "status", "recorded_at"],
    ("privacy", "requests"): [
        "request_id", "request_type", "identifier_type", "source", "identifier_value", "requested_at",
    ],
}

# The tables the demo generator writes: every one but the privacy requests, which a user lands.
GENERATED_TABLES = {key: columns for key, columns in LANDING_TABLES.items() if key != ("privacy", "requests")}

# Privacy requests: what they ask, and how they name the person.
PRIVACY_REQUEST_TYPES = ("erase", "suppress", "unsuppress", "access")
PRIVACY_IDENTIFIER_TYPES = ("source_record", "email", "phone")

# The customer-record sources and the column that keys a record in each.
CUSTOMER_SOURCES: dict[str, tuple[str, str]] = {
    "crm": ("customers", "customer_number"),
    "webshop": ("accounts", "account_id"),
    "pos": ("loyalty_members", "card_number"),
}
