-- pressfeed store on PostgreSQL, schema version 8: the passage keys of ingested releases
-- (see v9_passages.sql).

CREATE TABLE passage (
    key        text COLLATE "C" NOT NULL,
    article_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (key, article_id)
);
CREATE INDEX passage_article ON passage (article_id);
