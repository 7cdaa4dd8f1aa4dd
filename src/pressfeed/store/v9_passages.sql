-- pressfeed store, schema version 9: the passage keys of ingested releases.

-- A newsroom's near copy of a release is found by one of the release's longest
-- sentences (pressfeed.stories.passage_keys), as its exact copy is by a body
-- key. Many releases may share one (a series' template): unlike a dedupe key,
-- whose first article owns it, a passage key is every release's that has it.
CREATE TABLE passage (
    key        TEXT NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (key, article_id)
) WITHOUT ROWID;
-- "the passages of these releases" (a near copy's candidates)
CREATE INDEX passage_article ON passage (article_id);
