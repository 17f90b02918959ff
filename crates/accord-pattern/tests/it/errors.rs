//! Error messages: what was expected, and where.

use accord_pattern::{Pattern, PatternErrorKind};

fn check(input: &str, line: usize, column: usize, message: &str) {
    let error = Pattern::parse(input).expect_err(input);
    assert_eq!((error.line, error.column), (line, column), "{input:?}: {error}");
    assert_eq!(error.to_string(), message, "{input:?}");
}

#[test]
fn syntax_errors_say_what_was_expected_and_where() {
    check("[file:name = 'a'", 1, 17, "expected ']' or AND/OR, found end of pattern at line 1, column 17");
    check("[file:name = 'a' x", 1, 18, "expected ']' or AND/OR, found 'x' at line 1, column 18");
    check(
        "[file:name 'a']",
        1,
        12,
        "expected a comparison operator, NOT, or a path step ('.' or '['), found ''a'' at line 1, column 12",
    );
    check("[file:name NOT 'a']", 1, 16, "expected a comparison operator, found ''a'' at line 1, column 16");
    check(
        "[file:size > true]",
        1,
        14,
        "expected a literal (not a boolean), found 'true' at line 1, column 14",
    );
    check("[file:name = 'a']\n  AND", 2, 6, "expected '[' or '(', found end of pattern at line 2, column 6");
    check(
        "[file:name = 'a'] WITHIN -1 SECONDS",
        1,
        26,
        "expected a positive number of seconds, found '-1' at line 1, column 26",
    );
    check("[file:name = 'a'] REPEATS 2", 1, 28, "expected TIMES, found end of pattern at line 1, column 28");
    check("[AND:name = 'a']", 1, 2, "expected an object type, found 'AND' at line 1, column 2");
    check("[file:true = 'a']", 1, 7, "expected a property name, found 'true' at line 1, column 7");
    check(
        "[file:name = 'a'] @",
        1,
        19,
        "expected end of pattern or AND/OR/FOLLOWEDBY, found '@' at line 1, column 19",
    );
    check("[file:n[x] = 1]", 1, 9, "expected an index or '*', found 'x' at line 1, column 9");
    check("", 1, 1, "expected '[' or '(', found end of pattern at line 1, column 1");
    check("[ünï:x = 1]", 1, 2, "expected an object type, found 'ü' at line 1, column 2");
}

#[test]
fn checks_beyond_the_grammar() {
    check(
        "[file:name = 'a'] WITHIN 1 SECONDS WITHIN 2 SECONDS",
        1,
        36,
        "duplicate WITHIN qualifier on one observation expression at line 1, column 36",
    );
    check("[file:hashes.MD5 = 'abc']", 1, 18, "'abc' is not a valid MD5 hash at line 1, column 18");
    check(
        "/* c */ [file:name = 'a']",
        1,
        1,
        "a pattern starts with '[' (after any '('), found '/' at line 1, column 1",
    );
    let error = Pattern::parse("[file:name = 'a'] WITHIN 1 SECONDS WITHIN 2 SECONDS").unwrap_err();
    assert_eq!(error.kind, PatternErrorKind::DuplicateQualifier { qualifier: "WITHIN" });
    assert!(Pattern::parse("([file:name = 'a']) WITHIN 1 SECONDS WITHIN 2 SECONDS").is_ok());
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let deep = format!("{}[a:b = 1]{}", "(".repeat(100_000), ")".repeat(100_000));
    let error = Pattern::parse(&deep).unwrap_err();
    assert_eq!(error.kind, PatternErrorKind::TooDeep { limit: accord_pattern::MAX_NESTING });
    let long = vec!["[a:b = 1]"; 100_000].join(" AND ");
    assert!(Pattern::parse(&long).is_err());
    let inside = format!("[{}a:b = 1{}]", "(".repeat(100_000), ")".repeat(100_000));
    assert!(Pattern::parse(&inside).is_err());
    let error = Pattern::parse(&long).unwrap_err();
    assert_eq!(error.kind, PatternErrorKind::TooComplex { limit: accord_pattern::MAX_OPERATORS });
    // At the limits, everything that walks the tree fits in a main thread's 8 MiB of stack
    // (even unoptimized).
    let walk = std::thread::Builder::new().stack_size(8 << 20).spawn(|| {
        let widest = vec!["[a:b = 1]"; accord_pattern::MAX_OPERATORS].join(" FOLLOWEDBY ");
        let pattern = Pattern::parse(&widest).unwrap();
        assert_eq!(Pattern::parse(&pattern.to_string()).unwrap(), pattern);
        assert!(pattern.compile().is_ok());
    });
    walk.unwrap().join().unwrap();
    let deepest =
        format!("{}[{}a:b = 1{}]{}", "(".repeat(32), "(".repeat(32), ")".repeat(32), ")".repeat(32));
    assert!(Pattern::parse(&deepest).unwrap().compile().is_ok());
}
