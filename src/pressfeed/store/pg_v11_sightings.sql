-- pressfeed store on PostgreSQL, schema version 11: what each source last gave of an article, in words
-- (see v12_sightings.sql).

CREATE TABLE sighting (
    article_id text COLLATE "C" NOT NULL,
    source_id  text COLLATE "C" NOT NULL,
    seen       text COLLATE "C" NOT NULL,
    taken      text COLLATE "C" NOT NULL,
    carries    boolean NOT NULL DEFAULT false,
    earlier    text COLLATE "C" NOT NULL DEFAULT '',
    since      text COLLATE "C" NOT NULL DEFAULT '',
    words      text NOT NULL DEFAULT '',
    was        text NOT NULL DEFAULT '',
    PRIMARY KEY (article_id, source_id)
);

CREATE INDEX sighting_held ON sighting (source_id, article_id) WHERE since = '' AND seen <> taken;
