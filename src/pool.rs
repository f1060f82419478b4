//! Where packages are reviewed: in this process, or in supervised worker processes kept idle
//! between packages ([`crate::worker`]). `batch` and `serve` both review through a [`Pool`].

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::schema::StageId;
use crate::verdict::{Verdict, VerdictKind};
use crate::worker::{self, Failure, Format, Worker, WorkerConfig};
use crate::{Options, Reviewer};

/// Where packages are reviewed.
#[derive(Debug, Clone, Default)]
pub enum Isolation {
    /// In this process's threads: fastest, but a package that aborts, hangs or exhausts memory
    /// takes the batch down.
    #[default]
    InProcess,
    /// In supervised worker processes ([`crate::worker`]), one per thread.
    Workers(WorkerConfig),
}

/// One package's review as a caller gets it back.
#[derive(Debug)]
pub struct Reviewed {
    /// The verdict rendered as asked.
    pub body: String,
    /// The verdict itself.
    pub verdict: VerdictKind,
    /// The verdict as a value, when it was made in this process (in-process reviews, and the
    /// error verdict of a failed worker); a worker's verdict is only its rendered `body`.
    pub typed: Option<Verdict>,
    /// Why the worker gave no verdict (the package then has an `error` verdict).
    pub failure: Option<Failure>,
}

/// Reviews packages where [`Isolation`] says, keeping idle workers for the next package. Shared
/// by threads: each review takes an idle worker (or starts one) and puts it back.
pub struct Pool {
    isolation: Isolation,
    reviewer: Reviewer,
    opts: Options,
    idle: Mutex<Vec<Worker>>,
    restarts: AtomicU64,
}

impl Pool {
    pub fn new(isolation: Isolation, reviewer: Reviewer, opts: Options) -> Pool {
        Pool {
            isolation,
            reviewer,
            opts,
            idle: Mutex::new(Vec::new()),
            restarts: AtomicU64::new(0),
        }
    }

    pub fn reviewer(&self) -> &Reviewer {
        &self.reviewer
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    pub fn isolation(&self) -> &Isolation {
        &self.isolation
    }

    /// Workers that failed on a package and were replaced, since the pool was made.
    pub fn restarts(&self) -> u64 {
        self.restarts.load(Ordering::Relaxed)
    }

    /// Starts `n` workers ahead of the first package (none in-process); the number running.
    /// A worker that cannot start is the error.
    pub fn warm(&self, n: usize) -> Result<usize, Failure> {
        let Isolation::Workers(config) = &self.isolation else {
            return Ok(0);
        };
        let Ok(mut idle) = self.idle.lock() else {
            return Err(Failure::Crashed("worker pool poisoned".into()));
        };
        while idle.len() < n {
            let mut w = Worker::new(config.clone());
            w.ensure_started()?;
            idle.push(w);
        }
        Ok(idle.len())
    }

    /// Reviews the package at `path`, rendered as `format`; `stage` overrides the pool's own
    /// `--stage` for this package.
    pub fn review(&self, path: &Path, format: Format, stage: Option<StageId>) -> Reviewed {
        let config = match &self.isolation {
            Isolation::InProcess => {
                let opts = Options {
                    stage: stage.or(self.opts.stage),
                    ..self.opts
                };
                let v = crate::review_path(path, &self.reviewer, &opts);
                return Reviewed {
                    body: format.render(&v),
                    verdict: v.verdict,
                    typed: Some(v),
                    failure: None,
                };
            }
            Isolation::Workers(config) => config,
        };
        let mut w = self
            .idle
            .lock()
            .ok()
            .and_then(|mut idle| idle.pop())
            .unwrap_or_else(|| Worker::new(config.clone()));
        let outcome = w.review_as(path, format, stage);
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(w);
        }
        match outcome {
            Ok(reply) => Reviewed {
                body: reply.body,
                verdict: reply.verdict,
                typed: None,
                failure: None,
            },
            Err(failure) => {
                self.restarts.fetch_add(1, Ordering::Relaxed);
                let v = worker::failure_verdict(path, &failure, &self.reviewer);
                Reviewed {
                    body: format.render(&v),
                    verdict: v.verdict,
                    typed: Some(v),
                    failure: Some(failure),
                }
            }
        }
    }
}
