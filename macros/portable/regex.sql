{#-
    Regular expressions. `pattern` and `replacement` are the expression as written (RE2 in DuckDB,
    Java on Spark: the project's patterns mean the same in both); the macros quote them as SQL
    text. Spark SQL unescapes backslashes in string literals ('\d' would reach the regex engine
    as 'd'), so its literals double them, and a replacement's group references \1 become $1.
    Spark replaces every match: a replacement that is not `global` must be anchored at the start (^).
-#}

{% macro sql_text_literal(text) -%}
    {{ return(adapter.dispatch('sql_text_literal', 'customer360')(text)) }}
{%- endmacro %}

{% macro default__sql_text_literal(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__sql_text_literal(text) -%}
    '{{ text | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}


{#- True when a part of the text matches. -#}
{% macro regex_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'customer360')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ sql_text_literal(pattern) }})
{%- endmacro %}

{% macro spark__regex_matches(expression, pattern) -%}
    regexp_like({{ expression }}, {{ sql_text_literal(pattern) }})
{%- endmacro %}


{#- True when the whole text matches `pattern`, or the pattern held by the column
    `pattern_column`. -#}
{% macro regex_full_match(expression, pattern=none, pattern_column=none) -%}
    {{ return(adapter.dispatch('regex_full_match', 'customer360')(expression, pattern, pattern_column)) }}
{%- endmacro %}

{% macro default__regex_full_match(expression, pattern, pattern_column) -%}
    regexp_full_match({{ expression }}, {{ pattern_column if pattern_column else sql_text_literal(pattern) }})
{%- endmacro %}

{% macro spark__regex_full_match(expression, pattern, pattern_column) -%}
    {%- if pattern_column -%}
        regexp_like({{ expression }}, concat('^(?:', {{ pattern_column }}, ')$'))
    {%- else -%}
        regexp_like({{ expression }}, {{ sql_text_literal('^(?:' ~ pattern ~ ')$') }})
    {%- endif -%}
{%- endmacro %}


{#- The text of capture group `group` of the first match ('' without a match). -#}
{% macro regex_extract(expression, pattern, group) -%}
    {{ return(adapter.dispatch('regex_extract', 'customer360')(expression, pattern, group)) }}
{%- endmacro %}

{% macro default__regex_extract(expression, pattern, group) -%}
    regexp_extract({{ expression }}, {{ sql_text_literal(pattern) }}, {{ group }})
{%- endmacro %}

{% macro spark__regex_extract(expression, pattern, group) -%}
    regexp_extract({{ expression }}, {{ sql_text_literal(pattern) }}, {{ group }})
{%- endmacro %}


{#- Every match (`global`) or the first replaced; \1 in the replacement is the first group. -#}
{% macro regex_replace(expression, pattern, replacement, global=true) -%}
    {{ return(adapter.dispatch('regex_replace', 'customer360')(expression, pattern, replacement, global)) }}
{%- endmacro %}

{% macro default__regex_replace(expression, pattern, replacement, global) -%}
    regexp_replace({{ expression }}, {{ sql_text_literal(pattern) }}, {{ sql_text_literal(replacement) }}{{ ", 'g'" if global }})
{%- endmacro %}

{% macro spark__regex_replace(expression, pattern, replacement, global) -%}
    {%- if not global and not pattern.startswith('^') -%}
        {{ exceptions.raise_compiler_error('regex_replace: on Spark only a pattern anchored at the start (^) replaces one match: ' ~ pattern) }}
    {%- endif -%}
    regexp_replace({{ expression }}, {{ sql_text_literal(pattern) }}, {{ sql_text_literal(modules.re.sub('\\\\([0-9])', '$\\1', replacement)) }})
{%- endmacro %}
