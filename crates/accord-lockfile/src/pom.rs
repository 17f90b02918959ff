//! `pom.xml` files (Maven), read with `roxmltree`.
//!
//! Read: every `<dependency>` of the project's `<dependencies>` and
//! `<dependencyManagement><dependencies>`, and of those of its `<profiles>`, named
//! `groupId:artifactId`, on the line of its `<dependency>` tag. `${name}` in a group, artifact or
//! version is replaced by the file's own `<properties>` (which may refer to each other), and
//! `${project.version}`, `${project.groupId}`, `${project.artifactId}`,
//! `${project.parent.version}` and `${project.parent.groupId}` (and the old `${version}`,
//! `${pom.version}`, `${parent.version}`) by the project's own elements, the version and group
//! falling back on the `<parent>`'s as Maven's inheritance does. The `<parent>` itself, plugins
//! and extensions are not dependencies.
//!
//! Notes: a dependency without a version (managed by a parent or an imported BOM this file does
//! not hold), a version range (`[1.0,2.0)`) or `LATEST`/`RELEASE`, and a property this file does
//! not define (one from a parent POM, a profile or the command line).
//!
//! Errors: text that is not XML (at the line the XML parser names), a root element other than
//! `<project>`, a `<dependency>` without `<groupId>` or `<artifactId>`.

use std::collections::HashMap;

use roxmltree::{Document, Node};

use crate::{LockfileError, Note, Package, Parsed};

/// Reads a file of this format.
pub(crate) fn parse(text: &str) -> Result<Parsed, LockfileError> {
    let doc = Document::parse(text)
        .map_err(|e| LockfileError::at(Some(e.pos().row), format!("not a valid pom.xml (XML): {e}")))?;
    let line_of = |node: Node| doc.text_pos_at(node.range().start).row;
    let project = doc.root_element();
    if project.tag_name().name() != "project" {
        return Err(LockfileError::at(
            Some(line_of(project)),
            format!("expected a <project> root element, found <{}>", project.tag_name().name()),
        ));
    }
    let properties = properties(project);
    let mut containers = vec![project];
    if let Some(profiles) = child(project, "profiles") {
        containers.extend(children(profiles, "profile"));
    }
    let mut parsed = Parsed::default();
    for container in containers {
        let lists = [
            child(container, "dependencies"),
            child(container, "dependencyManagement").and_then(|m| child(m, "dependencies")),
        ];
        for dependency in lists.into_iter().flatten().flat_map(|l| children(l, "dependency")) {
            let line = line_of(dependency);
            let field = |name: &'static str| -> Result<String, LockfileError> {
                text_of(dependency, name)
                    .ok_or_else(|| LockfileError::at(Some(line), format!("<dependency> without <{name}>")))
            };
            let (group, artifact) = (field("groupId")?, field("artifactId")?);
            let declared = format!("{group}:{artifact}");
            let note = |message: String| Note { line: Some(line), message };
            let name = match (resolve(&group, &properties), resolve(&artifact, &properties)) {
                (Ok(g), Ok(a)) => format!("{g}:{a}"),
                (Err(p), _) | (_, Err(p)) => {
                    parsed
                        .notes
                        .push(note(format!("{declared}: property ${{{p}}} is not defined in this file")));
                    continue;
                }
            };
            let Some(version) = text_of(dependency, "version") else {
                parsed.notes.push(note(format!(
                    "{name} has no version here (managed by a parent POM or an imported BOM)"
                )));
                continue;
            };
            let version = match resolve(&version, &properties) {
                Ok(v) => v,
                Err(p) => {
                    parsed.notes.push(note(format!(
                        "{name} {version}: property ${{{p}}} is not defined in this file"
                    )));
                    continue;
                }
            };
            if version.starts_with(['[', '(']) || version.contains(',') {
                parsed.notes.push(note(format!("{name} {version} is a version range, not a version")));
            } else if version == "LATEST" || version == "RELEASE" {
                parsed.notes.push(note(format!("{name} {version} names no exact version")));
            } else {
                parsed.packages.push(Package { ecosystem: "Maven".into(), name, version, line: Some(line) });
            }
        }
    }
    Ok(parsed)
}

fn children<'a, 'input>(
    node: Node<'a, 'input>,
    name: &'static str,
) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn child<'a, 'input>(node: Node<'a, 'input>, name: &'static str) -> Option<Node<'a, 'input>> {
    children(node, name).next()
}

/// An element's trimmed text, if it has some.
fn text_of(node: Node, name: &'static str) -> Option<String> {
    child(node, name).and_then(|n| n.text()).map(str::trim).filter(|t| !t.is_empty()).map(String::from)
}

/// The file's `<properties>` and the project's own coordinates as Maven names them.
fn properties(project: Node) -> HashMap<String, String> {
    let mut out = HashMap::new();
    if let Some(props) = child(project, "properties") {
        for p in props.children().filter(Node::is_element) {
            out.insert(p.tag_name().name().to_string(), p.text().unwrap_or("").trim().to_string());
        }
    }
    let parent = child(project, "parent");
    let parent_version = parent.and_then(|p| text_of(p, "version"));
    let parent_group = parent.and_then(|p| text_of(p, "groupId"));
    let version = text_of(project, "version").or_else(|| parent_version.clone());
    let group = text_of(project, "groupId").or_else(|| parent_group.clone());
    let mut set = |keys: &[&str], value: Option<String>| {
        if let Some(v) = value {
            for k in keys {
                out.insert((*k).to_string(), v.clone());
            }
        }
    };
    set(&["project.version", "pom.version", "version"], version);
    set(&["project.groupId", "pom.groupId", "groupId"], group);
    set(&["project.artifactId", "pom.artifactId", "artifactId"], text_of(project, "artifactId"));
    set(&["project.parent.version", "parent.version"], parent_version);
    set(&["project.parent.groupId", "parent.groupId"], parent_group);
    out
}

