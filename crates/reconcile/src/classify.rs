//! Stage 3 of docs/reconcile.md §Plan: gives each record of one ID group its class
//! (docs/reconcile.md §Classes) and writes it once — to the rows to fix or to the verified.
//!
//! Bounds: a group holds at most [`MAX_GROUP_RECORDS`] records (more records claiming one ID
//! are duplicates without further comparison) and the query passes at most
//! [`MAX_REGISTRY_ENTRIES`] registry entries per ID; pairwise comparison is therefore at most
//! 64 × 64 comparisons of names cut to 120 characters.

use std::path::Path;
use std::sync::OnceLock;

use vaxpass_issuer::nid::Sex;
use vaxpass_issuer::records::Record;

use crate::error::Result;
use crate::fields::{full_name, id_key};
use crate::names::{NameForms, RecordName};
use crate::score::{self, cccd_province, parse_province, Comparison, OtherSide, RecordSide};
use crate::table::{TableWriter, FIX, VERIFIED};
use crate::tolerance::{Class, Reason, Tolerance, Verdict};

/// Most records of one ID compared with each other.
pub(crate) const MAX_GROUP_RECORDS: usize = 64;
/// Most registry entries per ID the query passes on.
pub(crate) const MAX_REGISTRY_ENTRIES: usize = 4;

/// A record's class with why.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outcome {
    pub(crate) class: Class,
    pub(crate) reasons: Vec<Reason>,
    pub(crate) tolerances: Vec<Tolerance>,
    pub(crate) verdict: Option<Verdict>,
    /// The registry's values may be shown to the site (same person only).
    pub(crate) show_registry: bool,
}

impl Outcome {
    pub(crate) fn simple(class: Class, reason: Reason) -> Outcome {
        Outcome {
            class,
            reasons: vec![reason],
            tolerances: Vec::new(),
            verdict: None,
            show_registry: false,
        }
    }

    fn from_comparison(c: &Comparison) -> Outcome {
        let reasons: Vec<Reason> = c.differing.iter().map(|f| f.reason()).collect();
        if c.same_person && reasons.is_empty() {
            return Outcome {
                class: Class::Verified,
                reasons,
                tolerances: c.tolerances.clone(),
                verdict: None,
                show_registry: false,
            };
        }
        Outcome {
            class: Class::Wrong,
            reasons,
            tolerances: c.tolerances.clone(),
            verdict: Some(if c.same_person {
                Verdict::TypingError
            } else {
                Verdict::DifferentPerson
            }),
            show_registry: c.same_person,
        }
    }
}

/// Counts per class, reason, tolerance and verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) classes: [u64; Class::ALL.len()],
    pub(crate) reasons: [u64; Reason::ALL.len()],
    pub(crate) tolerances: [u64; Tolerance::ALL.len()],
    /// typing error, different person.
    pub(crate) verdicts: [u64; 2],
}

impl Counts {
    fn add(&mut self, o: &Outcome) {
        if let Some(c) = self.classes.get_mut(o.class.index()) {
            *c += 1;
        }
        for r in &o.reasons {
            if let Some(c) = self.reasons.get_mut(r.index()) {
                *c += 1;
            }
        }
        for t in &o.tolerances {
            if let Some(c) = self.tolerances.get_mut(t.index()) {
                *c += 1;
            }
        }
        match o.verdict {
            Some(Verdict::TypingError) => self.verdicts[0] += 1,
            Some(Verdict::DifferentPerson) => self.verdicts[1] += 1,
            None => {}
        }
    }

    pub(crate) fn merge(&mut self, o: &Counts) {
        for (a, b) in self.classes.iter_mut().zip(o.classes) {
            *a += b;
        }
        for (a, b) in self.reasons.iter_mut().zip(o.reasons) {
            *a += b;
        }
        for (a, b) in self.tolerances.iter_mut().zip(o.tolerances) {
            *a += b;
        }
        for (a, b) in self.verdicts.iter_mut().zip(o.verdicts) {
            *a += b;
        }
    }

    pub(crate) fn total(&self) -> u64 {
        self.classes.iter().sum()
    }
}

fn codes<T: Copy>(items: &[T], code: fn(T) -> &'static str) -> String {
    let mut out = String::new();
    for (i, t) in items.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(code(*t));
    }
    out
}

