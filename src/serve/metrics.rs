//! The service's counters, rendered in the Prometheus text format (version 0.0.4) for
//! `GET /metrics`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the review-time histogram's buckets.
const BUCKETS: [f64; 11] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0];

#[derive(Default)]
struct Counters {
    /// Responses by status code.
    requests: BTreeMap<u16, u64>,
    /// Verdicts by (stage, verdict).
    verdicts: BTreeMap<(String, String), u64>,
    /// Review seconds: count per bucket (cumulative when rendered), sum and count.
    buckets: [u64; BUCKETS.len()],
    review_sum: f64,
    review_count: u64,
    cache_hits: u64,
}

/// Shared by every request.
#[derive(Default)]
pub struct Metrics {
    c: Mutex<Counters>,
}

impl Metrics {
    pub fn request(&self, status: u16) {
        if let Ok(mut c) = self.c.lock() {
            *c.requests.entry(status).or_default() += 1;
        }
    }

    /// A verdict given (reviewed now or from the cache).
    pub fn verdict(&self, stage: &str, verdict: &str) {
        if let Ok(mut c) = self.c.lock() {
            *c.verdicts.entry((stage.to_string(), verdict.to_string())).or_default() += 1;
        }
    }

    pub fn cache_hit(&self) {
        if let Ok(mut c) = self.c.lock() {
            c.cache_hits += 1;
        }
    }

    /// The time one review took (from leaving the queue to the verdict).
    pub fn review_time(&self, d: Duration) {
        let secs = d.as_secs_f64();
        if let Ok(mut c) = self.c.lock() {
            if let Some(i) = BUCKETS.iter().position(|&b| secs <= b) {
                if let Some(n) = c.buckets.get_mut(i) {
                    *n += 1;
                }
            }
            c.review_sum += secs;
            c.review_count += 1;
        }
    }

    /// The text `GET /metrics` answers, with the gauges of the moment.
    pub fn render(&self, queued: usize, reviewing: usize, restarts: u64) -> String {
        let mut o = String::new();
        let Ok(c) = self.c.lock() else { return o };
        let _ = writeln!(o, "# HELP pingshen_http_requests_total HTTP responses by status code.");
        let _ = writeln!(o, "# TYPE pingshen_http_requests_total counter");
        for (status, n) in &c.requests {
            let _ = writeln!(o, "pingshen_http_requests_total{{code=\"{status}\"}} {n}");
        }
        let _ = writeln!(
            o,
            "# HELP pingshen_verdicts_total Verdicts given, by stage and verdict."
        );
        let _ = writeln!(o, "# TYPE pingshen_verdicts_total counter");
        for ((stage, verdict), n) in &c.verdicts {
            let _ = writeln!(
                o,
                "pingshen_verdicts_total{{stage=\"{}\",verdict=\"{}\"}} {n}",
                label(stage),
                label(verdict)
            );
        }
        let _ = writeln!(o, "# HELP pingshen_review_seconds Time a review took, queue excluded.");
        let _ = writeln!(o, "# TYPE pingshen_review_seconds histogram");
        let mut cumulative = 0;
        for (b, n) in BUCKETS.iter().zip(c.buckets.iter()) {
            cumulative += n;
            let _ = writeln!(o, "pingshen_review_seconds_bucket{{le=\"{b}\"}} {cumulative}");
        }
        let _ = writeln!(o, "pingshen_review_seconds_bucket{{le=\"+Inf\"}} {}", c.review_count);
        let _ = writeln!(o, "pingshen_review_seconds_sum {}", c.review_sum);
        let _ = writeln!(o, "pingshen_review_seconds_count {}", c.review_count);
        let _ = writeln!(
            o,
            "# HELP pingshen_cache_hits_total Answers given from the verdict cache."
        );
        let _ = writeln!(o, "# TYPE pingshen_cache_hits_total counter");
        let _ = writeln!(o, "pingshen_cache_hits_total {}", c.cache_hits);
        let _ = writeln!(
            o,
            "# HELP pingshen_queue_depth Packages received and waiting for a worker."
        );
        let _ = writeln!(o, "# TYPE pingshen_queue_depth gauge");
        let _ = writeln!(o, "pingshen_queue_depth {queued}");
        let _ = writeln!(o, "# HELP pingshen_reviews_in_progress Packages being reviewed now.");
        let _ = writeln!(o, "# TYPE pingshen_reviews_in_progress gauge");
        let _ = writeln!(o, "pingshen_reviews_in_progress {reviewing}");
        let _ = writeln!(
            o,
            "# HELP pingshen_workers_restarted_total Workers that died, hung or ran out of memory on a package and were replaced."
        );
        let _ = writeln!(o, "# TYPE pingshen_workers_restarted_total counter");
        let _ = writeln!(o, "pingshen_workers_restarted_total {restarts}");
        o
    }
}

/// A label value escaped as the exposition format asks (`\`, `"`, newline).
fn label(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative_and_counts_every_review() {
        let m = Metrics::default();
        m.review_time(Duration::from_millis(30));
        m.review_time(Duration::from_millis(700));
        m.review_time(Duration::from_secs(500));
        m.request(200);
        m.request(200);
        m.request(413);
        m.verdict("commissioning", "pass");
        let t = m.render(1, 2, 3);
        assert!(t.contains("pingshen_review_seconds_bucket{le=\"0.05\"} 1\n"), "{t}");
        assert!(t.contains("pingshen_review_seconds_bucket{le=\"1\"} 2\n"), "{t}");
        assert!(t.contains("pingshen_review_seconds_bucket{le=\"120\"} 2\n"), "{t}");
        assert!(t.contains("pingshen_review_seconds_bucket{le=\"+Inf\"} 3\n"), "{t}");
        assert!(t.contains("pingshen_review_seconds_count 3\n"), "{t}");
        assert!(t.contains("pingshen_http_requests_total{code=\"200\"} 2\n"), "{t}");
        assert!(t.contains("pingshen_http_requests_total{code=\"413\"} 1\n"), "{t}");
        assert!(t.contains("pingshen_verdicts_total{stage=\"commissioning\",verdict=\"pass\"} 1\n"));
        assert!(t.contains("pingshen_queue_depth 1\n"));
        assert!(t.contains("pingshen_reviews_in_progress 2\n"));
        assert!(t.contains("pingshen_workers_restarted_total 3\n"));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
