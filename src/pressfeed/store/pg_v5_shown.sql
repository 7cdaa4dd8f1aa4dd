-- pressfeed store on PostgreSQL, schema version 5: which articles have been in a published feed
-- (see v6_shown.sql).

CREATE TABLE shown (
    article_id text COLLATE "C" PRIMARY KEY
);

INSERT INTO shown (article_id) SELECT id FROM article WHERE status = 'published' AND published <= now();