/// `value` with every `${name}` replaced, or the first name not defined (or defined in a loop).
fn resolve(value: &str, properties: &HashMap<String, String>) -> Result<String, String> {
    let mut current = value.to_string();
    for _ in 0..16 {
        let Some(start) = current.find("${") else {
            return Ok(current);
        };
        let Some(len) = current[start..].find('}') else {
            return Err(current[start + 2..].to_string());
        };
        let name = &current[start + 2..start + len];
        let Some(replacement) = properties.get(name) else {
            return Err(name.to_string());
        };
        current = format!("{}{replacement}{}", &current[..start], &current[start + len + 1..]);
    }
    let name = current.find("${").map_or("", |s| &current[s + 2..]);
    Err(name.split('}').next().unwrap_or("").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const POM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>3.2.2</version>
  </parent>
  <groupId>com.example.shop</groupId>
  <artifactId>shop-api</artifactId>
  <version>1.4.0</version>
  <properties>
    <jackson.version>2.16.1</jackson.version>
    <jackson.databind.version>${jackson.version}</jackson.databind.version>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>com.fasterxml.jackson</groupId>
        <artifactId>jackson-bom</artifactId>
        <version>${jackson.version}</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-web</artifactId>
    </dependency>
    <dependency>
      <groupId>com.fasterxml.jackson.core</groupId>
      <artifactId>jackson-databind</artifactId>
      <version>${jackson.databind.version}</version>
    </dependency>
    <dependency>
      <groupId>${project.groupId}</groupId>
      <artifactId>shop-model</artifactId>
      <version>${project.version}</version>
    </dependency>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-devtools</artifactId>
      <version>${project.parent.version}</version>
      <optional>true</optional>
    </dependency>
    <dependency>
      <groupId>org.apache.commons</groupId>
      <artifactId>commons-text</artifactId>
      <version>[1.10.0,2.0)</version>
    </dependency>
    <dependency>
      <groupId>io.netty</groupId>
      <artifactId>netty-handler</artifactId>
      <version>${netty.version}</version>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-maven-plugin</artifactId>
        <version>3.2.2</version>
      </plugin>
    </plugins>
  </build>
  <profiles>
    <profile>
      <id>it</id>
      <dependencies>
        <dependency>
          <groupId>org.testcontainers</groupId>
          <artifactId>postgresql</artifactId>
          <version>1.19.4</version>
          <scope>test</scope>
        </dependency>
      </dependencies>
    </profile>
  </profiles>
</project>
"#;

    #[test]
    fn dependencies_with_properties_resolved() {
        let parsed = parse(POM).expect("reads");
        let got: Vec<_> = parsed
            .packages
            .iter()
            .map(|p| {
                assert_eq!(p.ecosystem, "Maven");
                (p.name.as_str(), p.version.as_str(), p.line.expect("line"))
            })
            .collect();
        assert_eq!(
            got,
            [
                ("com.fasterxml.jackson.core:jackson-databind", "2.16.1", 34),
                ("com.example.shop:shop-model", "1.4.0", 39),
                ("org.springframework.boot:spring-boot-devtools", "3.2.2", 44),
                ("com.fasterxml.jackson:jackson-bom", "2.16.1", 20),
                ("org.testcontainers:postgresql", "1.19.4", 74),
            ]
        );
    }

    #[test]
    fn versions_not_in_this_file_are_notes() {
        let parsed = parse(POM).expect("reads");
        let notes: Vec<_> =
            parsed.notes.iter().map(|n| (n.line.expect("line"), n.message.as_str())).collect();
        assert_eq!(
            notes,
            [
                (
                    30,
                    "org.springframework.boot:spring-boot-starter-web has no version here \
                     (managed by a parent POM or an imported BOM)"
                ),
                (50, "org.apache.commons:commons-text [1.10.0,2.0) is a version range, not a version"),
                (
                    55,
                    "io.netty:netty-handler ${netty.version}: property ${netty.version} is not \
                     defined in this file"
                ),
            ]
        );
    }

    #[test]
    fn malformed_files_name_the_line() {
        for (text, line, fragment) in [
            (
                "<project>\n  <dependencies>\n    <dependency>\n  </dependencies>\n</project>\n",
                4,
                "not a valid pom.xml",
            ),
            ("<?xml version=\"1.0\"?>\n<settings/>\n", 2, "expected a <project> root element"),
            (
                "<project>\n<dependencies>\n<dependency>\n<artifactId>a</artifactId>\n</dependency>\n</dependencies>\n</project>",
                3,
                "<dependency> without <groupId>",
            ),
            ("{\"packages\": []}", 1, "not a valid pom.xml"),
        ] {
            let e = parse(text).expect_err(text);
            assert_eq!(e.line, Some(line), "{text}: {e}");
            assert!(e.message.contains(fragment), "{}", e.message);
        }
    }

    #[test]
    fn properties_that_loop_are_notes() {
        let parsed = parse(
            "<project><properties><a>${b}</a><b>${a}</b></properties><dependencies><dependency>\
             <groupId>g</groupId><artifactId>x</artifactId><version>${a}</version>\
             </dependency></dependencies></project>",
        )
        .expect("reads");
        assert!(parsed.packages.is_empty());
        assert_eq!(parsed.notes.len(), 1);
        assert!(parsed.notes[0].message.contains("is not defined in this file"), "{:?}", parsed.notes);
    }
}