/// Where classified records go: the rows to fix and the verified list, with counts.
pub(crate) struct Sink {
    fix: TableWriter,
    verified: Option<TableWriter>,
    pub(crate) counts: Counts,
}

/// One record of a group, as the join delivered it.
#[derive(Debug, Clone)]
pub(crate) struct GroupRecord {
    pub(crate) idx: u64,
    pub(crate) line: u64,
    pub(crate) record_id: String,
    pub(crate) name: String,
    pub(crate) dob: String,
    pub(crate) sex: String,
    pub(crate) site: String,
    pub(crate) fp: String,
    pub(crate) nid: String,
    family: String,
    middle: String,
    given: String,
    /// Built on first comparison only: most records take the exact-match fast path.
    side: OnceLock<RecordSide>,
}

impl GroupRecord {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        idx: u64,
        line: u64,
        record_id: &str,
        family: &str,
        middle: &str,
        given: &str,
        dob: &str,
        sex: &str,
        site: &str,
        fp: &str,
        nid: &str,
    ) -> GroupRecord {
        let r = Record {
            family_name: family.into(),
            middle_name: middle.into(),
            given_name: given.into(),
            ..Record::default()
        };
        GroupRecord {
            idx,
            line,
            record_id: record_id.into(),
            name: full_name(&r),
            dob: dob.into(),
            sex: sex.into(),
            site: site.into(),
            fp: fp.into(),
            nid: nid.into(),
            family: family.into(),
            middle: middle.into(),
            given: given.into(),
            side: OnceLock::new(),
        }
    }

    pub(crate) fn side(&self) -> &RecordSide {
        self.side.get_or_init(|| RecordSide {
            name: RecordName::new(&self.family, &self.middle, &self.given),
            dob: self.dob.clone(),
            sex: self.sex.clone(),
            province: self.province(),
        })
    }

    fn province(&self) -> Option<u16> {
        cccd_province(&id_key(&self.nid))
    }
}

/// One registry entry of a group.
#[derive(Debug, Clone)]
pub(crate) struct RegEntry {
    pub(crate) line: u64,
    pub(crate) name: String,
    pub(crate) dob: String,
    pub(crate) sex: String,
    pub(crate) province: String,
    pub(crate) enc: String,
    /// Stands for duplicates beyond what is kept in memory.
    overflow: bool,
    other: OnceLock<OtherSide>,
}

impl RegEntry {
    pub(crate) fn new(
        line: u64,
        name: &str,
        dob: &str,
        sex: &str,
        province: &str,
        enc: &str,
    ) -> RegEntry {
        RegEntry {
            line,
            name: name.into(),
            dob: dob.into(),
            sex: sex.into(),
            province: province.into(),
            enc: enc.into(),
            overflow: false,
            other: OnceLock::new(),
        }
    }

    /// An entry standing for more duplicates of an ID than are kept: always a conflict.
    pub(crate) fn conflict(line: u64) -> RegEntry {
        let mut e = RegEntry::new(line, "", "", "", "", "");
        e.overflow = true;
        e
    }

    pub(crate) fn other(&self) -> &OtherSide {
        self.other.get_or_init(|| OtherSide {
            name: NameForms::new(&[&self.name]),
            dob: self.dob.clone(),
            sex: self.sex.clone(),
            province: parse_province(&self.province),
        })
    }

    fn as_record_side(&self) -> RecordSide {
        RecordSide {
            name: RecordName::from_full(&self.name),
            dob: self.dob.clone(),
            sex: self.sex.clone(),
            province: parse_province(&self.province),
        }
    }
}

/// The records and registry entries of one ID.
#[derive(Debug, Default)]
pub(crate) struct Group {
    pub(crate) recs: Vec<GroupRecord>,
    pub(crate) regs: Vec<RegEntry>,
}

impl Sink {
    /// A sink writing `fix` rows and, when `verified` is given, verified rows.
    pub(crate) fn create(fix: &Path, verified: Option<&Path>) -> Result<Sink> {
        Ok(Sink {
            fix: TableWriter::create(fix, FIX)?,
            verified: match verified {
                Some(p) => Some(TableWriter::create(p, VERIFIED)?),
                None => None,
            },
            counts: Counts::default(),
        })
    }

