-- pressfeed store, schema version 3: full text read from items' linked pages.

-- one row per ingested item whose page was read (or could not be): the text
-- is taken once and reused while the feed says the same of the item; a page
-- that gave no text is retried a bounded number of times, the item held as
-- a draft meanwhile, with the reason
CREATE TABLE page (
    article_id  TEXT PRIMARY KEY,
    -- what the feed said of the item when its page was read: a change reads it again
    entry_hash  TEXT NOT NULL,
    url         TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    attempts    INTEGER NOT NULL,
    -- failed: not tried again before this (NULL: given up, or never retried)
    next_try    TEXT,
    reason      TEXT,
    -- done: the extracted text (normalization sanitizes it) and the files the page offers (JSON)
    body_html   TEXT,
    attachments TEXT,
    fetched     TEXT NOT NULL
) WITHOUT ROWID;
