//! `return.json`: the identity and every figure as `{"code", "value"}`, sorted by code, for
//! other programs (and for `check`, `diff` and `reproduce` to read back).

use serde_json::{Map, Value, json};

use crate::measures::{Identity, Measures, Return};

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

pub fn parse_return_json(input: &str) -> Result<Return, JsonError> {
    let value: Value =
        serde_json::from_str(input).map_err(|e| JsonError(format!("malformed JSON ({e})")))?;
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
            .ok_or_else(|| JsonError(format!("measure {code} has no whole-number value")))?;
        if measures.get(code).is_some() {
            return Err(JsonError(format!("measure {code} appears twice")));
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
}
