//! The words of the portal's acceptance part (a destination's business rules, and the
//! traveller's "where is my certificate accepted?"), in both languages. The answers' own words
//! (status, reason, rule outcome) are [`crate::acceptance_status`], [`crate::assessment_reason`]
//! and [`crate::rule_outcome`].

use crate::{pick, Lang};

/// A fixed string of the acceptance part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum AcceptKey {
    DestinationLabel,
    DestinationNone,
    DateLabel,
    DateHint,
    /// `{0}` the country, `{1}` the date.
    Title,
    NotAssessed,
    Assessing,
    RulesUnreadable,
    /// `{0}` the publication date.
    RulesAge,
    TravellerTitle,
    TravellerButton,
    /// `{0}` the last day.
    AcceptedUntil,
    /// `{0}` the end of the horizon.
    AcceptedBeyond,
    /// `{0}` the rule identifier.
    NotAcceptedRule,
    OtherCountries,
    InEnglish,
    Authenticity,
}

/// The text of `key` in `lang`.
pub fn accept_text(lang: Lang, key: AcceptKey) -> &'static str {
    use AcceptKey as K;
    let (en, vi) = match key {
        K::DestinationLabel => ("Destination rules", "Quy tắc nơi đến"),
        K::DestinationNone => (
            "None: check authenticity only",
            "Không: chỉ kiểm tra tính xác thực",
        ),
        K::DateLabel => ("Date of travel or stay", "Ngày đi hoặc lưu trú"),
        K::DateHint => ("Empty: today", "Để trống: hôm nay"),
        K::Title => (
            "Entry rules of {0} on {1}",
            "Quy tắc nhập cảnh của {0} vào ngày {1}",
        ),
        K::NotAssessed => (
            "Rules not checked: the certificate is not valid.",
            "Không kiểm tra quy tắc: chứng nhận không hợp lệ.",
        ),
        K::Assessing => ("Checking the rules…", "Đang kiểm tra quy tắc…"),
        K::RulesUnreadable => (
            "The published rules could not be read: cannot assess. Reload the page when online.",
            "Không đọc được quy tắc đã công bố: không thể đánh giá. Hãy tải lại trang khi có mạng.",
        ),
        K::RulesAge => ("Rules published {0}", "Quy tắc công bố {0}"),
        K::TravellerTitle => (
            "Where is my certificate accepted?",
            "Chứng nhận của tôi được chấp nhận ở đâu?",
        ),
        K::TravellerButton => ("Check every country", "Kiểm tra mọi nước"),
        K::AcceptedUntil => ("accepted until {0}", "được chấp nhận đến {0}"),
        K::AcceptedBeyond => (
            "accepted at least until {0}",
            "được chấp nhận ít nhất đến {0}",
        ),
        K::NotAcceptedRule => (
            "not accepted: rule {0}",
            "không được chấp nhận: quy tắc {0}",
        ),
        K::OtherCountries => (
            "Other countries: no rules published, cannot assess.",
            "Các nước khác: chưa công bố quy tắc, không thể đánh giá.",
        ),
        K::InEnglish => ("", " (bằng tiếng Anh)"),
        K::Authenticity => ("Authenticity", "Tính xác thực"),
    };
    pick(lang, en, vi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_fill_their_placeholders() {
        for lang in Lang::ALL {
            assert!(accept_text(lang, AcceptKey::Title).contains("{0}"));
            assert!(accept_text(lang, AcceptKey::Title).contains("{1}"));
            assert!(accept_text(lang, AcceptKey::AcceptedUntil).contains("{0}"));
            assert!(accept_text(lang, AcceptKey::NotAcceptedRule).contains("{0}"));
        }
        assert_ne!(
            accept_text(Lang::En, AcceptKey::TravellerTitle),
            accept_text(Lang::Vi, AcceptKey::TravellerTitle)
        );
    }
}
