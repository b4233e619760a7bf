{#-
    Plausibility of landed values, as `when ... then '<reason>'` branches of a base model's
    `invalid_reason`: a value that parses but cannot be true is quarantined like one that does not
    parse, so one row dated 9999-01-01 cannot move a mart's as-of date or win every later version.
-#}

{#- A timestamp after the run (plus `future_tolerance_days`, for clocks and time zones) or before
    `earliest_plausible_date`. -#}
{% macro implausible_timestamp_checks(column) -%}
    when try_cast(trim({{ column }}) as timestamp) > {{ latest_plausible_timestamp() }}
        then '{{ column | replace("source.", "") }} in the future'
    when try_cast(trim({{ column }}) as timestamp) < cast('{{ var("earliest_plausible_date") }}' as timestamp)
        then '{{ column | replace("source.", "") }} before {{ var("earliest_plausible_date") }}'
{%- endmacro %}


{#- An amount below zero or above `maximum` (a var: a barcode typed into the quantity field). -#}
{% macro implausible_amount_checks(column, data_type, maximum) -%}
    when try_cast(trim({{ column }}) as {{ data_type }}) < 0
        then 'negative {{ column | replace("source.", "") }}'
    when try_cast(trim({{ column }}) as {{ data_type }}) > {{ maximum }}
        then '{{ column | replace("source.", "") }} above {{ maximum }}'
{%- endmacro %}


{% macro latest_plausible_timestamp() -%}
    ({{ run_timestamp() }} + {{ interval_of(var('future_tolerance_days'), 'day') }})
{%- endmacro %}
