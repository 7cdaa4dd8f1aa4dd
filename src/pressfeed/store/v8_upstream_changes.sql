-- pressfeed store, schema version 8: upstream versions an editor's local edit kept out.

-- An ingested article an editor changed keeps the editor's version when its
-- agency changes it too; that upstream version was reported once and lost.
-- One row per such article: the latest version not taken (the article's
-- content JSON, as article.data) and when upstream first changed it. `pressfeed
-- articles revert` takes it; the row goes when upstream's version is taken,
-- or upstream sends back the version last taken.
CREATE TABLE upstream_change (
    article_id   TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    status       TEXT NOT NULL,
    data         TEXT NOT NULL,
    seen         TEXT NOT NULL
) WITHOUT ROWID;
