#![no_main]

libfuzzer_sys::fuzz_target!(init: pingshen::fuzz::init(), |data: &[u8]| pingshen::fuzz::image(data));
