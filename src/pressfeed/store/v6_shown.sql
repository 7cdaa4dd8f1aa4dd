-- pressfeed store, schema version 6: which articles have been in a published feed.

-- One story, one item (pressfeed.stories): a newsroom article takes over the
-- guid of the release it supersedes only when readers have that release and
-- not yet the article. Whether an item was published is a fact of past
-- builds, not of the article's row: the build records every article it
-- renders into a feed. A row outlives its article's deletion on purpose:
-- readers keep the item, so an article brought back under the same id has
-- been shown.
CREATE TABLE shown (
    article_id TEXT PRIMARY KEY
) WITHOUT ROWID;

-- Stores from before this version were built by runs that did not record it:
-- what is published and due now is taken as shown (what a build would have rendered).
INSERT INTO shown (article_id)
    SELECT id FROM article WHERE status = 'published' AND published <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now');
