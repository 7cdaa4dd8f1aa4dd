-- pressfeed store, schema version 2: one story, one item.
-- A newsroom (CMS) article that republishes or rewrites an ingested release
-- supersedes it: the release stays stored but leaves the feeds while the
-- newsroom's version is in them.

-- the CMS article that supersedes this release (NULL: none)
ALTER TABLE article ADD COLUMN superseded_by TEXT;
-- 1: an editor publishes this release beside the article that supersedes it
ALTER TABLE article ADD COLUMN keep_both INTEGER NOT NULL DEFAULT 0;
-- a CMS article that replaced a release already in the feeds takes over its
-- guid, so readers see an update of that item rather than a second one; the
-- release's `updated` then, which the article's rendered `updated` must pass
ALTER TABLE article ADD COLUMN feed_guid TEXT;
ALTER TABLE article ADD COLUMN feed_guid_updated TEXT;

-- "what does this CMS article supersede" (articles show)
CREATE INDEX article_superseded_by ON article (superseded_by) WHERE superseded_by IS NOT NULL;

-- the releases a CMS article cites, by key: the normalized link of its
-- source.url and the hash of its body text (see pressfeed/stories.py)
CREATE TABLE citation (
    key        TEXT NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (key, article_id)
) WITHOUT ROWID;
-- "keys of an article" (re-import, delete)
CREATE INDEX citation_article ON citation (article_id);

-- CMS articles stored before this version have recorded no citations: the
-- next import of the configured exports links them all once (imports/)
INSERT OR REPLACE INTO meta (key, value) VALUES ('stories_relink', 'pending');
