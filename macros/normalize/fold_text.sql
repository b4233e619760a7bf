{#-
    Lower-case, accents folded (é -> e, ë -> e, ç -> c), letters that are no accented letter
    written out (ß -> ss, æ -> ae, ø -> o, œ -> oe, ł -> l, đ -> d, þ -> th), apostrophes dropped
    (d'Hondt -> dhondt), every other character but a letter (of any script: Arabic, Hebrew and
    Cyrillic names are kept as written) or, with `keep_digits`, a digit turned into a space,
    whitespace collapsed; '' -> null. has_unfolded_letters tells what is left outside a-z.
-#}
{% macro fold_text(expression, keep_digits=false) -%}
    nullif(trim(regexp_replace(regexp_replace(replace(replace(
        strip_accents(
            replace(replace(replace(replace(replace(replace(replace(
                lower({{ expression }}), 'ß', 'ss'), 'æ', 'ae'), 'ø', 'o'), 'œ', 'oe'), 'ł', 'l'), 'đ', 'd'), 'þ', 'th')
        ), '''', ''), '’', ''),
        '[^\pL\pM{{ "0-9" if keep_digits }}]+', ' ', 'g'), '\s+', ' ', 'g')), '')
{%- endmacro %}


{#- True when a folded text holds letters without a Latin equivalent (another script). -#}
{% macro has_unfolded_letters(folded) -%}
    regexp_matches({{ folded }}, '[^a-z0-9 ]')
{%- endmacro %}
