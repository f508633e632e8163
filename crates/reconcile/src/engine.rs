//! Stages 2–4 of docs/reconcile.md §Plan on Apache DataFusion: the join of records and
//! registry with the ID groups kept together, the registry's duplicate IDs, and the final
//! sorts that give `verified.jsonl` in input order and one worklist per site.
//!
//! DataFusion rather than Polars or DuckDB (numbers in docs/reconcile.md §Engine): pure Rust
//! (no C++ toolchain in CI), SQL that Ballista runs distributed unchanged, and sorts,
//! aggregates and the sort-merge join spill to disk under a fixed memory pool.
//!
//! Memory: the engine's pool is capped (`Options::memory_limit`); the hash join's build side
//! is the one part that does not spill, so `JoinStrategy::Auto` switches to the spilling
//! sort-merge join when both inputs' Arrow files exceed half of the pool.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::options::ArrowReadOptions;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::physical_expr::expressions::Column;
use datafusion::physical_plan::{
    execute_stream, execute_stream_partitioned, ExecutionPlan, ExecutionPlanProperties as _,
    Partitioning,
};
use datafusion::prelude::{SessionConfig, SessionContext};
use futures::StreamExt as _;

use crate::classify::{Counts, Group, GroupRecord, Outcome, RegEntry, Sink, MAX_GROUP_RECORDS};
use crate::error::{Error, Result};
use crate::table::{get_number, get_text, number, text};
use crate::tolerance::{Class, Reason};

/// How the engine joins records and registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JoinStrategy {
    /// Hash join while both inputs fit in half the memory pool, sort-merge beyond.
    #[default]
    Auto,
    /// In-memory hash join (fastest; the registry must fit in memory).
    Hash,
    /// Sort-merge join (spills to disk; bounded memory).
    SortMerge,
}

/// The join and grouping query (docs/reconcile.md §Plan, stage 2). Runs unchanged on
/// DataFusion's Ballista or Spark SQL given tables `records` and `registry`. Each record
/// meets the registry's first entry for its ID (lowest line) and the number of entries;
/// `ORDER BY r.key` over the hash-partitioned join keeps each ID's records together.
pub const JOIN_SQL: &str = "WITH first AS (
  SELECT key, MIN(line) AS first_line, COUNT(*) AS g_count FROM registry GROUP BY key
), reg AS (
  SELECT g.key, g.line, g.name, g.dob, g.sex, g.province, g.enc, f.g_count
  FROM registry g JOIN first f ON g.key = f.key AND g.line = f.first_line
)
SELECT r.key, r.idx, r.line, r.record_id, r.family, r.middle, r.given, r.dob, r.sex, r.site,
       r.fp, r.nid, reg.line AS g_line, reg.name AS g_name, reg.dob AS g_dob, reg.sex AS g_sex,
       reg.province AS g_province, reg.enc AS g_enc, reg.g_count
FROM records r LEFT JOIN reg ON r.key = reg.key
ORDER BY r.key";

/// Every registry entry whose ID appears more than once, by ID then line.
pub const REGISTRY_DUPLICATES_SQL: &str =
    "SELECT g.key, g.line, g.name, g.dob, g.sex, g.province, g.enc
FROM registry g
JOIN (SELECT key FROM registry GROUP BY key HAVING COUNT(*) > 1) d ON g.key = d.key
ORDER BY g.key, g.line";

/// Registry entries of duplicated IDs kept for comparison (at most
/// `MAX_REGISTRY_ENTRIES` per ID, [`MAX_DUPLICATE_ENTRIES`] in all; IDs beyond are
/// conflicts without comparison).
pub(crate) type Duplicates = HashMap<String, Vec<RegEntry>>;

/// Most registry entries of duplicated IDs held in memory.
pub(crate) const MAX_DUPLICATE_ENTRIES: usize = 1_000_000;

/// The engine with its runtime.
pub(crate) struct Engine {
    rt: tokio::runtime::Runtime,
    ctx: SessionContext,
}

