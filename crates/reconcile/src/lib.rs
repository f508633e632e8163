//! VaxPass reconciliation (docs/reconcile.md): every vaccination record matched against the
//! national population registry extract (docs/registry.md), with one class and its reasons per
//! record, a worklist per vaccination site, and the verified records `vaxpass issue
//! --only-verified` takes. `gen_registry` writes a registry with known faults and the truth,
//! for tests and benchmarks.
//!
//! The join and grouping run on Apache DataFusion (`engine`); Vietnamese name and date
//! matching (`names`, `dob`, `score`) and the classes (`classify`) are ours.

#![forbid(unsafe_code)]

mod classify;
mod dob;
mod encoding;
mod engine;
mod error;
mod fields;
mod gen;
mod input;
mod names;
mod output;
mod registry;
mod run;
mod score;
mod table;
mod tolerance;
mod vi;

pub use engine::{JoinStrategy, JOIN_SQL, REGISTRY_DUPLICATES_SQL};
pub use error::{Error, Result};
pub use gen::{gen_registry, Fault, GenOptions, GenSummary, Rates, Source, MAX_GENERATED};
pub use input::fingerprint;
pub use output::site_file_name;
pub use registry::RegistryProblem;
pub use run::{reconcile, Options, Summary, Timings};
pub use score::{THRESHOLD, WEIGHT_DOB, WEIGHT_NAME, WEIGHT_PROVINCE, WEIGHT_SEX};
pub use tolerance::{Class, Field, Reason, Tolerance, Verdict};

/// The physical plan DataFusion chooses for [`JOIN_SQL`] over small sample tables, as text
/// (documentation and the plan-shape test).
pub fn explain_join(dir: &std::path::Path, join: JoinStrategy) -> Result<String> {
    let records = dir.join("records.arrow");
    let registry = dir.join("registry.arrow");
    table::TableWriter::create(&records, table::RECORDS)?.finish()?;
    table::TableWriter::create(&registry, table::REGISTRY)?.finish()?;
    let e = engine::Engine::new(2, 256 << 20, dir, join, 0)?;
    e.register("records", &records)?;
    e.register("registry", &registry)?;
    e.explain(JOIN_SQL)
}
