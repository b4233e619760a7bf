{#-
    A select that ends in a `qualify` clause (filter on window functions), in any dialect:

        {% call portable_qualify() %}
        select ... from ... where ...
        qualify row_number() over (partition by ... order by ...) = 1
        {% endcall %}

    DuckDB runs the query as written. Spark SQL has no `qualify`: the condition becomes a column
    of the select (or, when it names the select's own aliases, of a select around it, with the
    table qualifiers dropped) and an outer select keeps the rows where it holds, without it.
-#}
{% macro portable_qualify() -%}
    {{ return(adapter.dispatch('portable_qualify', 'customer360')(caller())) }}
{%- endmacro %}


{% macro default__portable_qualify(query) -%}
    {{ query }}
{%- endmacro %}


{% macro spark__portable_qualify(query) -%}
    {%- set re = modules.re -%}
    {#- top-level (outside parentheses, quotes and comments) select, from and qualify -#}
    {%- set ns = namespace(depth=0, select_end=none, from_start=none, qualify_start=none, aliases=[]) -%}
    {%- for token in re.finditer("'(?:[^']|'')*'|--[^\\n]*|\\(|\\)|\\b(?:select|from|qualify|as)\\b(?:\\s+([a-z_][a-z0-9_]*))?", query, re.I) -%}
        {%- set word = token.group(0).split()[0] | lower -%}
        {%- if word == '(' -%}
            {%- set ns.depth = ns.depth + 1 -%}
        {%- elif word == ')' -%}
            {%- set ns.depth = ns.depth - 1 -%}
        {%- elif ns.depth == 0 and word == 'select' and ns.select_end is none -%}
            {%- set ns.select_end = token.start() + 6 -%}
        {%- elif ns.depth == 0 and word == 'from' and ns.from_start is none and ns.select_end is not none -%}
            {%- set ns.from_start = token.start() -%}
        {%- elif ns.depth == 0 and word == 'as' and ns.from_start is none and token.group(1) -%}
            {%- do ns.aliases.append(token.group(1) | lower) -%}
        {%- elif ns.depth == 0 and word == 'qualify' -%}
            {%- set ns.qualify_start = token.start() -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if ns.qualify_start is none or ns.from_start is none -%}
        {{ exceptions.raise_compiler_error('portable_qualify: no top-level select ... from ... qualify in: ' ~ query) }}
    {%- endif -%}
    {%- set body = query[:ns.qualify_start] -%}
    {%- set condition = query[ns.qualify_start + 7:] | trim -%}
    {#- does the condition name an alias of the select list (not a table's column)? -#}
    {%- set named = re.findall("(?<![.\\w])([a-z_][a-z0-9_]*)", re.sub("'(?:[^']|'')*'", "", condition | lower)) -%}
    {%- set on_aliases = named | select('in', ns.aliases) | list | length > 0 %}
    select * except (_qualify_keep)
    from (
    {%- if on_aliases %}
        select
            *,
            ({{ re.sub("\\b[a-z_][a-z0-9_]*\\.(?=[a-z_])", "", condition) }}) as _qualify_keep
        from ({{ body }}) as qualify_input
    {%- else %}
        {{ query[:ns.from_start] }},
            ({{ condition }}) as _qualify_keep
        {{ query[ns.from_start:ns.qualify_start] }}
    {%- endif %}
    ) as qualify_filtered
    where _qualify_keep
{%- endmacro %}