impl Engine {
    /// A session with `threads` partitions, a memory pool of `memory` bytes and spill files in
    /// `spill`.
    pub(crate) fn new(
        threads: usize,
        memory: usize,
        spill: &Path,
        join: JoinStrategy,
        input_bytes: u64,
    ) -> Result<Engine> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_name("reconcile-engine")
            .build()
            .map_err(|e| Error::Engine(e.to_string()))?;
        let sort_merge = match join {
            JoinStrategy::Hash => false,
            JoinStrategy::SortMerge => true,
            // The hash join keeps one whole input (either side may be chosen as the build side)
            // in memory at about its IPC size, plus its hash table and the registry
            // aggregate: measured at 10 M records (1.6 + 0.7 GB of Arrow) it overflowed a
            // 3 GiB pool. Hash only while both inputs fit in half the pool.
            JoinStrategy::Auto => input_bytes.saturating_mul(2) > memory as u64,
        };
        let config = SessionConfig::new()
            .with_target_partitions(threads.max(1))
            .with_batch_size(8192)
            .set_bool("datafusion.optimizer.prefer_hash_join", !sort_merge)
            .set_bool("datafusion.execution.coalesce_batches", true);
        let runtime = RuntimeEnvBuilder::new()
            .with_memory_pool(Arc::new(FairSpillPool::new(memory)))
            .with_temp_file_path(spill.to_path_buf())
            .with_max_temp_directory_size(u64::MAX / 2)
            .build_arc()?;
        Ok(Engine {
            rt,
            ctx: SessionContext::new_with_config_rt(config, runtime),
        })
    }

    /// Registers an Arrow IPC file or a directory of them as `name`.
    pub(crate) fn register(&self, name: &str, path: &Path) -> Result<()> {
        let p = path.to_string_lossy().to_string();
        self.rt.block_on(
            self.ctx
                .register_arrow(name, &p, ArrowReadOptions::default()),
        )?;
        Ok(())
    }

    fn plan(&self, sql: &str) -> Result<Arc<dyn ExecutionPlan>> {
        self.rt.block_on(async {
            let df = self.ctx.sql(sql).await?;
            Ok(df.create_physical_plan().await?)
        })
    }

    /// Runs a query and hands each batch, in order, to `f` (one output stream).
    pub(crate) fn for_each(
        &self,
        sql: &str,
        mut f: impl FnMut(&RecordBatch) -> Result<()>,
    ) -> Result<()> {
        let plan = self.plan(sql)?;
        let mut stream = execute_stream(plan, self.ctx.task_ctx())?;
        while let Some(batch) = self.rt.block_on(stream.next()) {
            f(&batch?)?;
        }
        Ok(())
    }

    /// The physical plan of [`JOIN_SQL`] as text (for docs and tests).
    pub(crate) fn explain(&self, sql: &str) -> Result<String> {
        let plan = self.plan(sql)?;
        let text = datafusion::physical_plan::displayable(plan.as_ref())
            .indent(true)
            .to_string();
        Ok(text)
    }

    /// Stage 2 and 3: runs the join, classifies every group, one thread per output partition;
    /// partition `p` writes `fix/part-p.arrow` and `verified/part-p.arrow` under `tmp`.
    pub(crate) fn join_and_classify(&self, tmp: &Path, dups: &Duplicates) -> Result<Counts> {
        let full = self.plan(JOIN_SQL)?;
        // The root merges the sorted partitions into one stream; its child keeps them apart,
        // each sorted by ID and (hash join) holding whole IDs: one classifier per partition.
        let plan = match full.children().first() {
            Some(child)
                if full.name() == "SortPreservingMergeExec" && check_grouped(child).is_ok() =>
            {
                Arc::clone(child)
            }
            _ => full,
        };
        check_grouped(&plan)?;
        let streams = execute_stream_partitioned(plan, self.ctx.task_ctx())?;
        let handle = self.rt.handle().clone();
        let results: Vec<Result<Counts>> = std::thread::scope(|s| {
            let workers: Vec<_> = streams
                .into_iter()
                .enumerate()
                .map(|(p, stream)| {
                    let handle = handle.clone();
                    let fix = tmp.join(format!("fix/part-{p}.arrow"));
                    let verified = tmp.join(format!("verified/part-{p}.arrow"));
                    s.spawn(move || consume(&handle, stream, &fix, &verified, dups))
                })
                .collect();
            workers
                .into_iter()
                .map(|w| {
                    w.join().unwrap_or_else(|_| {
                        Err(Error::Worker("a classifier thread stopped".into()))
                    })
                })
                .collect()
        });
        let mut counts = Counts::default();
        for r in results {
            counts.merge(&r?);
        }
        Ok(counts)
    }
}

