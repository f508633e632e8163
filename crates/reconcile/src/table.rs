//! Arrow IPC files the stages hand to each other (docs/reconcile.md §Plan): fixed schemas of
//! `UInt64` then `Utf8` columns, written in batches of [`BATCH_ROWS`] rows so a writer holds
//! at most one batch in memory.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, RecordBatch, StringArray, StringBuilder, UInt64Array, UInt64Builder,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::arrow::ipc::writer::FileWriter;

use crate::error::{Error, Result};

/// Rows per Arrow batch.
pub(crate) const BATCH_ROWS: usize = 16_384;

/// Numeric then text column names of the normalised records (`records.arrow`).
pub(crate) const RECORDS: (&[&str], &[&str]) = (
    &["idx", "line"],
    &[
        "key",
        "record_id",
        "family",
        "middle",
        "given",
        "dob",
        "sex",
        "site",
        "fp",
        "nid",
    ],
);
/// … of the registry (`registry.arrow`); `enc` holds an encoding reason code or nothing.
pub(crate) const REGISTRY: (&[&str], &[&str]) =
    (&["line"], &["key", "name", "dob", "sex", "province", "enc"]);
/// … of the rows to fix (`fix/*.arrow`).
pub(crate) const FIX: (&[&str], &[&str]) = (
    &["idx", "line"],
    &[
        "site",
        "record_id",
        "class",
        "reasons",
        "verdict",
        "tolerances",
        "rec_name",
        "rec_dob",
        "rec_sex",
        "rec_id",
        "reg_name",
        "reg_dob",
        "reg_sex",
        "reg_province",
    ],
);
/// … of the verified records (`verified/*.arrow`).
pub(crate) const VERIFIED: (&[&str], &[&str]) = (&["idx"], &["record_id", "fp"]);

/// The schema of a column set.
pub(crate) fn schema(cols: (&[&str], &[&str])) -> SchemaRef {
    let mut fields: Vec<Field> = cols
        .0
        .iter()
        .map(|n| Field::new(*n, DataType::UInt64, false))
        .collect();
    fields.extend(cols.1.iter().map(|n| Field::new(*n, DataType::Utf8, false)));
    Arc::new(Schema::new(fields))
}

/// Writes rows of one schema to an Arrow IPC file.
pub(crate) struct TableWriter {
    schema: SchemaRef,
    nums: Vec<UInt64Builder>,
    strs: Vec<StringBuilder>,
    rows: usize,
    written: u64,
    writer: FileWriter<BufWriter<File>>,
    path: String,
}

impl TableWriter {
    /// Creates the file.
    pub(crate) fn create(path: &Path, cols: (&[&str], &[&str])) -> Result<TableWriter> {
        let schema = schema(cols);
        let file = File::create(path).map_err(|e| Error::io(path, e))?;
        let writer = FileWriter::try_new(BufWriter::with_capacity(1 << 20, file), &schema)?;
        Ok(TableWriter {
            nums: cols
                .0
                .iter()
                .map(|_| UInt64Builder::with_capacity(BATCH_ROWS))
                .collect(),
            strs: cols
                .1
                .iter()
                .map(|_| StringBuilder::with_capacity(BATCH_ROWS, BATCH_ROWS * 16))
                .collect(),
            schema,
            rows: 0,
            written: 0,
            writer,
            path: path.display().to_string(),
        })
    }

    /// Appends one row; `nums` and `strs` in schema order (extra values are ignored, missing
    /// ones written as 0 / empty so the columns stay aligned).
    pub(crate) fn push(&mut self, nums: &[u64], strs: &[&str]) -> Result<()> {
        for (i, b) in self.nums.iter_mut().enumerate() {
            b.append_value(nums.get(i).copied().unwrap_or(0));
        }
        for (i, b) in self.strs.iter_mut().enumerate() {
            b.append_value(strs.get(i).copied().unwrap_or(""));
        }
        self.rows += 1;
        if self.rows >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut cols: Vec<ArrayRef> = Vec::with_capacity(self.nums.len() + self.strs.len());
        for b in &mut self.nums {
            cols.push(Arc::new(b.finish()));
        }
        for b in &mut self.strs {
            cols.push(Arc::new(b.finish()));
        }
        let batch = RecordBatch::try_new(self.schema.clone(), cols)?;
        self.writer.write(&batch)?;
        self.written += self.rows as u64;
        self.rows = 0;
        Ok(())
    }

    /// Writes what is left and closes the file; returns the number of rows.
    pub(crate) fn finish(mut self) -> Result<u64> {
        self.flush()?;
        self.writer.finish()?;
        let inner = self.writer.get_mut();
        std::io::Write::flush(inner).map_err(|e| Error::Io {
            path: self.path.clone(),
            source: e,
        })?;
        Ok(self.written)
    }
}

/// A text column by name, whatever string type the engine produced.
pub(crate) fn text(batch: &RecordBatch, name: &str) -> Result<StringArray> {
    let col = batch
        .column_by_name(name)
        .ok_or_else(|| Error::PlanShape(format!("no column {name}")))?;
    let col = if col.data_type() == &DataType::Utf8 {
        col.clone()
    } else {
        cast(col, &DataType::Utf8)?
    };
    col.as_any()
        .downcast_ref::<StringArray>()
        .cloned()
        .ok_or_else(|| Error::PlanShape(format!("column {name} is not text")))
}

/// A numeric column by name, cast to `UInt64` (nulls stay null).
pub(crate) fn number(batch: &RecordBatch, name: &str) -> Result<UInt64Array> {
    let col = batch
        .column_by_name(name)
        .ok_or_else(|| Error::PlanShape(format!("no column {name}")))?;
    let col = if col.data_type() == &DataType::UInt64 {
        col.clone()
    } else {
        cast(col, &DataType::UInt64)?
    };
    col.as_any()
        .downcast_ref::<UInt64Array>()
        .cloned()
        .ok_or_else(|| Error::PlanShape(format!("column {name} is not a number")))
}

/// The value at `i`, or `None` when null.
pub(crate) fn get_text(a: &StringArray, i: usize) -> Option<&str> {
    (i < a.len() && !a.is_null(i)).then(|| a.value(i))
}

/// The value at `i`, or `None` when null.
pub(crate) fn get_number(a: &UInt64Array, i: usize) -> Option<u64> {
    (i < a.len() && !a.is_null(i)).then(|| a.value(i))
}
