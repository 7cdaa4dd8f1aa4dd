-- pressfeed store on PostgreSQL, schema version 3: full text read from items' linked pages (see v3_pages.sql).

CREATE TABLE page (
    article_id  text COLLATE "C" PRIMARY KEY,
    entry_hash  text NOT NULL,
    url         text NOT NULL,
    status      text COLLATE "C" NOT NULL CHECK (status IN ('done', 'failed')),
    attempts    integer NOT NULL,
    next_try    timestamptz,
    reason      text,
    body_html   text,
    attachments text,
    fetched     timestamptz NOT NULL
);
-- pages that gave no text (held items)
CREATE INDEX page_failed ON page (article_id) WHERE status = 'failed';