/// The classification relies on all rows of one ID arriving together in one partition: the
/// plan must be hash-partitioned on `key` (or have one partition) and sorted by `key`.
fn check_grouped(plan: &Arc<dyn ExecutionPlan>) -> Result<()> {
    let is_key = |e: &Arc<dyn datafusion::physical_expr::PhysicalExpr>| {
        e.downcast_ref::<Column>()
            .is_some_and(|c| c.name() == "key")
    };
    let partitioned = match plan.output_partitioning() {
        Partitioning::Hash(exprs, _) => exprs.len() == 1 && exprs.first().is_some_and(is_key),
        p => p.partition_count() == 1,
    };
    let sorted = plan
        .output_ordering()
        .map(|o| is_key(&o.first().expr))
        .unwrap_or(false);
    if partitioned && sorted {
        Ok(())
    } else {
        Err(Error::PlanShape(format!(
            "join output not grouped by key: partitioning {:?}, ordering {:?}",
            plan.output_partitioning(),
            plan.output_ordering().map(|o| o.to_string())
        )))
    }
}

fn consume(
    handle: &tokio::runtime::Handle,
    mut stream: datafusion::execution::SendableRecordBatchStream,
    fix: &Path,
    verified: &Path,
    dups: &Duplicates,
) -> Result<Counts> {
    let mut sink = Sink::create(fix, Some(verified))?;
    let mut group = Group::default();
    let mut key = String::new();
    while let Some(batch) = handle.block_on(stream.next()) {
        let b = batch?;
        let keys = text(&b, "key")?;
        let idx = number(&b, "idx")?;
        let line = number(&b, "line")?;
        let t = |n: &str| text(&b, n);
        let (record_id, family, middle, given, dob, sex, site, fp, nid) = (
            t("record_id")?,
            t("family")?,
            t("middle")?,
            t("given")?,
            t("dob")?,
            t("sex")?,
            t("site")?,
            t("fp")?,
            t("nid")?,
        );
        let (g_name, g_dob, g_sex, g_province, g_enc) = (
            t("g_name")?,
            t("g_dob")?,
            t("g_sex")?,
            t("g_province")?,
            t("g_enc")?,
        );
        let g_line = number(&b, "g_line")?;
        let g_count = number(&b, "g_count")?;
        for i in 0..b.num_rows() {
            let k = s(&keys, i);
            if k != key {
                if !group.recs.is_empty() {
                    sink.group(&mut group)?;
                }
                group.regs.clear();
                key.clear();
                key.push_str(k);
                if let Some(gl) = get_number(&g_line, i) {
                    if get_number(&g_count, i).unwrap_or(1) > 1 {
                        match dups.get(k) {
                            Some(entries) => group.regs.extend(entries.iter().cloned()),
                            None => group.regs.push(RegEntry::conflict(gl)),
                        }
                    } else {
                        group.regs.push(RegEntry::new(
                            gl,
                            s(&g_name, i),
                            s(&g_dob, i),
                            s(&g_sex, i),
                            s(&g_province, i),
                            s(&g_enc, i),
                        ));
                    }
                }
            }
            let r = GroupRecord::new(
                get_number(&idx, i).unwrap_or(0),
                get_number(&line, i).unwrap_or(0),
                s(&record_id, i),
                s(&family, i),
                s(&middle, i),
                s(&given, i),
                s(&dob, i),
                s(&sex, i),
                s(&site, i),
                s(&fp, i),
                s(&nid, i),
            );
            if group.recs.len() < MAX_GROUP_RECORDS {
                group.recs.push(r);
            } else {
                // More records claim this ID than are compared: all further ones are
                // duplicates.
                sink.emit(
                    &r,
                    None,
                    &Outcome::simple(Class::Duplicate, Reason::DuplicateId),
                )?;
            }
        }
    }
    if !group.recs.is_empty() {
        sink.group(&mut group)?;
    }
    sink.finish()
}

fn s(a: &datafusion::arrow::array::StringArray, i: usize) -> &str {
    get_text(a, i).unwrap_or("")
}
