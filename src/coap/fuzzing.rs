//! `arbitrary::Arbitrary` for the CoAP value types, for structured fuzzing.
