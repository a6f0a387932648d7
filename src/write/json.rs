//! `return.json`: the identity and every figure as `{"code", "value"}`, sorted by code, for
//! other programs (and for `check`, `diff` and `reproduce` to read back).

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value, json};

use crate::measures::{Identity, Measures, Return};
use crate::text::cut;

pub fn return_json(ret: &Return) -> String {
    let id = &ret.identity;
    let measures: Vec<Value> = ret
        .measures
        .iter()
        .map(|(code, value)| json!({"code": code, "value": value}))
        .collect();
    let value = json!({
        "identity": {
            "yjs_code": id.yjs_code,
            "yjs_name": id.yjs_name,
            "nation": id.nation,
            "population_10_17": id.population_10_17,
            "period": id.period.to_string(),
            "provisional": id.provisional,
            "definitions_version": id.definitions_version,
            "tool_version": id.tool_version,
            "input_sha256": id.input_sha256,
            "generated_at": id.generated_at,
        },
        "measures": measures,
    });
    let mut s = serde_json::to_string_pretty(&value).expect("serialisable");
    s.push('\n');
    s
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a return.json: {0}")]
pub struct JsonError(String);

fn text(id: &Map<String, Value>, field: &str) -> Result<String, JsonError> {
    id.get(field)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| JsonError(format!("identity.{field} is missing or not text")))
}

/// A JSON value read with every object's keys unique. serde_json keeps the last of two equal
/// keys silently, so a return.json holding a figure twice would pass with either value.
struct Unique(Value);

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Unique, D::Error> {
        d.deserialize_any(UniqueVisitor)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Unique;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Unique, E> {
        Ok(Unique(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Unique, E> {
        Ok(Unique(Value::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Unique, E> {
        Ok(Unique(Value::from(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Unique, E> {
        Ok(Unique(
            serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
        ))
    }

    fn visit_str<E>(self, v: &str) -> Result<Unique, E> {
        Ok(Unique(Value::String(v.to_string())))
    }

    fn visit_string<E>(self, v: String) -> Result<Unique, E> {
        Ok(Unique(Value::String(v)))
    }

    fn visit_unit<E>(self) -> Result<Unique, E> {
        Ok(Unique(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Unique, A::Error> {
        let mut items = Vec::new();
        while let Some(Unique(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Unique(Value::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Unique, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "the key {:?} appears twice in one object",
                    cut(&key)
                )));
            }
            let Unique(v) = map.next_value()?;
            object.insert(key, v);
        }
        Ok(Unique(Value::Object(object)))
    }
}

/// A JSON text read with every object's keys unique: the error names a key given twice (or
/// says where the text stops being JSON).
pub fn parse_unique(input: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str(input).map(|Unique(v)| v)
}

pub fn parse_return_json(input: &str) -> Result<Return, JsonError> {
    let value = parse_unique(input).map_err(|e| {
        // The library's words can quote the file's text at any length.
        JsonError(format!("malformed JSON ({})", cut(&e.to_string())))
    })?;
    let id = value
        .get("identity")
        .and_then(Value::as_object)
        .ok_or_else(|| JsonError("no identity object".into()))?;
    let period_text = text(id, "period")?;
    let period = period_text
        .parse()
        .map_err(|e: crate::period::PeriodError| JsonError(format!("identity.period: {e}")))?;
    let population_10_17 = id
        .get("population_10_17")
        .and_then(Value::as_u64)
        .ok_or_else(|| {
            JsonError("identity.population_10_17 is missing or not a whole number".into())
        })?;
    // Absent in returns written before provisional returns existed: those were final.
    let provisional = match id.get("provisional") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(JsonError(
                "identity.provisional is not true or false".into(),
            ));
        }
    };
    let identity = Identity {
        yjs_code: text(id, "yjs_code")?,
        yjs_name: text(id, "yjs_name")?,
        nation: text(id, "nation")?,
        population_10_17,
        period,
        provisional,
        definitions_version: text(id, "definitions_version")?,
        tool_version: text(id, "tool_version")?,
        input_sha256: text(id, "input_sha256")?,
        generated_at: text(id, "generated_at")?,
    };
    let list = value
        .get("measures")
        .and_then(Value::as_array)
        .ok_or_else(|| JsonError("no measures list".into()))?;
    let mut measures = Measures::new();
    for (i, m) in list.iter().enumerate() {
        let code = m
            .get("code")
            .and_then(Value::as_str)
            .ok_or_else(|| JsonError(format!("measures[{i}] has no code")))?;
        let v = m
            .get("value")
            .and_then(Value::as_i64)
            .ok_or_else(|| JsonError(format!("measure {} has no whole-number value", cut(code))))?;
        if measures.get(code).is_some() {
            return Err(JsonError(format!("measure {} appears twice", cut(code))));
        }
        measures.set(code, v);
    }
    Ok(Return { identity, measures })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_sorts_by_code() {
        let ret = crate::write::xml::tests::sample();
        let text = return_json(&ret);
        assert_eq!(parse_return_json(&text).unwrap(), ret);
        let custody = text.find("custody.sentences").unwrap();
        let kpi1 = text.find("kpi1.all.suitable").unwrap();
        let kpi10 = text.find("kpi10.victims").unwrap();
        assert!(custody < kpi1 && kpi1 < kpi10, "sorted by code");
        assert!(text.contains("\"period\": \"2024-25 Q2\""));
    }

    #[test]
    fn clear_errors() {
        let err = |t: &str| parse_return_json(t).unwrap_err().to_string();
        assert!(err("{").contains("malformed"));
        assert!(err("{}").contains("no identity"));
        let text = return_json(&crate::write::xml::tests::sample());
        assert!(err(&text.replace("\"value\": 3", "\"value\": \"3\"")).contains("kpi10.victims"));
    }

    #[test]
    fn a_key_given_twice_is_refused_at_any_depth() {
        let text = return_json(&crate::write::xml::tests::sample());
        let err = |t: &str| parse_return_json(t).unwrap_err().to_string();
        let twice = text.replacen("\"value\": 3", "\"value\": 3, \"value\": 4", 1);
        assert!(
            err(&twice).contains("\"value\" appears twice"),
            "{}",
            err(&twice)
        );
        let twice = text.replacen("\"nation\"", "\"nation\": \"WALES\", \"nation\"", 1);
        assert!(err(&twice).contains("\"nation\" appears twice"));
        let twice = text.replacen(
            "{\n  \"identity\"",
            "{\n  \"measures\": [],\n  \"identity\"",
            1,
        );
        assert!(err(&twice).contains("\"measures\" appears twice"));
    }
}
