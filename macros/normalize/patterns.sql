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

{#- "12 B 3", "12/3", "12 bte 3", "12boîte3" -> "12 bus 3"; "12 A" -> "12a". -#}
{% macro normalize_house_number(expression) -%}
    nullif(regexp_replace(regexp_replace(regexp_replace(
        lower(strip_accents(trim({{ expression }}))),
        '^(\d+)\s*([a-z]?)\s*(?:/|\bbus\b|\bbte\b|\bboite\b|\bbox\b|\bb\b)\.?\s*(\w+)$', '\1\2 bus \3'),
        '^(\d+)\s+([a-z])$', '\1\2'),
        '\s+', ' ', 'g'), '')
{%- endmacro %}
