//! The one reviewable mapping from vaccine names as sites write them to value-set codes:
//! `server/data/vaccines.tsv`, compiled in.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization as _;

/// The table as shipped.
pub const TABLE: &str = include_str!("../data/vaccines.tsv");

/// Codes for one vaccine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vaccine {
    /// Medicinal product (`mp`).
    pub mp: &'static str,
    /// Marketing authorisation holder / manufacturer (`ma`).
    pub ma: &'static str,
    /// Vaccine or prophylaxis type (`vp`).
    pub vp: &'static str,
    /// Doses in the primary series.
    pub primary_doses: u32,
}

/// The matching key of a name: lower case, no diacritics, letters and digits only
/// ("Vero Cell" = "VERO-CELL" = "verocell"; `&` is kept so "J&J" stays distinct).
pub fn key(name: &str) -> String {
    if name.is_ascii() {
        return name
            .bytes()
            .filter(|&b| ascii_key_byte(b))
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    name.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric() || *c == '&')
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// Whether an ASCII byte stays in a key. ASCII text is its own NFD with no combining marks
/// and lower-cases to ASCII, so its key is these bytes lower-cased: the fast path for the
/// names sites write (a property test checks it against the general form).
fn ascii_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'&'
}

fn parse(table: &'static str) -> Result<HashMap<String, Vaccine>, String> {
    let mut map = HashMap::new();
    for (n, line) in table.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&'static str> = line.split('\t').map(str::trim).collect();
        let [alias, mp, ma, vp, primary] = cols.as_slice() else {
            return Err(format!(
                "vaccines.tsv line {}: expected 5 tab-separated columns",
                n + 1
            ));
        };
        let primary_doses = primary
            .parse()
            .map_err(|_| format!("vaccines.tsv line {}: bad primary dose count", n + 1))?;
        let v = Vaccine {
            mp,
            ma,
            vp,
            primary_doses,
        };
        if map.insert(key(alias), v).is_some_and(|old| old != v) {
            return Err(format!(
                "vaccines.tsv line {}: {alias} maps to two vaccines",
                n + 1
            ));
        }
    }
    Ok(map)
}

fn table() -> &'static HashMap<String, Vaccine> {
    static MAP: OnceLock<HashMap<String, Vaccine>> = OnceLock::new();
    // The table is compiled in and checked by the tests below; an error here is a build defect.
    MAP.get_or_init(|| parse(TABLE).unwrap_or_default())
}

/// Looks a written vaccine name up.
pub fn lookup(name: &str) -> Option<Vaccine> {
    // Short ASCII names (all the table's spellings): the key on the stack, not in a String
    // allocated for every dose of every record.
    let mut buf = [0u8; 64];
    if name.is_ascii() && name.len() <= buf.len() {
        let mut len = 0;
        for b in name.bytes().filter(|&b| ascii_key_byte(b)) {
            buf[len] = b.to_ascii_lowercase();
            len += 1;
        }
        let key = std::str::from_utf8(&buf[..len]).ok()?;
        return table().get(key).copied();
    }
    table().get(&key(name)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// key as first written, for every name.
    fn key_reference(name: &str) -> String {
        name.nfd()
            .filter(|c| !is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .filter(|c| c.is_alphanumeric() || *c == '&')
            .map(|c| if c == 'đ' { 'd' } else { c })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The ASCII fast paths agree with the general form.
        #[test]
        fn keys_and_lookups_as_the_reference(
            name in prop_oneof![
                "[ -~]{0,20}",
                "(Pfizer|AstraZeneca|Vero Cell|Moderna|J&J|Sputnik V)[ -~]{0,2}",
                "[ -~]{60,70}",
                "[ -~đĐạ\u{301}İ]{0,12}",
                any::<String>(),
            ],
        ) {
            let expected = key_reference(&name);
            prop_assert_eq!(key(&name), expected.clone());
            prop_assert_eq!(lookup(&name), table().get(&expected).copied());
        }
    }

    #[test]
    fn the_table_parses_and_is_consistent() {
        let map = parse(TABLE).unwrap();
        assert!(map.len() >= 30);
        // Every product maps to one manufacturer and one primary series.
        let mut by_mp: HashMap<&str, (&str, u32)> = HashMap::new();
        for v in map.values() {
            let e = by_mp.entry(v.mp).or_insert((v.ma, v.primary_doses));
            assert_eq!(*e, (v.ma, v.primary_doses), "{}", v.mp);
        }
        assert_eq!(
            by_mp.len(),
            13,
            "the 13 vaccines used in Viet Nam (HCERT.md §8.1)"
        );
    }

    #[test]
    fn spellings_sites_use() {
        for (name, mp) in [
            ("AstraZeneca", "EU/1/21/1529"),
            ("astra-zeneca", "EU/1/21/1529"),
            ("Vero Cell", "BBIBP-CorV"),
            ("VEROCELL", "BBIBP-CorV"),
            ("Pfizer-BioNTech", "EU/1/20/1528"),
            ("pfizer", "EU/1/20/1528"),
            ("Moderna", "EU/1/20/1507"),
            ("Sputnik V", "Sputnik-V"),
            ("Abdala", "Abdala"),
            ("Hayat-Vax", "Hayat-Vax"),
            ("Janssen", "EU/1/20/1525"),
            ("J&J", "EU/1/20/1525"),
            ("Covaxin", "Covaxin"),
            ("Nuvaxovid", "EU/1/21/1618"),
        ] {
            assert_eq!(lookup(name).map(|v| v.mp), Some(mp), "{name}");
        }
        assert_eq!(lookup("Janssen").unwrap().primary_doses, 1);
        assert_eq!(lookup("Abdala").unwrap().primary_doses, 3);
        assert_eq!(lookup("Vắc xin lạ"), None);
        assert_eq!(lookup(""), None);
    }
}
