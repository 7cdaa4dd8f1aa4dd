-- pressfeed store, schema version 4: a published file is known by its fingerprint and its stat.

-- The SHA-256 of its bytes told a file whose stat changed but whose bytes did
-- not (touched, copied back) from an edited one. The build now renders such a
-- feed again and compares the bytes with the file's, so the files it writes
-- are no longer hashed.
ALTER TABLE feed_file DROP COLUMN sha256;
