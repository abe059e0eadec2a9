-- English beside the Chinese (issue 17): a record's summary in English and
-- the English of its prose fields, each with its provenance, as for names:
-- 'official' (quoted from the English text named by the *_ref_* columns) or
-- 'translation' (ours, no reference). The loader sets a basis exactly when
-- the English is given; the CHECKs keep the values honest.
ALTER TABLE records ADD COLUMN summary_en TEXT;
ALTER TABLE records ADD COLUMN summary_en_basis TEXT
    CHECK (summary_en_basis IN ('official', 'translation'));
ALTER TABLE records ADD COLUMN summary_en_ref_publisher TEXT;
ALTER TABLE records ADD COLUMN summary_en_ref_title TEXT;
ALTER TABLE records ADD COLUMN summary_en_ref_date TEXT;
ALTER TABLE records ADD COLUMN summary_en_ref_url TEXT;

-- One basis for all of a record's field English.
ALTER TABLE records ADD COLUMN fields_en_basis TEXT
    CHECK (fields_en_basis IN ('official', 'translation'));
ALTER TABLE records ADD COLUMN fields_en_ref_publisher TEXT;
ALTER TABLE records ADD COLUMN fields_en_ref_title TEXT;
ALTER TABLE records ADD COLUMN fields_en_ref_date TEXT;
ALTER TABLE records ADD COLUMN fields_en_ref_url TEXT;

-- A prose field's English, beside its value (null for fields that take
-- none: codes, numbers, the source's own words; see FieldName::needs_english).
ALTER TABLE record_fields ADD COLUMN value_en TEXT;
