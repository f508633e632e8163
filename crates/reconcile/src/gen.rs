//! `vaxpass gen-registry` (docs/reconcile.md §Generator): a registry extract for a set of
//! `gen-records` records with controlled rates of each fault, the records rewritten with their
//! record-side faults, and the truth of every record, so tests can score precision and recall.
//!
//! Defaults follow the seed issue's proportions (76,625,000 records: 3,500,000 without a
//! usable ID, 2,579,000 not in the registry, 19,039,000 with wrong information).
//!
//! IDs are rewritten to be unique by construction (an affine permutation of the record
//! number, per ID kind), because random IDs collide: 10 M random CCCD/CMND/passport numbers
//! of `gen-records` share about 18,000 IDs, which would be real duplicates. Unique for up to
//! [`MAX_GENERATED`] records. Memory: one record at a time and a pool of at most
//! [`POOL`] IDs for duplicates.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::PathBuf;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization as _;
use vaxpass_issuer::gen::Rng;
use vaxpass_issuer::nid::{self, Sex};
use vaxpass_issuer::records::{csv_header, csv_row, Format, Item, Record, RecordReader};

use crate::dob::PartialDate;
use crate::error::{Error, Result};
use crate::fields::{full_name, id_key};
use crate::names::{self, move_tone, NameForms, RecordName};
use crate::tolerance::{Class, Tolerance};

/// Most records with guaranteed unique IDs.
pub const MAX_GENERATED: u64 = 60_000_000;
/// IDs of clean verified records kept for `duplicate` faults.
const POOL: usize = 1024;

/// Share of all records per fault (the rest are verified).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// No ID.
    pub no_id: f64,
    /// An ill-formed ID.
    pub id_format: f64,
    /// Person absent from the registry.
    pub not_found: f64,
    /// The record carries another record's ID.
    pub duplicate: f64,
    /// Wrong information (typing errors or another person's ID).
    pub wrong: f64,
    /// Of `wrong`: the registry holds another person under this ID.
    pub different_person: f64,
    /// Of the verified: a spelling equivalence (case, NFD, tone placement, Đ/D, partial date).
    pub equivalence: f64,
    /// Registry people without a record, relative to the records.
    pub extra: f64,
}

impl Default for Rates {
    /// The seed issue's proportions of 76,625,000.
    fn default() -> Rates {
        Rates {
            no_id: 0.0245,
            id_format: 0.0212,
            not_found: 2_579.0 / 76_625.0,
            duplicate: 0.004,
            wrong: 19_039.0 / 76_625.0 - 0.004,
            different_person: 0.15,
            equivalence: 0.30,
            extra: 0.05,
        }
    }
}

/// Where the records come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A `gen-records` file (CSV or JSON Lines).
    File(PathBuf),
    /// Generate `count` records with `vaxpass_issuer::gen` (no injected record errors).
    Generate {
        /// Records.
        count: u64,
    },
}

/// What `gen_registry` does.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// The records.
    pub source: Source,
    /// Output directory: `records.csv`, `registry.csv` (or `.jsonl`), `truth.jsonl`.
    pub out: PathBuf,
    /// Seed.
    pub seed: u64,
    /// Fault rates.
    pub rates: Rates,
    /// Write the registry as JSON Lines instead of CSV.
    pub registry_jsonl: bool,
}

impl GenOptions {
    /// Default rates, CSV registry.
    pub fn new(source: Source, out: impl Into<PathBuf>, seed: u64) -> GenOptions {
        GenOptions {
            source,
            out: out.into(),
            seed,
            rates: Rates::default(),
            registry_jsonl: false,
        }
    }
}

/// The fault injected into one record (the `fault` of `truth.jsonl`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// None.
    None,
    /// A spelling equivalence (which: the tolerance).
    Equivalence(Tolerance),
    /// A typing error (which: the tolerance, or `None` for sex/province).
    Typo(Option<Tolerance>),
    /// Sex flipped.
    SexFlip,
    /// Registry province differs.
    Province,
    /// The registry holds another person.
    DifferentPerson,
    /// ID removed.
    NoId,
    /// ID garbled.
    IdFormat,
    /// Not in the registry.
    NotFound,
    /// Another record's ID.
    Duplicate,
    /// The input record already lacked a usable ID.
    Input,
}

