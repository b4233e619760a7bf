{#-
    Lower-case, accents folded (é -> e, ë -> e, ç -> c), letters that are no accented letter
    written out (ß -> ss, æ -> ae, ø -> o, œ -> oe, ł -> l, đ -> d, þ -> th), apostrophes dropped
    (d'Hondt -> dhondt), every other character but a letter (of any script: Arabic, Hebrew and
    Cyrillic names are kept as written) or, with `keep_digits`, a digit turned into a space,
    whitespace collapsed; '' -> null. has_unfolded_letters tells what is left outside a-z.
-#}
{% macro fold_text(expression, keep_digits=false) -%}
    {%- set letters_written_out -%}
        replace(replace(replace(replace(replace(replace(replace(
                lower({{ expression }}), 'ß', 'ss'), 'æ', 'ae'), 'ø', 'o'), 'œ', 'oe'), 'ł', 'l'), 'đ', 'd'), 'þ', 'th')
    {%- endset -%}
    {%- set without_apostrophes -%}
        replace(replace(
        {{ strip_accents(letters_written_out) }}
        , {{ sql_text_literal("'") }}, ''), '’', '')
    {%- endset -%}
    nullif(trim({{ regex_replace(
        regex_replace(without_apostrophes, non_letter_pattern(keep_digits), ' '), whitespace_pattern(), ' '
    ) }}), '')
{%- endmacro %}


{#- True when a folded text holds letters without a Latin equivalent (another script). -#}
{% macro has_unfolded_letters(folded) -%}
    {{ regex_matches(folded, '[^a-z0-9 ]') }}
{%- endmacro %}
