"""The customer360 app (`customer360 app`): the warehouse in a browser.

Server-rendered pages, one URL each: /map (regional penetration), /review (the match review
queue, with decisions written where the next build reads them), /customer (one person), /health
(the last build and what landed). Starlette serves them; every page is HTML and SVG made on the
server, so it needs no map tiles, no JavaScript framework and no internet.

- ``warehouse``: short read-only visits to the DuckDB file that never stand in a build's way;
- ``decisions``: the reviewers' decisions file;
- ``queries``: what each page reads;
- ``drawing``: the map and the match-weight waterfall as SVG;
- ``server``: the routes and templates.
"""
