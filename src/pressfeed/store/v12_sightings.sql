-- pressfeed store, schema version 12: what each source last gave of an article, in words.

-- A release two sources bring is one article, its first source's; the
-- other's items are copies and were never read again. A correction only a
-- copy's source gave (a ministry fixing a figure on its own board) was lost.
-- One row per article and source that gave it: a digest of the words that
-- source's item had at its last fetch (`seen`), and of those that count as its
-- version (`taken`: the first it gave, or one it gave at two fetches in a row).
-- `carries`: the article's words are this source's version, not its owner's;
-- `earlier`: the version it gave before (a copy going back to it is a stale
-- cache, no correction: pressfeed.ingest.copies); `since`: when it first gave
-- the words `seen` (UTC, ISO 8601: a run at the same instant is no second
-- fetch; none for a correction held back, too many changes without a date
-- having been taken, and "reset" once `sources reset` lets it through);
-- `words`: a copy's words of `taken`, what its next change is made from (the
-- article may have that change already); `was`: a carrying copy's words before
-- the correction it carries (the owner's later change that leaves those words
-- as they were is no change of them).
CREATE TABLE sighting (
    article_id TEXT NOT NULL,
    source_id  TEXT NOT NULL,
    seen       TEXT NOT NULL,
    taken      TEXT NOT NULL,
    carries    INTEGER NOT NULL DEFAULT 0,
    earlier    TEXT NOT NULL DEFAULT '',
    since      TEXT NOT NULL DEFAULT '',
    words      TEXT NOT NULL DEFAULT '',
    was        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (article_id, source_id)
) WITHOUT ROWID;

-- The corrections held back, each run's `sources check` list of them.
CREATE INDEX sighting_held ON sighting (source_id, article_id) WHERE since = '' AND seen <> taken;
