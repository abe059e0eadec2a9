//! `fields=` on the lists (records of a kind, search, commitments): a
//! comma-separated list of the item fields to keep, so a script that needs
//! two fields of 200 records does not download everything else. The names
//! allowed are the properties of the item's own schema, so the check, the
//! document and the answer cannot disagree; `slug` and `api_url` are always
//! kept, so every item can still be followed.

use serde::Serialize;
use serde_json::Value;
use utoipa::PartialSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

use super::super::paginate::ParamProblem;
use super::super::params::Params;

/// The fields every item keeps, whatever `fields=` names.
pub const ALWAYS: [&str; 2] = ["slug", "api_url"];

/// The property names of `T`'s schema, in order.
pub fn names<T: PartialSchema>() -> Vec<String> {
    match T::schema() {
        RefOr::T(Schema::Object(o)) => o.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// What `fields=` asks to keep of items of type `T`: `None` for everything.
pub fn parse<T: PartialSchema>(params: &Params) -> Result<Option<Vec<String>>, ParamProblem> {
    let Some(value) = params.get("fields").filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    let allowed = names::<T>();
    let asked: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect();
    let unknown: Vec<&str> = asked
        .iter()
        .map(String::as_str)
        .filter(|n| !allowed.iter().any(|a| a == n))
        .collect();
    if !unknown.is_empty() {
        return Err(ParamProblem::new(
            "fields",
            format!(
                "unknown field{} {}: fields takes a comma-separated list of {} \
                 (slug and api_url are always kept)",
                if unknown.len() == 1 { "" } else { "s" },
                unknown
                    .iter()
                    .map(|n| format!("{n:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                allowed.join(", ")
            ),
        ));
    }
    Ok(Some(asked))
}

/// `answer` as JSON, its `list`'s items cut to the fields kept.
pub fn apply(answer: impl Serialize, list: &str, keep: Option<&[String]>) -> Value {
    let mut json = serde_json::to_value(answer).expect("answers serialise to JSON");
    if let (Some(keep), Some(Value::Array(items))) = (keep, json.get_mut(list)) {
        for item in items.iter_mut().filter_map(Value::as_object_mut) {
            item.retain(|k, _| ALWAYS.contains(&k.as_str()) || keep.iter().any(|n| n == k));
        }
    }
    json
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::api::RecordListItem;

    #[test]
    fn names_come_from_the_schema_and_unknown_ones_are_refused() {
        let names = names::<RecordListItem>();
        assert!(names.iter().any(|n| n == "summary_en"), "{names:?}");
        let ok = parse::<RecordListItem>(&Params::parse("fields=title,%20summary_en")).unwrap();
        assert_eq!(ok.unwrap(), ["title", "summary_en"]);
        assert_eq!(
            parse::<RecordListItem>(&Params::parse("fields=")).unwrap(),
            None
        );
        let e = parse::<RecordListItem>(&Params::parse("fields=title,nope,zz")).unwrap_err();
        assert_eq!(e.parameter, "fields");
        assert!(e.detail.contains("\"nope\", \"zz\""), "{}", e.detail);
        assert!(e.detail.contains("summary_en"), "{}", e.detail);
        let cut = apply(
            serde_json::json!({"records": [{"slug": "a", "api_url": "/x", "title": "t", "summary": "s"}], "next": null}),
            "records",
            Some(&["title".to_owned()]),
        );
        assert_eq!(
            cut,
            serde_json::json!({"records": [{"slug": "a", "api_url": "/x", "title": "t"}], "next": null})
        );
    }
}
