#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pingshen::fuzz::xlsx_parts(data));
