//! Any text given to the indicator language's parser: an expression or a located error, never a
//! panic; an error's line:column lies inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(e) = kaohe_domain::indicator::parse::parse(text) {
            let _ = e.to_string();
        }
    }
});
