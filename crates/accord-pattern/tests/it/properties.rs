//! Property tests: printing then parsing gives the same tree back, and no input makes the
//! parser panic.

use accord_pattern::Pattern;
use accord_pattern::ast::{
    ComparisonExpression, ComparisonOperator, Literal, ObjectPath, ObjectType, ObservationExpression,
    PathStep, Qualifier, Seconds, Test, Timestamp,
};
use proptest::prelude::*;

fn object_type() -> impl Strategy<Value = ObjectType> {
    "[a-z_][a-z0-9_-]{0,12}".prop_filter_map("a keyword", |s| ObjectType::new(&s))
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z_][a-z0-9_]{0,10}", any::<String>(), Just("AND".to_owned()), Just("true".to_owned())]
}

fn path() -> impl Strategy<Value = ObjectPath> {
    let step = prop_oneof![
        key().prop_map(PathStep::Key),
        any::<i128>().prop_map(PathStep::Index),
        Just(PathStep::AnyIndex)
    ];
    // No "hashes" anywhere: the validator checks the values compared with hashes.
    (object_type(), key(), prop::collection::vec(step, 0..4)).prop_map(|(object_type, property, steps)| {
        let clean = |k: String| if k == "hashes" { "hash".to_owned() } else { k };
        let steps = steps
            .into_iter()
            .map(|s| match s {
                PathStep::Key(k) => PathStep::Key(clean(k)),
                other => other,
            })
            .collect();
        ObjectPath { object_type, property: clean(property), steps }
    })
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    (0u32..10000, 1u32..13, 1u32..32, 0u32..24, 0u32..60, 0u32..61, prop::option::of("[0-9]{1,9}")).prop_map(
        |(y, mo, d, h, mi, s, frac)| {
            let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
            let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}Z");
            Timestamp::new(&text).expect("generated in the grammar's form")
        },
    )
}

fn literal(with_bool: bool) -> BoxedStrategy<Literal> {
    let mut options = vec![
        any::<i128>().prop_map(Literal::Int).boxed(),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Literal::Float).boxed(),
        any::<String>().prop_map(Literal::String).boxed(),
        prop::collection::vec(any::<u8>(), 1..12).prop_map(Literal::Binary).boxed(),
        prop::collection::vec(any::<u8>(), 0..12).prop_map(Literal::Hex).boxed(),
        timestamp().prop_map(Literal::Timestamp).boxed(),
    ];
    if with_bool {
        options.push(any::<bool>().prop_map(Literal::Bool).boxed());
    }
    proptest::strategy::Union::new(options).boxed()
}

fn test() -> impl Strategy<Value = Test> {
    let operator = prop_oneof![
        Just(ComparisonOperator::Equal),
        Just(ComparisonOperator::NotEqual),
        Just(ComparisonOperator::Less),
        Just(ComparisonOperator::LessOrEqual),
        Just(ComparisonOperator::Greater),
        Just(ComparisonOperator::GreaterOrEqual),
    ];
    prop_oneof![
        (path(), any::<bool>(), operator, literal(true), literal(false)).prop_map(
            |(path, negated, operator, v, o)| {
                let value = if operator.is_order() { o } else { v };
                Test::Compare { path, negated, operator, value }
            }
        ),
        (path(), any::<bool>(), prop::collection::vec(literal(true), 0..4))
            .prop_map(|(path, negated, values)| Test::In { path, negated, values }),
        (path(), any::<bool>(), any::<String>()).prop_map(|(path, negated, pattern)| Test::Like {
            path,
            negated,
            pattern
        }),
        (path(), any::<bool>(), any::<String>()).prop_map(|(path, negated, regex)| Test::Matches {
            path,
            negated,
            regex
        }),
        (path(), any::<bool>(), any::<String>()).prop_map(|(path, negated, network)| Test::IsSubset {
            path,
            negated,
            network
        }),
        (path(), any::<bool>(), any::<String>()).prop_map(|(path, negated, network)| Test::IsSuperset {
            path,
            negated,
            network
        }),
        (path(), any::<bool>()).prop_map(|(path, negated)| Test::Exists { path, negated }),
    ]
}

