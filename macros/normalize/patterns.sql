{#- Regular expressions of the normalization rules, named so the models read as prose. -#}

{#- "PEETERS Jan", "VAN DEN BROECK Marie-Louise": family name in capitals, then the given name. -#}
{% macro family_name_first_pattern() -%}
    ^\s*((?:[\p{Lu}-]{2,}\s+)+)(\S*\p{Ll}.*)$
{%- endmacro %}

{#- "Kerkstraat 12", "Kerkstr. 12A bus 3", "Rue du 11 Novembre 5": number (and box) at the end. -#}
{% macro number_last_pattern() -%}
    ^(.*?\D)[\s,]*(\d+\s?[a-zA-Z]?(?:\s*(?:/|bus|bte|boite|boîte|box|b)\.?\s*\w+)?)\s*$
{%- endmacro %}

{#- "5 rue de la Station", "5, rue de la Station": number first, French style. -#}
{% macro number_first_pattern() -%}
    ^\s*(\d+\s?[a-zA-Z]?)[\s,]+(\D.*)$
{%- endmacro %}

{% macro valid_email_pattern() -%}
    [a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}
{%- endmacro %}

{#- A loose e-mail check for privacy requests: something@something.something, no spaces. -#}
{% macro request_email_pattern() -%}
    ^[^@\s]+@[^@\s]+\.[^@\s]+$
{%- endmacro %}

{#- The first word of a full name, and what follows it. -#}
{% macro first_word_pattern() -%}
    ^(\S+)
{%- endmacro %}

{% macro after_first_word_pattern() -%}
    ^\S+\s+(.*)$
{%- endmacro %}

{#- What fold_text turns into a space: anything but a letter (or, with `keep_digits`, a digit). -#}
{% macro non_letter_pattern(keep_digits=false) -%}
    [^\pL\pM{{ "0-9" if keep_digits }}]+
{%- endmacro %}

{% macro whitespace_pattern() -%}
    \s+
{%- endmacro %}

{% macro whitespace_character_pattern() -%}
    \s
{%- endmacro %}

{#- "B-1000", "nl-1234 ab": a country's letters and a hyphen before the postcode's first digit. -#}
{% macro postcode_country_prefix_pattern() -%}
    ^[A-Z]{1,3}-([0-9])
{%- endmacro %}

{#- "12 B 3", "12/3", "12 bte 3", "12boîte3" -> "12 bus 3"; "12 A" -> "12a". -#}
{% macro house_number_box_pattern() -%}
    ^(\d+)\s*([a-z]?)\s*(?:/|\bbus\b|\bbte\b|\bboite\b|\bbox\b|\bb\b)\.?\s*(\w+)$
{%- endmacro %}

{% macro house_number_box_replacement() -%}
    \1\2 bus \3
{%- endmacro %}

{% macro house_number_letter_pattern() -%}
    ^(\d+)\s+([a-z])$
{%- endmacro %}

{% macro house_number_letter_replacement() -%}
    \1\2
{%- endmacro %}

{% macro normalize_house_number(expression) -%}
    {%- set box_written_bus -%}
        {{ regex_replace(
            'lower(' ~ strip_accents('trim(' ~ expression ~ ')') ~ ')',
            house_number_box_pattern(), house_number_box_replacement(), global=false
        ) }}
    {%- endset -%}
    nullif({{ regex_replace(
        regex_replace(box_written_bus, house_number_letter_pattern(), house_number_letter_replacement(), global=false),
        whitespace_pattern(), ' '
    ) }}, '')
{%- endmacro %}
