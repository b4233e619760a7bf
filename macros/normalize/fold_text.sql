{#-
    Lower-case, accents folded (é -> e, ë -> e, ç -> c), apostrophes dropped (d'Hondt -> dhondt),
    every other character outside `keep` turned into a space, whitespace collapsed; '' -> null.
-#}
{% macro fold_text(expression, keep='a-z') -%}
    nullif(trim(regexp_replace(regexp_replace(replace(replace(
        lower(strip_accents({{ expression }})), '''', ''), '’', ''),
        '[^{{ keep }}]+', ' ', 'g'), '\s+', ' ', 'g')), '')
{%- endmacro %}
