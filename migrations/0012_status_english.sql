-- A status statement's English, for the English edition (issue 17). The
-- status is the source's own words; its English is ours unless the record's
-- `fields_en_basis` says official. Null where none is curated yet: `check`
-- reports each one.
ALTER TABLE record_status ADD COLUMN status_en TEXT;