impl Fault {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Fault::None => "none",
            Fault::Equivalence(t) | Fault::Typo(Some(t)) => t.code(),
            Fault::Typo(None) => "typo",
            Fault::SexFlip => "SEX_FLIP",
            Fault::Province => "PROVINCE",
            Fault::DifferentPerson => "DIFFERENT_PERSON",
            Fault::NoId => "NO_ID",
            Fault::IdFormat => "ID_FORMAT",
            Fault::NotFound => "NOT_FOUND",
            Fault::Duplicate => "DUPLICATE",
            Fault::Input => "INPUT",
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct GenSummary {
    /// Records written.
    pub records: u64,
    /// Registry entries written.
    pub registry: u64,
    /// Records per true class.
    pub classes: Vec<(Class, u64)>,
    /// Records per fault code.
    pub faults: std::collections::BTreeMap<String, u64>,
}

/// An affine bijection of `0..m` (a is coprime with 2, 3, 5 and 7).
fn perm(i: u64, m: u64, salt: u64) -> u64 {
    const A: u128 = 2_654_435_761;
    ((A * u128::from(i) + u128::from(salt % m)) % u128::from(m)) as u64
}

/// A unique ID of the same kind as `id` for record number `i`.
fn unique_id(id: &str, i: u64, salt: u64) -> String {
    let digits = id.bytes().all(|b| b.is_ascii_digit());
    if digits && id.len() == 12 {
        let provinces = nid::provinces();
        let j = perm(i, provinces.len() as u64 * 1_000_000, salt);
        let p = provinces
            .get((j / 1_000_000) as usize)
            .copied()
            .unwrap_or(1);
        let mid = id.get(3..6).unwrap_or("085");
        format!("{p:03}{mid}{:06}", j % 1_000_000)
    } else if digits && id.len() == 9 {
        format!("{:09}", perm(i, 1_000_000_000, salt))
    } else {
        let x = perm(i, 100_000_000, salt);
        let letters = b"BCEGHKLMNP";
        let l = letters
            .get((x / 10_000_000) as usize)
            .copied()
            .unwrap_or(b'B') as char;
        format!("{l}{:07}", x % 10_000_000)
    }
}

fn uniform(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

fn ascii_fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

/// A full date consistent with a (possibly partial) date of birth.
fn full_dob(dob: &str, rng: &mut Rng) -> Option<PartialDate> {
    let d = PartialDate::parse(dob)?;
    let month = d.month.unwrap_or(1 + rng.below(12) as u8);
    let day = d.day.unwrap_or(1 + rng.below(28) as u8);
    Some(PartialDate {
        year: d.year,
        month: Some(month),
        day: Some(day),
    })
}

/// One typing error in a name: substitute, delete, insert, transpose or change a tone.
fn typo_name(s: &str, rng: &mut Rng) -> String {
    let chars: Vec<char> = s.nfc().collect();
    if chars.len() < 2 {
        return format!("{s}h");
    }
    let i = 1 + rng.below(chars.len() as u64 - 1) as usize;
    let mut out = chars.clone();
    match rng.below(4) {
        0 => {
            let letters = ['a', 'e', 'h', 'i', 'n', 'o', 't', 'u'];
            let c = letters
                .get(rng.below(letters.len() as u64) as usize)
                .copied()
                .unwrap_or('a');
            if let Some(x) = out.get_mut(i) {
                *x = if *x == c { 'y' } else { c };
            }
        }
        1 => {
            out.remove(i);
        }
        2 => out.insert(i, out.get(i - 1).copied().unwrap_or('n')),
        _ => out.swap(i - 1, i),
    }
    out.into_iter().collect()
}

fn dob_typo(d: PartialDate, rng: &mut Rng) -> Option<PartialDate> {
    for _ in 0..20 {
        let s = format!("{:04}{:02}{:02}", d.year, d.month?, d.day?);
        let mut b = s.into_bytes();
        let i = rng.below(8) as usize;
        if let Some(x) = b.get_mut(i) {
            *x = b'0' + ((*x - b'0' + 1 + rng.below(9) as u8) % 10);
        }
        let t = String::from_utf8(b).ok()?;
        if let Some(n) = PartialDate::parse(&t) {
            if n != d && n.year >= 1900 && n.year <= 2025 {
                return Some(n);
            }
        }
    }
    None
}

struct Person {
    family: String,
    middle: String,
    given: String,
    dob: PartialDate,
    sex: Sex,
    province: u16,
}

impl Person {
    fn full(&self) -> String {
        full_name(&Record {
            family_name: self.family.clone(),
            middle_name: self.middle.clone(),
            given_name: self.given.clone(),
            ..Record::default()
        })
    }
}

enum RegistryOut {
    Csv(Box<csv::Writer<BufWriter<File>>>),
    Json(BufWriter<File>),
}

struct Writers {
    records: csv::Writer<BufWriter<File>>,
    registry: RegistryOut,
    truth: BufWriter<File>,
    out: PathBuf,
}

impl Writers {
    fn io(&self, e: std::io::Error) -> Error {
        Error::io(&self.out, e)
    }

    fn record(&mut self, r: &Record) -> Result<()> {
        self.records
            .write_record(csv_row(r))
            .map_err(|e| Error::Engine(e.to_string()))
    }

    fn registry(
        &mut self,
        id: &str,
        p: &Person,
        name: &str,
        dob: &str,
        province: &str,
    ) -> Result<()> {
        let sex = if p.sex == Sex::Male { "M" } else { "F" };
        match &mut self.registry {
            RegistryOut::Csv(w) => w
                .write_record([id, name, dob, sex, province])
                .map_err(|e| Error::Engine(e.to_string())),
            RegistryOut::Json(w) => {
                let v = serde_json::json!({"id": id, "full_name": name, "dob": dob, "sex": sex, "province": province});
                writeln!(w, "{v}").map_err(|e| Error::io(&self.out, e))
            }
        }
    }

    fn truth(
        &mut self,
        i: u64,
        rid: &str,
        class: Class,
        fault: Fault,
        verdict: Option<&str>,
    ) -> Result<()> {
        let v = serde_json::json!({
            "index": i, "record_id": rid, "class": class.code(), "fault": fault.code(), "verdict": verdict,
        });
        let line = v.to_string();
        writeln!(self.truth, "{line}").map_err(|e| self.io(e))
    }
}

fn random_person(rng: &mut Rng, i: u64) -> Option<(Record, Person)> {
    let r = vaxpass_issuer::gen::record(rng, i, 0.0, None);
    let dob = full_dob(&r.dob, rng)?;
    let sex = Sex::parse(&r.sex)?;
    let provinces = nid::provinces();
    let province = provinces
        .get(rng.below(provinces.len() as u64) as usize)
        .copied()
        .unwrap_or(1);
    let p = Person {
        family: r.family_name.clone(),
        middle: r.middle_name.clone(),
        given: r.given_name.clone(),
        dob,
        sex,
        province,
    };
    Some((r, p))
}

/// Writes `records.csv`, the registry and `truth.jsonl` into `opts.out`.
pub fn gen_registry(opts: &GenOptions) -> Result<GenSummary> {
    let r = opts.rates;
    let shares = [
        r.no_id,
        r.id_format,
        r.not_found,
        r.duplicate,
        r.wrong,
        r.different_person,
        r.equivalence,
        r.extra,
    ];
    if shares.iter().any(|x| !(0.0..=1.0).contains(x))
        || r.no_id + r.id_format + r.not_found + r.duplicate + r.wrong > 1.0
    {
        return Err(Error::Options(
            "rates must be within 0–1 and the class rates sum to at most 1".into(),
        ));
    }
    std::fs::create_dir_all(&opts.out).map_err(|e| Error::io(&opts.out, e))?;
    let create = |name: &str| {
        let p = opts.out.join(name);
        File::create(&p)
            .map(|f| BufWriter::with_capacity(1 << 20, f))
            .map_err(|e| Error::io(&p, e))
    };
    let mut rec_out = create("records.csv")?;
    writeln!(rec_out, "{}", csv_header()).map_err(|e| Error::io(&opts.out, e))?;
    let registry = if opts.registry_jsonl {
        RegistryOut::Json(create("registry.jsonl")?)
    } else {
        let mut c = csv::WriterBuilder::new().from_writer(create("registry.csv")?);
        c.write_record(["id", "full_name", "dob", "sex", "province"])
            .map_err(|e| Error::Engine(e.to_string()))?;
        RegistryOut::Csv(Box::new(c))
    };
    let mut w = Writers {
        records: csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(rec_out),
        registry,
        truth: create("truth.jsonl")?,
        out: opts.out.clone(),
    };
    let mut rng = Rng::new(opts.seed);
    let mut people = Rng::new(opts.seed ^ 0x05EE_D0F9_E091_E000);
    let salt = opts.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut summary = GenSummary::default();
    let mut class_counts = [0u64; Class::ALL.len()];
    let mut pool: Vec<String> = Vec::new();
    let mut reader = match &opts.source {
        Source::File(p) => {
            Some(RecordReader::open(p, Format::from_path(p)).map_err(|e| Error::io(p, e))?)
        }
        Source::Generate { count } if *count > MAX_GENERATED => {
            return Err(Error::Options(format!("at most {MAX_GENERATED} records")));
        }
        Source::Generate { .. } => None,
    };
    let count = match &opts.source {
        Source::Generate { count } => *count,
        Source::File(_) => u64::MAX,
    };
    let mut i = 0u64;
    loop {
        let rec = match &mut reader {
            Some(rd) => match rd.next_entry() {
                None => None,
                Some(Ok(e)) => match e.item {
                    Item::Record(r) => Some(r),
                    Item::Malformed { .. } => {
                        i += 1;
                        continue;
                    }
                },
                Some(Err(e)) => return Err(Error::Engine(format!("records: {e}"))),
            },
            None => (i < count).then(|| vaxpass_issuer::gen::record(&mut people, i, 0.0, None)),
        };
        let Some(mut rec) = rec else { break };
        let (class, fault, verdict) = one(
            &mut rec,
            i,
            salt,
            &mut rng,
            &mut people,
            &mut pool,
            &opts.rates,
            &mut w,
            &mut summary,
        )?;
        w.record(&rec)?;
        w.truth(i, &rec.record_id, class, fault, verdict)?;
        if let Some(c) = class_counts.get_mut(class.index()) {
            *c += 1;
        }
        *summary.faults.entry(fault.code().to_string()).or_default() += 1;
        summary.records += 1;
        i += 1;
    }
    // People in the registry without a record.
    let extra = (summary.records as f64 * opts.rates.extra).round() as u64;
    for k in 0..extra {
        if let Some((_, p)) = random_person(&mut people, i + k) {
            let template = format!(
                "000{}{:02}000000",
                nid::century_sex_digit(p.dob.year, p.sex),
                p.dob.year.rem_euclid(100)
            );
            let id = unique_id(&template, i + k, salt);
            let province = id.get(..3).unwrap_or("001").to_string();
            w.registry(&id, &p, &p.full(), &p.dob.iso(), &province)?;
            summary.registry += 1;
        }
    }
    summary.classes = Class::ALL
        .iter()
        .map(|c| (*c, class_counts.get(c.index()).copied().unwrap_or(0)))
        .collect();
    w.records.flush().map_err(|e| Error::io(&opts.out, e))?;
    match &mut w.registry {
        RegistryOut::Csv(c) => c.flush(),
        RegistryOut::Json(j) => j.flush(),
    }
    .map_err(|e| Error::io(&opts.out, e))?;
    w.truth.flush().map_err(|e| Error::io(&opts.out, e))?;
    Ok(summary)
}

/// Injects one record's fault, writes its registry entry; returns its truth.
#[allow(clippy::too_many_arguments)]
fn one(
    rec: &mut Record,
    i: u64,
    salt: u64,
    rng: &mut Rng,
    people: &mut Rng,
    pool: &mut Vec<String>,
    rates: &Rates,
    w: &mut Writers,
    summary: &mut GenSummary,
) -> Result<(Class, Fault, Option<&'static str>)> {
    let key = id_key(&rec.national_id);
    match nid::check(&key, None, None) {
        Err(nid::IdProblem::Missing) => return Ok((Class::NoId, Fault::Input, None)),
        Err(_) => return Ok((Class::IdFormat, Fault::Input, None)),
        Ok(_) => {}
    }
    let (Some(dob), Some(sex)) = (full_dob(&rec.dob, rng), Sex::parse(&rec.sex)) else {
        // Unreadable date or sex from an erroneous input: not in the registry.
        return Ok((Class::NotFound, Fault::NotFound, None));
    };
    rec.national_id = unique_id(&key, i, salt);
    let id = rec.national_id.clone();
    let province = crate::score::cccd_province(&id).unwrap_or_else(|| {
        let p = nid::provinces();
        p.get(rng.below(p.len() as u64) as usize)
            .copied()
            .unwrap_or(1)
    });
    let person = Person {
        family: rec.family_name.clone(),
        middle: rec.middle_name.clone(),
        given: rec.given_name.clone(),
        dob,
        sex,
        province,
    };
    let mut reg_name = person.full();
    let mut reg_dob = person.dob.iso();
    let mut reg_province = format!("{province:03}");
    let add = |w: &mut Writers,
               name: &str,
               dob: &str,
               prov: &str,
               summary: &mut GenSummary|
     -> Result<()> {
        summary.registry += 1;
        w.registry(&id, &person, name, dob, prov)
    };
    let u = uniform(rng);
    let mut edge = rates.no_id;
    if u < edge {
        add(w, &reg_name, &reg_dob, &reg_province, summary)?;
        rec.national_id = String::new();
        return Ok((Class::NoId, Fault::NoId, None));
    }
    edge += rates.id_format;
    if u < edge {
        add(w, &reg_name, &reg_dob, &reg_province, summary)?;
        let garbled = match rng.below(3) {
            0 if id.len() == 12 => format!("003{}", id.get(3..).unwrap_or("")),
            1 => format!("{}{}", id, rng.below(10)),
            _ => format!(
                "{}#{}",
                id.get(..4).unwrap_or(""),
                id.get(4..).unwrap_or("")
            ),
        };
        rec.national_id = if nid::check(&id_key(&garbled), None, None).is_err() {
            garbled
        } else {
            format!("{id}#")
        };
        return Ok((Class::IdFormat, Fault::IdFormat, None));
    }
    edge += rates.not_found;
    if u < edge {
        return Ok((Class::NotFound, Fault::NotFound, None));
    }
    edge += rates.duplicate;
    if u < edge {
        if let Some(other) = pool.pop() {
            // This person is in the registry under their own ID; the record claims another's.
            add(w, &reg_name, &reg_dob, &reg_province, summary)?;
            rec.national_id = other;
            return Ok((Class::Duplicate, Fault::Duplicate, Some("different_person")));
        }
    }
    edge += rates.wrong;
    if u < edge {
        if uniform(rng) < rates.different_person {
            if let Some((_, p)) = random_person(people, u64::MAX - i) {
                let prov = if crate::score::cccd_province(&id).is_some() {
                    reg_province.clone()
                } else {
                    format!("{:03}", p.province)
                };
                summary.registry += 1;
                w.registry(&id, &p, &p.full(), &p.dob.iso(), &prov)?;
                return Ok((
                    Class::Wrong,
                    Fault::DifferentPerson,
                    Some("different_person"),
                ));
            }
        }
        let fault = typo(rec, &person, &id, rng, &mut reg_province);
        add(w, &reg_name, &reg_dob, &reg_province, summary)?;
        return Ok((Class::Wrong, fault, Some("typing_error")));
    }
    // Verified, maybe with a spelling equivalence.
    let mut fault = Fault::None;
    if uniform(rng) < rates.equivalence {
        let t = match rng.below(5) {
            0 => Tolerance::UnicodeForm,
            1 => Tolerance::TonePlacement,
            2 => Tolerance::DStroke,
            3 => Tolerance::DobPartial,
            _ => Tolerance::CaseSpacing,
        };
        let t = match t {
            Tolerance::TonePlacement => {
                let moved: Option<String> =
                    rec.given_name.split(' ').map(move_tone).find_map(|m| m);
                match moved {
                    Some(_) => {
                        rec.given_name = rec
                            .given_name
                            .split(' ')
                            .map(|s| move_tone(s).unwrap_or_else(|| s.to_string()))
                            .collect::<Vec<_>>()
                            .join(" ");
                        t
                    }
                    None => Tolerance::CaseSpacing,
                }
            }
            Tolerance::DStroke if reg_name.contains(['Đ', 'đ']) => {
                reg_name = reg_name.replace('Đ', "D").replace('đ', "d");
                t
            }
            Tolerance::DStroke => Tolerance::CaseSpacing,
            Tolerance::DobPartial => {
                reg_dob = format!("{:04}", person.dob.year);
                t
            }
            other => other,
        };
        match t {
            Tolerance::UnicodeForm => reg_name = reg_name.nfd().collect(),
            Tolerance::CaseSpacing => reg_name = reg_name.to_uppercase(),
            _ => {}
        }
        fault = Fault::Equivalence(t);
    }
    add(w, &reg_name, &reg_dob, &reg_province, summary)?;
    if fault == Fault::None && pool.len() < POOL {
        pool.push(id.clone());
    }
    Ok((Class::Verified, fault, None))
}

/// A typing error on the record side (or a registry province that differs).
fn typo(rec: &mut Record, p: &Person, id: &str, rng: &mut Rng, reg_province: &mut String) -> Fault {
    for _ in 0..8 {
        match rng.below(8) {
            0 => {
                let before = RecordName::new(&rec.family_name, &rec.middle_name, &rec.given_name);
                let given = typo_name(&rec.given_name, rng);
                let after = RecordName::new(&rec.family_name, &rec.middle_name, &given);
                let m = names::compare(&after, before.forms());
                if m.differs
                    && m.tolerances.contains(&Tolerance::NameTypo)
                    && crate::encoding::check(&given).is_none()
                {
                    rec.given_name = given;
                    return Fault::Typo(Some(Tolerance::NameTypo));
                }
            }
            1 => {
                let f =
                    [&rec.family_name, &rec.middle_name, &rec.given_name].map(|s| ascii_fold(s));
                let folded = NameForms::new(&[&f[0], &f[1], &f[2]]);
                let orig = NameForms::new(&[&rec.family_name, &rec.middle_name, &rec.given_name]);
                if names::compare_forms(&folded, &orig)
                    .tolerances
                    .contains(&Tolerance::DiacriticsMissing)
                {
                    [rec.family_name, rec.middle_name, rec.given_name] = f;
                    return Fault::Typo(Some(Tolerance::DiacriticsMissing));
                }
            }
            2 if !rec.middle_name.is_empty() => {
                rec.middle_name.clear();
                return Fault::Typo(Some(Tolerance::MiddleNameMissing));
            }
            3 if !rec.family_name.is_empty() && rec.family_name != rec.given_name => {
                std::mem::swap(&mut rec.family_name, &mut rec.given_name);
                return Fault::Typo(Some(Tolerance::NameOrderSwapped));
            }
            4 => {
                if let Some(d) = dob_typo(p.dob, rng) {
                    rec.dob = d.iso();
                    return Fault::Typo(Some(Tolerance::DobTypo));
                }
            }
            5 => {
                if let (Some(m), Some(d)) = (p.dob.month, p.dob.day) {
                    if d <= 12 && d != m {
                        rec.dob = format!("{:04}-{d:02}-{m:02}", p.dob.year);
                        return Fault::Typo(Some(Tolerance::DobDayMonthSwapped));
                    }
                }
            }
            6 => {
                rec.sex = match p.sex {
                    Sex::Male => "F".into(),
                    Sex::Female => "M".into(),
                };
                return Fault::SexFlip;
            }
            _ if crate::score::cccd_province(id).is_some() => {
                let ps = nid::provinces();
                let other = ps
                    .iter()
                    .copied()
                    .filter(|x| *x != p.province)
                    .nth(rng.below(ps.len() as u64 - 1) as usize)
                    .unwrap_or(1);
                *reg_province = format!("{other:03}");
                return Fault::Province;
            }
            _ => {}
        }
    }
    rec.sex = match p.sex {
        Sex::Male => "F".into(),
        Sex::Female => "M".into(),
    };
    Fault::SexFlip
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_ids_keep_their_kind() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..20_000 {
            for id in ["079185012345", "012345678", "C1234567"] {
                let u = unique_id(id, i, 7);
                assert!(nid::check(&u, None, None).is_ok(), "{u}");
                assert!(seen.insert(u));
            }
        }
        assert_eq!(unique_id("079185012345", 3, 7).get(3..6), Some("185"));
    }

    #[test]
    fn typos_differ() {
        let mut rng = Rng::new(1);
        for _ in 0..200 {
            assert_ne!(typo_name("Hương", &mut rng), "Hương");
        }
        let d = PartialDate::parse("1985-04-30").unwrap();
        for _ in 0..50 {
            let t = dob_typo(d, &mut rng).unwrap();
            assert_ne!(t, d);
        }
    }
}
