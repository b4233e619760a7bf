{#- True when two given names can be one person's: a close spelling (Jaro-Winkler at least
    var first_name_min_similarity), one typo after the first letter (one edit: short names that
    Jaro-Winkler misjudges, jn / jan; kim / tim stay apart), or a short form of at least three
    letters that starts or ends the other (stef / stephanie, tine / martine). -#}
{% macro compatible_names(name_l, name_r) -%}
    (
        jaro_winkler_similarity({{ name_l }}, {{ name_r }}) >= {{ var('first_name_min_similarity') }}
        or (
            damerau_levenshtein({{ name_l }}, {{ name_r }}) <= 1
            and left({{ name_l }}, 1) = left({{ name_r }}, 1)
        )
        or (
            least(length({{ name_l }}), length({{ name_r }})) >= 3
            and (
                {{ text_starts_with(name_l, name_r) }} or {{ text_starts_with(name_r, name_l) }}
                or {{ text_ends_with(name_l, name_r) }} or {{ text_ends_with(name_r, name_l) }}
            )
        )
    )
{%- endmacro %}
