use std::path::Path;

use accord_stix::{Envelope, validate_object};

fn json_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// Every object of the OASIS example bundles (including two full threat reports) is valid.
#[test]
fn every_oasis_example_object_is_valid() {
    let Some(dir) = accord_testkit::shared_fixtures("stix/examples") else { return };
    let mut files = Vec::new();
    json_files(&dir, &mut files);
    assert!(files.len() >= 7, "{files:?}");
    let mut objects = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let envelope = Envelope::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for raw in &envelope.objects {
            if let Err(problems) = validate_object(raw.get()) {
                let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
                panic!("{}: {}: {}", file.display(), &raw.get()[..raw.get().len().min(120)], list.join("; "));
            }
            objects += 1;
        }
    }
    assert!(objects > 100, "only {objects} objects read");
}
