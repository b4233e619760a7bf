{#- The landing tables in one list: each base model and the SQL expression of its key. -#}
{% macro landed_tables() -%}
    {{ return([
        {'source': 'crm', 'table': 'customers', 'base_model': 'base_crm__customers',
         'staged_model': 'stg_crm__customers', 'key': 'customer_number'},
        {'source': 'webshop', 'table': 'accounts', 'base_model': 'base_webshop__accounts',
         'staged_model': 'stg_webshop__accounts', 'key': 'account_id'},
        {'source': 'pos', 'table': 'loyalty_members', 'base_model': 'base_pos__loyalty_members',
         'staged_model': 'stg_pos__loyalty_members', 'key': 'card_number'},
        {'source': 'catalog', 'table': 'products', 'base_model': 'base_catalog__products',
         'staged_model': 'stg_catalog__products', 'key': 'sku'},
        {'source': 'sales', 'table': 'orders', 'base_model': 'base_sales__orders',
         'staged_model': 'stg_sales__orders', 'key': 'order_id'},
        {'source': 'sales', 'table': 'order_lines', 'base_model': 'base_sales__order_lines',
         'staged_model': 'stg_sales__order_lines',
         'key': "order_id || '#' || coalesce(cast(line_number as " ~ dbt.type_string() ~ "), '?')"},
        {'source': 'web', 'table': 'events', 'base_model': 'base_web__events',
         'staged_model': 'stg_web__events', 'key': 'event_id'},
        {'source': 'consent', 'table': 'events', 'base_model': 'base_consent__events',
         'staged_model': 'stg_consent__events',
         'key': "concat_ws('|', source, source_record_key, channel, cast(recorded_at as " ~ dbt.type_string() ~ "))"},
        {'source': 'privacy', 'table': 'requests', 'base_model': 'base_privacy__requests',
         'staged_model': 'stg_privacy__requests', 'key': 'request_id'},
    ]) }}
{%- endmacro %}
