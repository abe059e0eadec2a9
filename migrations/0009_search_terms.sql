-- The term index (src/search/terms.rs): for each row of search_index (same
-- rowid), its Latin words (whole words, pinyin syllables, initials) and its
-- one- and two-character substrings of letters and digits, as tokens
-- separated by spaces. Short terms and short Latin words are looked up here
-- instead of scanning every row with LIKE or GLOB. The `ascii` tokenizer
-- keeps every non-ASCII character as part of a token, so each two-character
-- gram is one token. Contentless and detail=none: only which rows hold a
-- token is stored. Written by the import (cleared with 'delete-all').
CREATE VIRTUAL TABLE search_terms USING fts5(
    terms,
    tokenize = 'ascii',
    content = '',
    detail = 'none'
);

-- A database imported before this table existed has it empty: forgetting
-- the data version makes the next import (at start-up) write everything
-- again, the term index with it.
DELETE FROM meta WHERE key = 'data_version';
