-- pressfeed store on PostgreSQL, schema version 2: one story, one item (see v2_stories.sql).

ALTER TABLE article ADD COLUMN superseded_by text COLLATE "C";
ALTER TABLE article ADD COLUMN keep_both boolean NOT NULL DEFAULT false;
ALTER TABLE article ADD COLUMN feed_guid text COLLATE "C";
ALTER TABLE article ADD COLUMN feed_guid_updated timestamptz;

-- "what does this CMS article supersede" (articles show, re-imports)
CREATE INDEX article_superseded_by ON article (superseded_by) WHERE superseded_by IS NOT NULL;
-- "who took over this release's guid" (unlink_story, set_keep_both)
CREATE INDEX article_feed_guid ON article (feed_guid) WHERE feed_guid IS NOT NULL;

CREATE TABLE citation (
    key        text COLLATE "C" NOT NULL,
    article_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (key, article_id)
);
CREATE INDEX citation_article ON citation (article_id);

-- CMS articles stored before this version have recorded no citations
INSERT INTO meta (key, value) VALUES ('stories_relink', 'pending')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
