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
