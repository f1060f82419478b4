//! Statistics over a folder of verdicts (in progress).
