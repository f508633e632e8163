//! `vaxpass gen-records`: realistic synthetic vaccination records for tests and benchmarks
//! (Vietnamese names with diacritics, consistent CCCD numbers, real vaccine spellings), with
//! a chosen share deliberately broken the ways real exports are. Deterministic per seed.

use std::io::Write;

use anyhow::Result;
use hcert::Date;

use crate::nid::{self, Sex};
use crate::records::{csv_header, csv_row, Dose, Record};

/// SplitMix64: small, fast, deterministic.
pub struct Rng(u64);

impl Rng {
    /// Seeded.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// Next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 1.0 < p
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut r = self.below(u64::from(total)) as u32;
        for (item, w) in items {
            if r < *w {
                return *item;
            }
            r -= w;
        }
        items[0].0
    }
}

/// Family names with their approximate shares of the population.
const FAMILY: [(&str, u32); 16] = [
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 30),
    ("Huỳnh", 21),
    ("Phan", 45),
    ("Vũ", 20),
    ("Võ", 19),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
];
const MIDDLE_M: [&str; 10] = [
    "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thanh", "Xuân", "Ngọc", "Hoàng",
];
const MIDDLE_F: [&str; 9] = [
    "Thị", "Ngọc", "Thu", "Thanh", "Hồng", "Kim", "Minh", "Bảo", "Mai",
];
const GIVEN_M: [&str; 28] = [
    "An", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khánh",
    "Khoa", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Sơn", "Tài", "Thắng",
    "Thành", "Tuấn", "Tùng", "Việt", "Vinh",
];
const GIVEN_F: [&str; 30] = [
    "Anh", "Châu", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Hương",
    "Lan", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo",
    "Thu", "Thủy", "Trang", "Tuyết", "Vân", "Yến",
];
/// Vaccines as sites wrote them, with rough shares of Vietnam's doses.
const VACCINES: [(&str, u32); 22] = [
    ("AstraZeneca", 200),
    ("Astra Zeneca", 40),
    ("AZ", 20),
    ("Vero Cell", 180),
    ("Verocell", 30),
    ("Sinopharm", 20),
    ("Pfizer", 150),
    ("Pfizer-BioNTech", 40),
    ("Comirnaty", 10),
    ("Moderna", 90),
    ("Spikevax", 10),
    ("Sputnik V", 15),
    ("Abdala", 40),
    ("Hayat-Vax", 10),
    ("Janssen", 8),
    ("J&J", 2),
    ("Covaxin", 2),
    ("Nuvaxovid", 3),
    ("Covishield", 5),
    ("CoronaVac", 2),
    ("Novavax", 2),
    ("Sinopharm Wuhan", 1),
];
const SITES: [&str; 8] = [
    "Trạm Y tế phường Bến Nghé, Quận 1",
    "Bệnh viện Bạch Mai",
    "Trung tâm Y tế quận Hải Châu",
    "Trạm Y tế xã Tân Phú",
    "Bệnh viện Đa khoa tỉnh Đồng Tháp",
    "Trung tâm Kiểm soát Bệnh tật Hà Nội",
    "Bệnh viện Chợ Rẫy",
    "Trạm Y tế phường Láng Thượng, Đống Đa",
];

/// The kinds of damage injected into broken records.
const BREAKAGES: u64 = 16;

fn date_text(rng: &mut Rng, d: Date) -> String {
    // Sites write both ISO and Vietnamese day/month/year.
    if rng.chance(0.5) {
        d.to_string()
    } else {
        format!("{:02}/{:02}/{}", d.day, d.month, d.year)
    }
}

fn day(n: i64) -> Date {
    hcert::UnixTime(n * 86_400).date()
}

/// One valid record, then possibly broken.
pub fn record(rng: &mut Rng, index: u64, error_rate: f64, earlier_id: Option<&str>) -> Record {
    let sex = if rng.chance(0.5) {
        Sex::Female
    } else {
        Sex::Male
    };
    let family = rng.weighted(&FAMILY).to_string();
    let (middle, given) = match sex {
        Sex::Male => (rng.pick(&MIDDLE_M), rng.pick(&GIVEN_M)),
        Sex::Female => (rng.pick(&MIDDLE_F), rng.pick(&GIVEN_F)),
    };
    let born = Date::new(
        1930 + rng.below(87) as i32,
        1 + rng.below(12) as u8,
        1 + rng.below(28) as u8,
    )
    .unwrap_or(Date {
        year: 1980,
        month: 1,
        day: 1,
    });
    let dob = match rng.below(20) {
        0 => format!("{}", born.year),
        1 => format!("{}-{:02}", born.year, born.month),
        _ => date_text(rng, born),
    };
    let national_id = match rng.below(20) {
        0 => format!("C{:07}", rng.below(10_000_000)),
        1..=3 => format!("{:09}", rng.below(1_000_000_000)),
        _ => {
            let provinces = nid::provinces();
            let p = provinces[rng.below(provinces.len() as u64) as usize];
            format!(
                "{p:03}{}{:02}{:06}",
                nid::century_sex_digit(born.year, sex),
                born.year % 100,
                rng.below(1_000_000)
            )
        }
    };
    // Doses: first between the campaign start (2021-03-08) and March 2022.
    let count = 1 + rng.weighted(&[(0u64, 10), (1, 55), (2, 30), (3, 5)]);
    let mut when = 18_694 + rng.below(360) as i64; // 2021-03-08 + up to a year
    let first = rng.weighted(&VACCINES);
    let mut doses = Vec::new();
    for n in 1..=count {
        let vaccine = if n <= 2 {
            first
        } else {
            rng.weighted(&VACCINES)
        };
        doses.push(Dose {
            dose: n.to_string(),
            vaccine: vaccine.to_string(),
            date: date_text(rng, day(when)),
            site: rng.pick(&SITES).to_string(),
        });
        when += 28 + rng.below(120) as i64;
        if when > 19_173 {
            break; // not after 2022-06-30
        }
    }
    let mut r = Record {
        record_id: format!("P{:012}", index + 1),
        family_name: family,
        middle_name: middle.to_string(),
        given_name: given.to_string(),
        dob,
        sex: match sex {
            Sex::Male => {
                if rng.chance(0.5) {
                    "M"
                } else {
                    "Nam"
                }
            }
            Sex::Female => {
                if rng.chance(0.5) {
                    "F"
                } else {
                    "Nữ"
                }
            }
        }
        .to_string(),
        national_id,
        doses,
    };
    if rng.chance(error_rate) {
        break_record(rng, &mut r, earlier_id);
    }
    r
}

