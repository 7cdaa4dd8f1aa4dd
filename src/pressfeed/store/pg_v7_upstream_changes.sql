-- pressfeed store on PostgreSQL, schema version 7: upstream versions an editor's local edit kept out
-- (see v8_upstream_changes.sql).

CREATE TABLE upstream_change (
    article_id   text COLLATE "C" PRIMARY KEY,
    content_hash text NOT NULL,
    status       text COLLATE "C" NOT NULL,
    data         text NOT NULL,
    seen         timestamptz NOT NULL
);
