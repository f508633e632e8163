//! The three kinds of DCC and which a signer may sign (hcert_spec §3.3.1, Appendix A.4;
//! HCERT.md §2.3).

/// The three kinds of DCC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CertificateType {
    /// Vaccination (`v`).
    Vaccination,
    /// Test (`t`).
    Test,
    /// Recovery (`r`).
    Recovery,
}

/// Extended key usage OIDs per type: current form and the legacy `.0.1847` form that many
/// issuers still use (hcert_spec Appendix A.4, HCERT.md §2.3).
const EKU_OIDS: [(CertificateType, &str, &str); 3] = [
    (
        CertificateType::Test,
        "1.3.6.1.4.1.1847.2021.1.1",
        "1.3.6.1.4.1.0.1847.2021.1.1",
    ),
    (
        CertificateType::Vaccination,
        "1.3.6.1.4.1.1847.2021.1.2",
        "1.3.6.1.4.1.0.1847.2021.1.2",
    ),
    (
        CertificateType::Recovery,
        "1.3.6.1.4.1.1847.2021.1.3",
        "1.3.6.1.4.1.0.1847.2021.1.3",
    ),
];

impl CertificateType {
    /// All three, in `v`, `t`, `r` order.
    pub const ALL: [CertificateType; 3] = [
        CertificateType::Vaccination,
        CertificateType::Test,
        CertificateType::Recovery,
    ];

    /// `v`, `t` or `r`.
    pub fn code(self) -> &'static str {
        match self {
            CertificateType::Vaccination => "v",
            CertificateType::Test => "t",
            CertificateType::Recovery => "r",
        }
    }

    /// From `v`, `t` or `r`.
    pub fn from_code(code: &str) -> Option<CertificateType> {
        CertificateType::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The codes of `types`, concatenated (`vt`).
    pub fn codes(types: &[CertificateType]) -> String {
        types.iter().map(|t| t.code()).collect()
    }

    /// The current extended key usage OID of this type.
    pub fn eku_oid(self) -> &'static str {
        EKU_OIDS
            .iter()
            .find(|(t, _, _)| *t == self)
            .map_or("", |(_, oid, _)| oid)
    }

    /// The type an extended key usage OID stands for, in either OID family.
    pub fn from_eku_oid(oid: &str) -> Option<CertificateType> {
        EKU_OIDS
            .iter()
            .find(|(_, current, legacy)| oid == *current || oid == *legacy)
            .map(|(t, _, _)| *t)
    }

    /// The types a signer may sign, given its extended key usage.
    ///
    /// **Policy** (HCERT.md §2.3 leaves the last case open; we decide it here):
    /// * no EKU extension → every type (hcert_spec A.4: "with no EKU the DSC may sign any
    ///   type");
    /// * an EKU listing certificate-type OIDs (either family) → exactly those types;
    /// * an EKU listing **no** certificate-type OID (only TLS, e-mail, ICAO … purposes, or an
    ///   empty list) → every type. The spec restricts a signer only through the DCC OIDs;
    ///   purposes it does not define say nothing about DCC types. This matches the EU
    ///   reference app and `common/CO15`, and keeps certificates from real signers such as
    ///   Vietnam's (whose EKU holds only clientAuth, emailProtection and smartcardLogon,
    ///   HCERT.md §9) verifiable.
    pub fn allowed_by_eku(eku: Option<&[String]>) -> Vec<CertificateType> {
        let Some(oids) = eku else {
            return CertificateType::ALL.to_vec();
        };
        let listed: Vec<CertificateType> = CertificateType::ALL
            .into_iter()
            .filter(|t| {
                oids.iter()
                    .any(|o| CertificateType::from_eku_oid(o) == Some(*t))
            })
            .collect();
        if listed.is_empty() {
            CertificateType::ALL.to_vec()
        } else {
            listed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eku_policy() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            CertificateType::allowed_by_eku(None),
            CertificateType::ALL.to_vec()
        );
        assert_eq!(
            CertificateType::allowed_by_eku(Some(&s(&["1.3.6.1.4.1.0.1847.2021.1.2"]))),
            vec![CertificateType::Vaccination]
        );
        assert_eq!(
            CertificateType::allowed_by_eku(Some(&s(&[
                "1.3.6.1.4.1.1847.2021.1.1",
                "1.3.6.1.4.1.1847.2021.1.3",
                "1.3.6.1.5.5.7.3.2"
            ]))),
            vec![CertificateType::Test, CertificateType::Recovery]
        );
        // Only non-DCC purposes (the Vietnamese signer's EKU), or an empty list (CO15).
        assert_eq!(
            CertificateType::allowed_by_eku(Some(&s(&[
                "1.3.6.1.5.5.7.3.2",
                "1.3.6.1.5.5.7.3.4",
                "1.3.6.1.4.1.311.20.2.2"
            ]))),
            CertificateType::ALL.to_vec()
        );
        assert_eq!(
            CertificateType::allowed_by_eku(Some(&[])),
            CertificateType::ALL.to_vec()
        );
    }
}
