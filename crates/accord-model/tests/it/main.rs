//! Tests of the model's rules that need more than a unit test.

mod cvd;
