//! `packages.lock.json` files (NuGet).
//!
//! Read: `dependencies` → each target framework (`net8.0`, `net8.0/linux-x64`) → each package
//! with its `resolved` version, whether its `type` is `Direct`, `Transitive` or
//! `CentralTransitive`. A package locked for several frameworks at the same version is one
//! package. Each package is on the line of its member in its framework's object.
//!
//! Notes: `Project` entries (another project of the solution, no published version), once per
//! project name; a package entry without a `resolved` version.
//!
//! Errors: text that is not JSON, an object without a `dependencies` object, or a framework or
//! package that is not an object (with the line serde_json reports).

use serde::Deserialize;

use crate::json::{self, Ordered};
use crate::{LockfileError, Note, Package, Parsed};

#[derive(Deserialize)]
struct Lock {
    dependencies: Ordered<Ordered<Entry>>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    resolved: Option<String>,
}

/// Reads a file of this format.
pub(crate) fn parse(text: &str) -> Result<Parsed, LockfileError> {
    let lock: Lock = json::from_str(text, "packages.lock.json (an object with a `dependencies` object)")?;
    let mut parsed = Parsed::default();
    let mut lines = json::Lines::new(text);
    for (framework, packages) in lock.dependencies.0 {
        for (name, entry) in packages.0 {
            let line = lines.member(&name, "{");
            if entry.kind.as_deref() == Some("Project") {
                let message = format!("{name} is a project of the solution, not a NuGet package");
                if !parsed.notes.iter().any(|n| n.message == message) {
                    parsed.notes.push(Note { line, message });
                }
                continue;
            }
            match entry.resolved {
                Some(version) => {
                    parsed.packages.push(Package { ecosystem: "NuGet".into(), name, version, line })
                }
                None => parsed
                    .notes
                    .push(Note { line, message: format!("{name} ({framework}) has no resolved version") }),
            }
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolved_packages_of_every_framework_and_projects_as_notes() {
        let parsed = parse(
            r#"{
  "version": 1,
  "dependencies": {
    "net8.0": {
      "Serilog": {
        "type": "Direct",
        "requested": "[3.1.1, )",
        "resolved": "3.1.1",
        "contentHash": "P6G4/4Kt9bT635bhuwdXlJ2SCqqn2nhh4gqFqQueCOr9bK/e7W9ll/IoX1Ter948cV2Z/5+5v8pAfJYUISY03A=="
      },
      "System.Text.Json": {
        "type": "Transitive",
        "resolved": "8.0.0",
        "contentHash": "OdrZO2WjkiEG6ajEFRABTRCi/wuXQPxeV6g8xvUJqdxMvvuCCEk86zPla8UiIQJz3durtUEbNyY/3lIhS0yZvQ==",
        "dependencies": {"System.Text.Encodings.Web": "8.0.0"}
      },
      "Acme.Core": {
        "type": "Project",
        "dependencies": {"Serilog": "[3.1.1, )"}
      }
    },
    "net8.0/linux-x64": {
      "Serilog": {"type": "Direct", "requested": "[3.1.1, )", "resolved": "3.1.1"},
      "Microsoft.NETCore.Targets": {"type": "CentralTransitive", "requested": "[5.0.0, )", "resolved": "5.0.0"},
      "Acme.Core": {"type": "Project"}
    }
  }
}"#,
        )
        .expect("reads");
        let got: Vec<_> = parsed
            .packages
            .iter()
            .map(|p| (p.ecosystem.as_str(), p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("NuGet", "Serilog", "3.1.1"),
                ("NuGet", "System.Text.Json", "8.0.0"),
                ("NuGet", "Serilog", "3.1.1"),
                ("NuGet", "Microsoft.NETCore.Targets", "5.0.0"),
            ]
        );
        let notes: Vec<_> = parsed.notes.iter().map(|n| n.message.as_str()).collect();
        assert_eq!(notes, ["Acme.Core is a project of the solution, not a NuGet package"]);
    }

    #[test]
    fn malformed_files_name_the_line() {
        for (text, line, fragment) in [
            ("{\n  \"version\": 1\n}", 3, "missing field `dependencies`"),
            ("{\n  \"dependencies\": {\n    \"net8.0\": [\n    ]\n  }\n}", 3, "expected an object"),
            ("{\n  \"dependencies\": {\n    \"net8.0\": {\"A\": {\"resolved\": 1}}", 3, "invalid type"),
        ] {
            let e = parse(text).expect_err(text);
            assert_eq!(e.line, Some(line), "{text}: {e}");
            assert!(e.message.contains(fragment), "{}", e.message);
        }
    }
}
