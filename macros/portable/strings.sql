{#- Text functions DuckDB and Spark SQL name or define differently. -#}

{#- Accents stripped (é -> e, ç -> c, й -> и). Spark has no such function: the accented letters of
    the Latin, Greek and Cyrillic blocks are translated to their base letter (what DuckDB's
    strip_accents gives for each of them) and any combining mark left is dropped. -#}
{% macro strip_accents(expression) -%}
    {{ return(adapter.dispatch('strip_accents', 'customer360')(expression)) }}
{%- endmacro %}

{% macro default__strip_accents(expression) -%}
    strip_accents({{ expression }})
{%- endmacro %}

{% macro spark__strip_accents(expression) -%}
    regexp_replace(translate({{ expression }}, 'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǢǣǦǧǨǩǪǫǬǭǮǯǰǴǵǸǹǺǻǼǽǾǿȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẛẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ΅ΆΈΉΊΌΎΏΐΪΫάέήίΰϊϋόύώϓϔЀЁЃЇЌЍЎЙйѐёѓїќѝўѶѷӁӂӐӑӒӓӖӗӚӛӜӝӞӟӢӣӤӥӦӧӪӫӬӭӮӯӰӱӲӳӴӵӸӹ', 'AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzOoUuAaIiOoUuUuUuUuUuAaAaÆæGgKkOoOoƷʒjGgNnAaÆæØøAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOoOoYyAaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMmMmMmNnNnNnNnOoOoOoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVvWwWwWwWwWwXxXxYyZzZzZzhtwyſAaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyYy¨ΑΕΗΙΟΥΩιΙΥαεηιυιυουωϒϒЕЕГІКИУИиеегікиуѴѵЖжАаАаЕеӘәЖжЗзИиИиОоӨөЭэУуУуУуЧчЫы'), '\\p{M}+', '')
{%- endmacro %}


{#- Whether a text starts or ends with another. -#}
{% macro text_starts_with(text, prefix) -%}
    {{ return(adapter.dispatch('text_starts_with', 'customer360')(text, prefix)) }}
{%- endmacro %}

{% macro default__text_starts_with(text, prefix) -%}
    starts_with({{ text }}, {{ prefix }})
{%- endmacro %}

{% macro spark__text_starts_with(text, prefix) -%}
    startswith({{ text }}, {{ prefix }})
{%- endmacro %}


{% macro text_ends_with(text, suffix) -%}
    {{ return(adapter.dispatch('text_ends_with', 'customer360')(text, suffix)) }}
{%- endmacro %}

{% macro default__text_ends_with(text, suffix) -%}
    ends_with({{ text }}, {{ suffix }})
{%- endmacro %}

{% macro spark__text_ends_with(text, suffix) -%}
    endswith({{ text }}, {{ suffix }})
{%- endmacro %}


{#- The values of a group joined by `separator` (a SQL text) in the order of `order_by`. -#}
{% macro ordered_string_agg(value, separator, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'customer360')(value, separator, order_by)) }}
{%- endmacro %}

{% macro default__ordered_string_agg(value, separator, order_by) -%}
    string_agg({{ value }}, {{ separator }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_string_agg(value, separator, order_by) -%}
    string_agg({{ value }}, {{ separator }}) within group (order by {{ order_by }})
{%- endmacro %}
