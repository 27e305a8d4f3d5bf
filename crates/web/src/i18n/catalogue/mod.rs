//! The UI text catalogue: every key with its Chinese and English text, one entry per key, in
//! tables by the key's first letter (each sorted; a test checks the order across them).

mod a_to_k;
mod l_to_z;

/// The tables in key order.
pub(crate) const TABLES: [&[(&str, &str, &str)]; 2] = [a_to_k::TEXTS, l_to_z::TEXTS];
