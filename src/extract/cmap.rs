//! Reader in progress; not wired into read_document yet.
