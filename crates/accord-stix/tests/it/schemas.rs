//! Differential test against the official OASIS STIX 2.1 JSON Schemas: on real objects and on
//! hundreds of broken variants of them, whatever the schemas refuse, `validate_object` refuses
//! too (it may refuse more: rules a schema cannot express, such as `modified >= created`).

use std::collections::HashMap;
use std::path::PathBuf;

use accord_stix::validate_object;

use crate::mutations::{objects, variants};
use serde_json::Value;

/// Resolves the schemas' `$ref`s (absolute URLs of the OASIS repository) to the local copies.
struct LocalSchemas(PathBuf);

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let path = uri.path().as_str();
        let rel = path.split("/schemas/").nth(1).ok_or_else(|| format!("unexpected schema URI {uri}"))?;
        let text = std::fs::read_to_string(self.0.join(rel))?;
        Ok(serde_json::from_str(&text)?)
    }
}

struct Schemas {
    root: PathBuf,
    compiled: HashMap<String, jsonschema::Validator>,
}

impl Schemas {
    fn schema_file(&self, object_type: &str) -> Option<PathBuf> {
        ["sdos", "sros", "observables", "common"]
            .iter()
            .map(|d| self.root.join(d).join(format!("{object_type}.json")))
            .find(|p| p.exists())
    }

    /// Whether the official schema of the object's type accepts it (`None` for types
    /// without a schema, such as custom objects).
    fn accepts(&mut self, object: &Value) -> Option<bool> {
        let t = object.get("type")?.as_str()?.to_owned();
        if !self.compiled.contains_key(&t) {
            let file = self.schema_file(&t)?;
            let schema: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            let validator = jsonschema::options()
                .with_retriever(LocalSchemas(self.root.clone()))
                .build(&schema)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            self.compiled.insert(t.clone(), validator);
        }
        Some(self.compiled[&t].is_valid(object))
    }
}

#[test]
fn whatever_the_official_schemas_refuse_is_refused() {
    let Some(root) = accord_testkit::shared_schemas("stix2.1") else { return };
    let Some(examples) = accord_testkit::shared_fixtures("stix/examples") else { return };
    let mut schemas = Schemas { root, compiled: HashMap::new() };
    let originals = objects(&examples);
    let (mut compared, mut refused_by_schema) = (0, 0);
    let mut too_lax = Vec::new();
    for original in &originals {
        assert_eq!(
            schemas.accepts(original),
            Some(true),
            "the schema refuses an official example: {original}"
        );
        for (what, variant) in variants(original) {
            let Some(schema_ok) = schemas.accepts(&variant) else { continue };
            compared += 1;
            if !schema_ok {
                refused_by_schema += 1;
                if validate_object(&variant.to_string()).is_ok() {
                    too_lax.push(format!("{} {what}", original["id"]));
                }
            }
        }
    }
    assert!(compared > 1000 && refused_by_schema > 500, "{compared} compared, {refused_by_schema} refused");
    assert!(
        too_lax.is_empty(),
        "{} variants refused by the official schemas were accepted:\n{}",
        too_lax.len(),
        too_lax.iter().take(1000).cloned().collect::<Vec<_>>().join("\n")
    );
}