fn break_record(rng: &mut Rng, r: &mut Record, earlier_id: Option<&str>) {
    match rng.below(BREAKAGES) {
        // A CCCD with a province code that does not exist (or a malformed number).
        0 => {
            r.national_id = match r.national_id.len() {
                12 => format!("003{}", &r.national_id[3..]),
                _ => "0031850".into(),
            }
        }
        1 => r.national_id.push('!'),
        2 => r.national_id.clear(),
        3 => r.dob = "31/02/1985".into(),
        4 => r.dob = "2035-01-01".into(),
        5 => r.doses[0].date = "2031-09-15".into(),
        6 => r.doses[0].date = "2021-09-31".into(),
        7 => r.doses[0].vaccine = "Nanocovax".into(),
        8 => r.family_name.clear(),
        9 => r.given_name = format!("{}2", r.given_name),
        10 => r.sex = "X".into(),
        11 => r.doses.clear(),
        12 => match earlier_id {
            Some(id) => r.record_id = id.to_string(),
            None => r.doses[0].dose = "0".into(),
        },
        13 if r.doses.len() >= 2 => r.doses[1].dose = "3".into(),
        14 if r.doses.len() >= 2 => {
            let first = r.doses[0].date.clone();
            r.doses[1].date = first;
        }
        _ => r.doses[0].vaccine = "Vắc xin không rõ".into(),
    }
}

/// Writes `count` records as CSV or JSON Lines.
pub fn write(
    out: &mut dyn Write,
    count: u64,
    seed: u64,
    error_rate: f64,
    jsonl: bool,
) -> Result<()> {
    let mut rng = Rng::new(seed);
    let mut earlier = None;
    let mut next = |rng: &mut Rng, i: u64| {
        let r = record(rng, i, error_rate, earlier.as_deref());
        if i.is_multiple_of(97) {
            earlier = Some(r.record_id.clone());
        }
        r
    };
    if jsonl {
        for i in 0..count {
            let r = next(&mut rng, i);
            let doses: Vec<_> = r
                .doses
                .iter()
                .map(|d| serde_json::json!({"dose": d.dose.parse::<u32>().ok(), "vaccine": d.vaccine, "date": d.date, "site": d.site}))
                .collect();
            let v = serde_json::json!({
                "record_id": r.record_id, "family_name": r.family_name, "middle_name": r.middle_name,
                "given_name": r.given_name, "dob": r.dob, "sex": r.sex, "national_id": r.national_id,
                "doses": doses,
            });
            serde_json::to_writer(&mut *out, &v)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        return Ok(());
    }
    writeln!(out, "{}", csv_header())?;
    let mut csv = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(&mut *out);
    for i in 0..count {
        let r = next(&mut rng, i);
        csv.write_record(csv_row(&r))?;
    }
    csv.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::{clean, Reason};

    #[test]
    fn deterministic_and_mostly_valid() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        write(&mut a, 200, 42, 0.0, false).unwrap();
        write(&mut b, 200, 42, 0.0, false).unwrap();
        assert_eq!(a, b);
        let mut c = Vec::new();
        write(&mut c, 200, 43, 0.0, false).unwrap();
        assert_ne!(a, c);
        // With no injected errors every record cleans.
        let today = Date {
            year: 2022,
            month: 7,
            day: 1,
        };
        let mut rng = Rng::new(7);
        for i in 0..2000 {
            let r = record(&mut rng, i, 0.0, None);
            assert_eq!(clean(&r, today).err(), None, "{r:?}");
        }
    }

    #[test]
    fn injected_errors_are_caught() {
        let today = Date {
            year: 2022,
            month: 7,
            day: 1,
        };
        let mut rng = Rng::new(9);
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..3000 {
            let r = record(&mut rng, i, 1.0, None);
            let why = clean(&r, today).expect_err("every record is broken");
            seen.extend(why);
        }
        assert!(seen.len() >= 12, "{seen:?}");
        assert!(seen.contains(&Reason::IdProvince) && seen.contains(&Reason::VaccineUnknown));
    }
}