    /// A record settled without the registry.
    pub(crate) fn bypass(
        &mut self,
        r: &Record,
        idx: u64,
        line: u64,
        site: &str,
        o: Outcome,
    ) -> Result<()> {
        self.counts.add(&o);
        self.fix.push(
            &[idx, line],
            &[
                site,
                &r.record_id,
                o.class.code(),
                &codes(&o.reasons, Reason::code),
                "",
                "",
                &full_name(r),
                &r.dob,
                &r.sex,
                &r.national_id,
            ],
        )
    }

    /// A record of a group, classified.
    pub(crate) fn emit(
        &mut self,
        r: &GroupRecord,
        reg: Option<&RegEntry>,
        o: &Outcome,
    ) -> Result<()> {
        self.counts.add(o);
        if o.class == Class::Verified {
            if let Some(v) = &mut self.verified {
                v.push(&[r.idx], &[&r.record_id, &r.fp])?;
            }
            return Ok(());
        }
        let (rn, rd, rs, rp) = match reg.filter(|_| o.show_registry) {
            Some(g) => (
                g.name.as_str(),
                g.dob.as_str(),
                g.sex.as_str(),
                g.province.as_str(),
            ),
            None => ("", "", "", ""),
        };
        self.fix.push(
            &[r.idx, r.line],
            &[
                &r.site,
                &r.record_id,
                o.class.code(),
                &codes(&o.reasons, Reason::code),
                o.verdict.map(Verdict::code).unwrap_or(""),
                &codes(&o.tolerances, Tolerance::code),
                &r.name,
                &r.dob,
                &r.sex,
                &r.nid,
                rn,
                rd,
                rs,
                rp,
            ],
        )
    }

    /// Closes the files; returns the counts.
    pub(crate) fn finish(self) -> Result<Counts> {
        self.fix.finish()?;
        if let Some(v) = self.verified {
            v.finish()?;
        }
        Ok(self.counts)
    }

    /// Classifies and writes a whole group, then clears it.
    pub(crate) fn group(&mut self, g: &mut Group) -> Result<()> {
        g.regs.sort_by_key(|r| r.line);
        let outcomes = classify_group(g);
        let owner = g.regs.first();
        for (r, o) in g.recs.iter().zip(outcomes.iter()) {
            self.emit(r, owner, o)?;
        }
        g.recs.clear();
        g.regs.clear();
        Ok(())
    }
}

/// The fast path: the same NFC name byte for byte, the same full date, the same sex, and no
/// province to contradict. Exactly what `score::compare` would call verified without
/// tolerances, without building the name forms (measured: 60 % of the classification time).
fn exact(r: &GroupRecord, g: &RegEntry) -> bool {
    let full = |d: &str| crate::dob::PartialDate::parse(d).filter(|p| p.day.is_some());
    r.name == g.name
        && !r.name.contains("  ")
        && unicode_normalization::is_nfc(&r.name)
        && full(&r.dob).is_some_and(|a| full(&g.dob) == Some(a))
        && matches!((Sex::parse(&r.sex), Sex::parse(&g.sex)), (Some(a), Some(b)) if a == b)
        && match (r.province(), parse_province(&g.province)) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
}

