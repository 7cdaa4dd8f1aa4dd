-- pressfeed store on PostgreSQL, schema version 10: what each source last said of a release another source
-- brought first (see v11_sightings.sql).

CREATE TABLE sighting (
    article_id text COLLATE "C" NOT NULL,
    source_id  text COLLATE "C" NOT NULL,
    said       text COLLATE "C" NOT NULL,
    PRIMARY KEY (article_id, source_id)
);
