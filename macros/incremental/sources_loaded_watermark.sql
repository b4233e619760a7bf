{#- The newest input an incremental mart holds: the max of its _sources_loaded_at, the newest
    _loaded_at / aligned_at of the rows each of its rows was built from. A daily run recomputes
    the rows with an input stamped after it: stamps are run start times, and every stamp in the
    table comes from a run before this one, so whatever a later run loaded is newer. -#}
{% macro sources_loaded_watermark() -%}
    (select max(_sources_loaded_at) from {{ this }})
{%- endmacro %}
