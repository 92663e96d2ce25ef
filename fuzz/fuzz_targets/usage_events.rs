#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| mutualis::fuzzing::usage_events(data));
