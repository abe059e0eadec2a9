-- The full-text indexes gather up to 16 MB of new entries in memory before
-- writing them out as a segment, instead of FTS5's default 1 MB. The
-- import writes the trigram index whole in one 'rebuild', so each 1 MB
-- flush was a small segment merged again and again into the larger ones.
-- Measured on the import of 100 times the corpus (three runs each): the
-- rebuild took 0.67-0.85 s with 1 MB and 0.40-0.77 s with 16 MB, 8 MB and
-- 64 MB doing no better. The term index is written a statement at a time,
-- and FTS5 writes its pending entries out at the end of every statement
-- anyway, so there the setting matters only to a statement whose entries
-- pass 1 MB; it is set on both so that they are built alike. It costs the
-- import at most 16 MB of memory per index; reading is unchanged. The
-- setting is stored in each index's `_config` table, so it holds for
-- every later import.
INSERT INTO search_index (search_index, rank) VALUES ('hashsize', 16777216);
INSERT INTO search_terms (search_terms, rank) VALUES ('hashsize', 16777216);
