{#- Date and time arithmetic. -#}

{#- An interval of `amount` days, hours, months or years, to add to or subtract from a date or
    timestamp. -#}
{% macro interval_of(amount, unit) -%}
    {%- if unit not in ['day', 'hour', 'month', 'year'] -%}
        {{ exceptions.raise_compiler_error('interval_of: unit must be day, hour, month or year, not ' ~ unit) }}
    {%- endif -%}
    {{ return(adapter.dispatch('interval_of', 'customer360')(amount, unit)) }}
{%- endmacro %}

{% macro default__interval_of(amount, unit) -%}
    to_{{ unit }}s({{ amount }})
{%- endmacro %}

{% macro spark__interval_of(amount, unit) -%}
    {%- if unit == 'day' -%}
        make_dt_interval({{ amount }})
    {%- elif unit == 'hour' -%}
        make_dt_interval(0, {{ amount }})
    {%- elif unit == 'month' -%}
        make_ym_interval(0, {{ amount }})
    {%- else -%}
        make_ym_interval({{ amount }}, 0)
    {%- endif -%}
{%- endmacro %}


{#- Whole days from the date `start` to the date `end` (end - start). -#}
{% macro days_between(start, end) -%}
    {{ return(adapter.dispatch('days_between', 'customer360')(start, end)) }}
{%- endmacro %}

{% macro default__days_between(start, end) -%}
    {{ end }} - {{ start }}
{%- endmacro %}

{% macro spark__days_between(start, end) -%}
    datediff({{ end }}, {{ start }})
{%- endmacro %}


{#- A text as a date in a strftime `format` (%d, %m, %Y and separators), null when it is not. -#}
{% macro try_parse_date(expression, format) -%}
    {{ return(adapter.dispatch('try_parse_date', 'customer360')(expression, format)) }}
{%- endmacro %}

{% macro default__try_parse_date(expression, format) -%}
    try_cast(try_strptime({{ expression }}, '{{ format }}') as date)
{%- endmacro %}

{% macro spark__try_parse_date(expression, format) -%}
    {#- Java patterns: with separators, one or two digits for day and month (as %d and %m read) -#}
    {%- set padded = format | replace('%d', '') | replace('%m', '') | replace('%Y', '') == '' -%}
    {%- set pattern = format | replace('%Y', 'yyyy') | replace('%m', 'MM' if padded else 'M') | replace('%d', 'dd' if padded else 'd') -%}
    cast(try_to_timestamp({{ expression }}, '{{ pattern }}') as date)
{%- endmacro %}


{#- A text as an ISO date (yyyy-mm-dd), null when it is not one. Spark's cast also reads '1980'
    and '1980-05' as dates: only a full date is cast there. -#}
{% macro try_cast_date(expression) -%}
    {{ return(adapter.dispatch('try_cast_date', 'customer360')(expression)) }}
{%- endmacro %}

{% macro default__try_cast_date(expression) -%}
    try_cast({{ expression }} as date)
{%- endmacro %}

{% macro spark__try_cast_date(expression) -%}
    case when {{ expression }} rlike '^\\s*-?[0-9]{4,}-[0-9]{1,2}-[0-9]{1,2}\\s*$' then try_cast({{ expression }} as date) end
{%- endmacro %}
