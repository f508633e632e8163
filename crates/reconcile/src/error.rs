//! Errors of `vaxpass reconcile` and `vaxpass gen-registry` (docs/reconcile.md §Errors): each has
//! a stable code; front ends word them.

use std::fmt;

/// Why a reconciliation or generation run could not complete.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    Io {
        /// The file.
        path: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The records file has no usable header (CSV without `record_id`).
    RecordsHeader(String),
    /// The registry's CSV header lacks `id` or `full_name`.
    RegistryHeader(String),
    /// The registry holds no usable entry.
    RegistryEmpty,
    /// The query engine failed (out of disk for spilling, memory limit too small …).
    Engine(String),
    /// The engine's plan does not keep rows of one ID together; a bug, never a data problem.
    PlanShape(String),
    /// An option is out of range.
    Options(String),
    /// A worker thread stopped unexpectedly.
    Worker(String),
}

impl Error {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "IO",
            Error::RecordsHeader(_) => "RECORDS_HEADER",
            Error::RegistryHeader(_) => "REGISTRY_HEADER",
            Error::RegistryEmpty => "REGISTRY_EMPTY",
            Error::Engine(_) => "ENGINE",
            Error::PlanShape(_) => "PLAN_SHAPE",
            Error::Options(_) => "OPTIONS",
            Error::Worker(_) => "WORKER",
        }
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {path}: {source}", self.code()),
            Error::RecordsHeader(d)
            | Error::RegistryHeader(d)
            | Error::Engine(d)
            | Error::PlanShape(d)
            | Error::Options(d)
            | Error::Worker(d) => write!(f, "{}: {d}", self.code()),
            Error::RegistryEmpty => f.write_str(self.code()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<datafusion::error::DataFusionError> for Error {
    fn from(e: datafusion::error::DataFusionError) -> Error {
        Error::Engine(e.to_string())
    }
}

impl From<datafusion::arrow::error::ArrowError> for Error {
    fn from(e: datafusion::arrow::error::ArrowError) -> Error {
        Error::Engine(e.to_string())
    }
}

/// Result of this crate.
pub type Result<T> = std::result::Result<T, Error>;
