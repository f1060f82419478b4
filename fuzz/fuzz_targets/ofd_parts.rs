#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pingshen::fuzz::ofd_parts(data));
