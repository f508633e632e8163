//! Why a certificate or a document signer was revoked: the reason codes of the revocation
//! log and the command line (`docs/static-api.md#revocation`).

/// Why a certificate or a signer was revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// Issued on wrong data (wrong person, dose or date).
    WrongData,
    /// Obtained or sold by fraud.
    Fraud,
    /// The key that signed it is compromised.
    KeyCompromise,
    /// Replaced by a newer certificate.
    Superseded,
}

impl Reason {
    /// Every reason.
    pub const ALL: [Reason; 4] = [
        Reason::WrongData,
        Reason::Fraud,
        Reason::KeyCompromise,
        Reason::Superseded,
    ];

    /// The code used on the command line and in the log.
    pub fn code(self) -> &'static str {
        match self {
            Reason::WrongData => "wrong-data",
            Reason::Fraud => "fraud",
            Reason::KeyCompromise => "key-compromise",
            Reason::Superseded => "superseded",
        }
    }

    /// From [`Reason::code`].
    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }
}