/// The outcome of each record of a group (registry entries sorted by line).
pub(crate) fn classify_group(g: &Group) -> Vec<Outcome> {
    let recs = &g.recs;
    let differs_from_another = |i: usize| {
        recs.iter().enumerate().any(|(j, other)| {
            j != i
                && recs.get(i).is_some_and(|me| {
                    !score::compare(me.side(), &other.side().as_other()).same_person
                })
        })
    };
    let Some(owner) = g.regs.first() else {
        return (0..recs.len())
            .map(|i| {
                if recs.len() > 1 && differs_from_another(i) {
                    let mut o = Outcome::simple(Class::Duplicate, Reason::DuplicateId);
                    o.verdict = Some(Verdict::DifferentPerson);
                    o
                } else {
                    let mut o = Outcome::simple(Class::NotFound, Reason::IdNotInRegistry);
                    if recs.len() > 1 {
                        o.reasons.push(Reason::SamePersonRepeated);
                    }
                    o
                }
            })
            .collect();
    };
    if g.regs.iter().any(|r| !r.enc.is_empty()) {
        return recs
            .iter()
            .map(|_| Outcome::simple(Class::RegistryProblem, Reason::RegistryEncoding))
            .collect();
    }
    let conflict = owner.overflow
        || g.regs
            .iter()
            .skip(1)
            .any(|r| !score::compare(&r.as_record_side(), owner.other()).same_person);
    if conflict {
        return recs
            .iter()
            .map(|_| Outcome::simple(Class::RegistryProblem, Reason::RegistryIdConflict))
            .collect();
    }
    if let [only] = recs.as_slice() {
        if g.regs.len() == 1 && exact(only, owner) {
            return vec![Outcome {
                class: Class::Verified,
                reasons: Vec::new(),
                tolerances: Vec::new(),
                verdict: None,
                show_registry: false,
            }];
        }
    }
    let cmp: Vec<Comparison> = recs
        .iter()
        .map(|r| score::compare(r.side(), owner.other()))
        .collect();
    let owners = cmp.iter().filter(|c| c.same_person).count();
    cmp.iter()
        .enumerate()
        .map(|(i, c)| {
            let mut o = Outcome::from_comparison(c);
            if recs.len() == 1 {
                return o;
            }
            if !c.same_person && differs_from_another(i) {
                let mut d = Outcome::simple(Class::Duplicate, Reason::DuplicateId);
                d.verdict = Some(Verdict::DifferentPerson);
                return d;
            }
            if !c.same_person || owners > 1 {
                o.reasons.push(Reason::SamePersonRepeated);
            }
            o
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(idx: u64, f: &str, m: &str, g: &str, dob: &str, sex: &str) -> GroupRecord {
        GroupRecord::new(
            idx,
            idx + 2,
            "P",
            f,
            m,
            g,
            dob,
            sex,
            "S",
            "fp",
            "079085012345",
        )
    }

    fn classes(g: &Group) -> Vec<(Class, Vec<Reason>)> {
        classify_group(g)
            .into_iter()
            .map(|o| (o.class, o.reasons))
            .collect()
    }

    #[test]
    fn groups() {
        let owner = RegEntry::new(5, "Nguyễn Văn An", "1985-04-30", "M", "79", "");
        let a = rec(0, "Nguyễn", "Văn", "An", "30/04/1985", "Nam");
        let b = rec(1, "Trần", "Thị", "Lan", "1990-01-02", "F");
        let g = Group {
            recs: vec![a.clone()],
            regs: vec![owner.clone()],
        };
        assert_eq!(classes(&g), vec![(Class::Verified, vec![])]);
        let g = Group {
            recs: vec![a.clone(), b.clone()],
            regs: vec![owner.clone()],
        };
        assert_eq!(
            classes(&g),
            vec![
                (Class::Verified, vec![]),
                (Class::Duplicate, vec![Reason::DuplicateId])
            ]
        );
        let g = Group {
            recs: vec![a.clone(), b.clone()],
            regs: vec![],
        };
        assert_eq!(classify_group(&g)[0].class, Class::Duplicate);
        let g = Group {
            recs: vec![a.clone(), a.clone()],
            regs: vec![],
        };
        assert_eq!(
            classes(&g)[0],
            (
                Class::NotFound,
                vec![Reason::IdNotInRegistry, Reason::SamePersonRepeated]
            )
        );
        let g = Group {
            recs: vec![b.clone()],
            regs: vec![owner.clone()],
        };
        let o = &classify_group(&g)[0];
        assert_eq!(
            (o.class, o.verdict),
            (Class::Wrong, Some(Verdict::DifferentPerson))
        );
        assert!(!o.show_registry);
        let other = RegEntry::new(9, "Lê Thị Mai", "1970-02-03", "F", "1", "");
        let g = Group {
            recs: vec![a.clone()],
            regs: vec![owner.clone(), other],
        };
        assert_eq!(
            classes(&g),
            vec![(Class::RegistryProblem, vec![Reason::RegistryIdConflict])]
        );
        let same = RegEntry::new(9, "NGUYỄN VĂN AN", "1985", "M", "79", "");
        let g = Group {
            recs: vec![a],
            regs: vec![owner, same],
        };
        assert_eq!(classes(&g), vec![(Class::Verified, vec![])]);
    }
}