fn comparison() -> impl Strategy<Value = ComparisonExpression> {
    test().prop_map(ComparisonExpression::Test).prop_recursive(4, 16, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone())
                .prop_map(|(l, r)| ComparisonExpression::And(Box::new(l), Box::new(r))),
            (inner.clone(), inner).prop_map(|(l, r)| ComparisonExpression::Or(Box::new(l), Box::new(r))),
        ]
    })
}

fn qualifier() -> impl Strategy<Value = Qualifier> {
    prop_oneof![
        any::<u64>().prop_map(|n| Qualifier::Within(Seconds::Int(n))),
        (0.0f64..1e12).prop_map(|x| Qualifier::Within(Seconds::Float(x))),
        any::<u64>().prop_map(Qualifier::Repeats),
        (timestamp(), timestamp()).prop_map(|(start, stop)| Qualifier::StartStop { start, stop }),
    ]
}

fn observation() -> impl Strategy<Value = ObservationExpression> {
    comparison().prop_map(ObservationExpression::Observation).prop_recursive(4, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone())
                .prop_map(|(l, r)| ObservationExpression::And(Box::new(l), Box::new(r))),
            (inner.clone(), inner.clone())
                .prop_map(|(l, r)| ObservationExpression::Or(Box::new(l), Box::new(r))),
            (inner.clone(), inner.clone())
                .prop_map(|(l, r)| ObservationExpression::FollowedBy(Box::new(l), Box::new(r))),
            (inner, qualifier()).prop_map(|(e, q)| ObservationExpression::Qualified(Box::new(e), q)),
        ]
    })
}

fn mutated() -> impl Strategy<Value = String> {
    let seeds = prop_oneof![
        Just("[file:name = 'a' AND file:size > 5] WITHIN 5 SECONDS"),
        Just("[network-traffic:src_ref.value ISSUBSET '10.0.0.0/8'] FOLLOWEDBY [x-y:'k'[*].z IN (1, 2.5)]"),
        Just("([file:hashes.'SHA-256' = h'00ff'] OR [a:b NOT LIKE 'x%']) REPEATS 2 TIMES"),
        Just("[a:b = t'2020-01-01T00:00:00.5Z'] START t'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z'"),
        Just("[EXISTS a:b[-1] OR a:c MATCHES '^x' AND a:d = b'YWJj'] /* c */ // d"),
    ];
    let edit = (any::<prop::sample::Index>(), 0u8..3, any::<char>());
    (seeds, prop::collection::vec(edit, 1..6)).prop_map(|(seed, edits)| {
        let mut chars: Vec<char> = seed.chars().collect();
        for (at, action, c) in edits {
            let i = at.index(chars.len() + 1);
            match action {
                0 => chars.insert(i, c),
                1 if i < chars.len() => {
                    chars.remove(i);
                }
                _ if i < chars.len() => chars[i] = c,
                _ => {}
            }
        }
        chars.into_iter().collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn printing_then_parsing_gives_the_tree_back(expression in observation()) {
        let pattern = Pattern::from_expression(expression);
        let text = pattern.to_string();
        let parsed = Pattern::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(parsed, pattern, "{}", text);
    }

    #[test]
    fn the_parser_never_panics_on_random_text(text in any::<String>()) {
        let _ = Pattern::parse(&text);
    }

    #[test]
    fn the_parser_never_panics_on_mutated_patterns(text in mutated()) {
        if let Ok(pattern) = Pattern::parse(&text) {
            let printed = pattern.to_string();
            prop_assert_eq!(Pattern::parse(&printed).ok(), Some(pattern), "{}", printed);
        }
    }

    #[test]
    fn the_parser_never_panics_on_pattern_like_text(text in "[\\[\\]()':.,=<>!*+ 0-9a-zA-Z_%\\\\-]{0,40}") {
        let _ = Pattern::parse(&text);
    }
}
