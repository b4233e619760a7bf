{#-
    Lower-case, accents folded (é -> e, ë -> e, ç -> c), letters that are no accented letter
    written out (ß -> ss, æ -> ae, ø -> o, œ -> oe, ł -> l, đ -> d, þ -> th), apostrophes dropped
    (d'Hondt -> dhondt), every other character outside `keep` turned into a space, whitespace
    collapsed; '' -> null.
-#}
{% macro fold_text(expression, keep='a-z') -%}
    nullif(trim(regexp_replace(regexp_replace(replace(replace(
        strip_accents(
            replace(replace(replace(replace(replace(replace(replace(
                lower({{ expression }}), 'ß', 'ss'), 'æ', 'ae'), 'ø', 'o'), 'œ', 'oe'), 'ł', 'l'), 'đ', 'd'), 'þ', 'th')
        ), '''', ''), '’', ''),
        '[^{{ keep }}]+', ' ', 'g'), '\s+', ' ', 'g')), '')
{%- endmacro %}
