//! Every sentence VaxPass shows people, in Vietnamese and English, for both front ends: the
//! portal and the `vaxpass` command line. `hcert` returns codes and data; this crate words
//! them.
//!
//! Adding a language means adding a [`Lang`] variant and one column to [`text`] and
//! [`reason`]: the compiler then points at every string still missing.

use hcert::{
    CertificateType, CheckId, Error, PlausibilityKind, RevocationReason, TrustListErrorKind,
    UnixTime,
};

mod acceptance;
pub use acceptance::{accept_text, AcceptKey};

/// A display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Tiếng Việt.
    Vi,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Lang; 2] = [Lang::Vi, Lang::En];

    /// BCP 47 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The language's own name, for the switch.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Vi => "Tiếng Việt",
            Lang::En => "English",
        }
    }

    /// From a BCP 47 code (`vi-VN`, `en`…).
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The first supported language of the browser's preference list; English otherwise.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        preferred
            .into_iter()
            .find_map(Lang::from_code)
            .unwrap_or(Lang::En)
    }
}

/// A fixed string of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Key {
    AppName,
    Tagline,
    Privacy,
    Language,
    StartCamera,
    StopCamera,
    SwitchCamera,
    Torch,
    CameraHint,
    CameraDenied,
    CameraUnavailable,
    ChooseImage,
    DropImage,
    ReadingImage,
    PasteLabel,
    PastePlaceholder,
    Verify,
    ScanNext,
    Valid,
    NotValid,
    CannotVerify,
    ValidHint,
    NotValidHint,
    CannotVerifyHint,
    Holder,
    NameTransliterated,
    DateOfBirth,
    CertificateType,
    Vaccine,
    VaccineType,
    Manufacturer,
    Dose,
    VaccinationDate,
    Disease,
    TestType,
    TestName,
    TestResult,
    SampleTime,
    TestCentre,
    FirstPositive,
    ValidFrom,
    ValidUntil,
    Country,
    Issuer,
    CertificateId,
    Expiry,
    Signer,
    Checks,
    CheckPassed,
    CheckFailed,
    CheckNotApplicable,
    TrustListLoading,
    TrustListReady,
    TrustListOffline,
    TrustListExpired,
    TrustListMissing,
    TrustListRefresh,
    NoAnchor,
    AuditMode,
    AuditInvalid,
    Vaccination,
    Test,
    Recovery,
    Offline,
    Signers,
    Revoked,
    RevokedHint,
    RevocationStatus,
    CheckNotCovered,
    TrustListStale,
    RevocationExpired,
    AuditVerdict,
    CheckWarning,
}

impl Key {
    /// Every key (for completeness tests).
    pub const ALL: [Key; 73] = [
        Key::AppName,
        Key::Tagline,
        Key::Privacy,
        Key::Language,
        Key::StartCamera,
        Key::StopCamera,
        Key::SwitchCamera,
        Key::Torch,
        Key::CameraHint,
        Key::CameraDenied,
        Key::CameraUnavailable,
        Key::ChooseImage,
        Key::DropImage,
        Key::ReadingImage,
        Key::PasteLabel,
        Key::PastePlaceholder,
        Key::Verify,
        Key::ScanNext,
        Key::Valid,
        Key::NotValid,
        Key::CannotVerify,
        Key::ValidHint,
        Key::NotValidHint,
        Key::CannotVerifyHint,
        Key::Holder,
        Key::NameTransliterated,
        Key::DateOfBirth,
        Key::CertificateType,
        Key::Vaccine,
        Key::VaccineType,
        Key::Manufacturer,
        Key::Dose,
        Key::VaccinationDate,
        Key::Disease,
        Key::TestType,
        Key::TestName,
        Key::TestResult,
        Key::SampleTime,
        Key::TestCentre,
        Key::FirstPositive,
        Key::ValidFrom,
        Key::ValidUntil,
        Key::Country,
        Key::Issuer,
        Key::CertificateId,
        Key::Expiry,
        Key::Signer,
        Key::Checks,
        Key::CheckPassed,
        Key::CheckFailed,
        Key::CheckNotApplicable,
        Key::TrustListLoading,
        Key::TrustListReady,
        Key::TrustListOffline,
        Key::TrustListExpired,
        Key::TrustListMissing,
        Key::TrustListRefresh,
        Key::NoAnchor,
        Key::AuditMode,
        Key::AuditInvalid,
        Key::Vaccination,
        Key::Test,
        Key::Recovery,
        Key::Offline,
        Key::Signers,
        Key::Revoked,
        Key::RevokedHint,
        Key::RevocationStatus,
        Key::CheckNotCovered,
        Key::TrustListStale,
        Key::RevocationExpired,
        Key::AuditVerdict,
        Key::CheckWarning,
    ];
}

/// The text of `key` in `lang`. Placeholders `{0}`, `{1}` are filled by [`fill`].
pub fn text(lang: Lang, key: Key) -> &'static str {
    let (en, vi) = match key {
        Key::AppName => ("VaxPass verifier", "VaxPass – Kiểm tra chứng nhận"),
        Key::Tagline => (
            "Check an EU digital COVID certificate issued by Vietnam or a partner country.",
            "Kiểm tra chứng nhận COVID kỹ thuật số EU do Việt Nam hoặc nước đối tác cấp.",
        ),
        Key::Privacy => (
            "Checked on this device only: the certificate is never sent or stored.",
            "Chỉ kiểm tra trên thiết bị này: chứng nhận không bao giờ được gửi đi hay lưu lại.",
        ),
        Key::Language => ("Language", "Ngôn ngữ"),
        Key::StartCamera => ("Scan with camera", "Quét bằng máy ảnh"),
        Key::StopCamera => ("Stop camera", "Tắt máy ảnh"),
        Key::SwitchCamera => ("Switch camera", "Đổi máy ảnh"),
        Key::Torch => ("Torch", "Đèn pin"),
        Key::CameraHint => (
            "Hold the QR code inside the frame. It is read automatically.",
            "Đưa mã QR vào khung hình. Mã sẽ được đọc tự động.",
        ),
        Key::CameraDenied => (
            "The camera is blocked. Allow camera access in the browser, or use an image or the text instead.",
            "Máy ảnh bị chặn. Hãy cho phép trình duyệt dùng máy ảnh, hoặc dùng ảnh hay văn bản.",
        ),
        Key::CameraUnavailable => (
            "No camera could be started on this device. Use an image or the text instead.",
            "Không mở được máy ảnh trên thiết bị này. Hãy dùng ảnh hoặc văn bản.",
        ),
        Key::ChooseImage => ("Choose a photo or screenshot", "Chọn ảnh chụp hoặc ảnh màn hình"),
        Key::DropImage => (
            "…or drop a PNG or JPEG image of the QR code here",
            "…hoặc thả ảnh PNG hay JPEG của mã QR vào đây",
        ),
        Key::ReadingImage => ("Reading the image…", "Đang đọc ảnh…"),
        Key::PasteLabel => ("Certificate text (HC1:…)", "Nội dung chứng nhận (HC1:…)"),
        Key::PastePlaceholder => ("Paste the text starting with HC1:", "Dán văn bản bắt đầu bằng HC1:"),
        Key::Verify => ("Verify", "Kiểm tra"),
        Key::ScanNext => ("Scan next", "Quét tiếp"),
        Key::Valid => ("VALID", "HỢP LỆ"),
        Key::NotValid => ("NOT VALID", "KHÔNG HỢP LỆ"),
        Key::CannotVerify => ("CANNOT VERIFY", "KHÔNG THỂ KIỂM TRA"),
        Key::Revoked => ("REVOKED", "ĐÃ BỊ THU HỒI"),
        Key::RevokedHint => (
            "The issuer has revoked this certificate. Do not accept it.",
            "Cơ quan cấp đã thu hồi chứng nhận này. Không chấp nhận chứng nhận này.",
        ),
        Key::CheckNotCovered => ("not checked: no data", "chưa kiểm tra: không có dữ liệu"),
        Key::CheckWarning => ("passed, with a warning", "đạt, có cảnh báo"),
        Key::TrustListStale => (
            "The lists are past their planned update ({0}). They still work; connect to the internet to get the newer ones.",
            "Danh sách đã quá hạn cập nhật dự kiến ({0}). Vẫn dùng được; hãy kết nối Internet để lấy bản mới hơn.",
        ),
        Key::RevocationExpired => (
            "The revocation data expired on {0}: until it is refreshed, no certificate it covers is shown as valid.",
            "Dữ liệu thu hồi đã hết hạn ngày {0}: trước khi được cập nhật, không chứng nhận nào thuộc phạm vi của nó được coi là hợp lệ.",
        ),
        Key::AuditVerdict => (
            "AUDIT as of {0}: not a check for today",
            "KIỂM TOÁN tại {0}: không phải kiểm tra cho hôm nay",
        ),
        Key::RevocationStatus => (
            "Revocation list: {0} revoked certificates, updated {1} ago",
            "Danh sách thu hồi: {0} chứng nhận bị thu hồi, cập nhật {1} trước",
        ),
        Key::ValidHint => (
            "Every check passed. Compare the name and date of birth with an identity document.",
            "Mọi bước kiểm tra đều đạt. Hãy đối chiếu họ tên và ngày sinh với giấy tờ tùy thân.",
        ),
        Key::NotValidHint => (
            "Do not accept this certificate.",
            "Không chấp nhận chứng nhận này.",
        ),
        Key::CannotVerifyHint => (
            "This certificate could not be checked. Do not accept it as valid.",
            "Không thể kiểm tra chứng nhận này. Không chấp nhận như chứng nhận hợp lệ.",
        ),
        Key::Holder => ("Name", "Họ và tên"),
        Key::NameTransliterated => ("Name (passport spelling)", "Họ tên (theo hộ chiếu)"),
        Key::DateOfBirth => ("Date of birth", "Ngày sinh"),
        Key::CertificateType => ("Certificate type", "Loại chứng nhận"),
        Key::Vaccine => ("Vaccine", "Vắc xin"),
        Key::VaccineType => ("Vaccine type", "Loại vắc xin"),
        Key::Manufacturer => ("Manufacturer", "Nhà sản xuất"),
        Key::Dose => ("Dose", "Mũi tiêm"),
        Key::VaccinationDate => ("Date of vaccination", "Ngày tiêm"),
        Key::Disease => ("Disease", "Bệnh"),
        Key::TestType => ("Test type", "Loại xét nghiệm"),
        Key::TestName => ("Test", "Tên xét nghiệm"),
        Key::TestResult => ("Result", "Kết quả"),
        Key::SampleTime => ("Sample taken", "Thời điểm lấy mẫu"),
        Key::TestCentre => ("Testing centre", "Cơ sở xét nghiệm"),
        Key::FirstPositive => ("First positive test", "Ngày xét nghiệm dương tính đầu tiên"),
        Key::ValidFrom => ("Valid from", "Có hiệu lực từ"),
        Key::ValidUntil => ("Valid until", "Có hiệu lực đến"),
        Key::Country => ("Country", "Quốc gia"),
        Key::Issuer => ("Issuer", "Cơ quan cấp"),
        Key::CertificateId => ("Certificate identifier", "Mã chứng nhận"),
        Key::Expiry => ("Certificate expires", "Chứng nhận hết hạn"),
        Key::Signer => ("Signed by", "Ký bởi"),
        Key::Checks => ("Checks", "Các bước kiểm tra"),
        Key::CheckPassed => ("passed", "đạt"),
        Key::CheckFailed => ("failed", "không đạt"),
        Key::CheckNotApplicable => ("not checked", "không kiểm tra"),
        Key::TrustListLoading => ("Loading the trust list…", "Đang tải danh sách tin cậy…"),
        Key::TrustListReady => (
            "Trust list of {0} ({1} signers), valid until {2}",
            "Danh sách tin cậy ngày {0} ({1} bên ký), hiệu lực đến {2}",
        ),
        Key::TrustListOffline => (
            "Offline: using the saved trust list, {0} old.",
            "Ngoại tuyến: dùng danh sách tin cậy đã lưu, cũ {0}.",
        ),
        Key::TrustListExpired => (
            "The trust list expired on {0}. Connect to the internet to refresh it; until then no certificate is shown as valid.",
            "Danh sách tin cậy đã hết hạn ngày {0}. Hãy kết nối Internet để cập nhật; trước đó không chứng nhận nào được coi là hợp lệ.",
        ),
        Key::TrustListMissing => (
            "No trust list is available: {0} Connect to the internet once; until then no certificate is shown as valid.",
            "Chưa có danh sách tin cậy: {0} Hãy kết nối Internet một lần; trước đó không chứng nhận nào được coi là hợp lệ.",
        ),
        Key::TrustListRefresh => ("Refresh", "Cập nhật"),
        Key::NoAnchor => (
            "This copy of the portal was built without a trust anchor and cannot verify certificates.",
            "Bản cổng thông tin này được dựng không có chứng thư gốc nên không thể kiểm tra chứng nhận.",
        ),
        Key::AuditMode => (
            "Audit mode: verifying as of {0}, not now.",
            "Chế độ kiểm toán: kiểm tra tại thời điểm {0}, không phải hiện tại.",
        ),
        Key::AuditInvalid => (
            "The ?at= time in the address is not an RFC 3339 time: nothing will verify. Example: ?at=2021-06-01T12:00:00Z",
            "Thời điểm ?at= trong địa chỉ không đúng định dạng RFC 3339: không gì được kiểm tra. Ví dụ: ?at=2021-06-01T12:00:00Z",
        ),
        Key::Vaccination => ("Vaccination", "Tiêm chủng"),
        Key::Test => ("Test", "Xét nghiệm"),
        Key::Recovery => ("Recovery", "Khỏi bệnh"),
        Key::Offline => ("offline", "ngoại tuyến"),
        Key::Signers => ("signers", "bên ký"),
    };
    match lang {
        Lang::En => en,
        Lang::Vi => vi,
    }
}

/// Replaces `{0}`, `{1}`… with `args`.
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = template.to_string();
    for (i, a) in args.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), a);
    }
    out
}

/// A date for people: `30/04/2021` in Vietnamese, `2021-04-30` in English (ISO 8601, which
/// every reader abroad can parse).
pub fn date(lang: Lang, t: UnixTime) -> String {
    let d = t.date();
    match lang {
        Lang::Vi => format!("{:02}/{:02}/{:04}", d.day, d.month, d.year),
        Lang::En => format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
    }
}

/// A date and time (UTC).
pub fn date_time(lang: Lang, t: UnixTime) -> String {
    let s = t.rfc3339();
    let time = s.get(11..16).unwrap_or("");
    format!("{} {time} UTC", date(lang, t))
}

/// "3 days", "5 hours", "12 minutes".
pub fn age(lang: Lang, seconds: i64) -> String {
    let s = seconds.max(0);
    let (n, en, vi) = if s >= 2 * 86_400 {
        (s / 86_400, "days", "ngày")
    } else if s >= 2 * 3600 {
        (s / 3600, "hours", "giờ")
    } else {
        (s / 60, "minutes", "phút")
    };
    match lang {
        Lang::En => format!("{n} {en}"),
        Lang::Vi => format!("{n} {vi}"),
    }
}

/// The title of a check.
pub fn check_title(lang: Lang, id: CheckId) -> &'static str {
    let (en, vi) = match id {
        CheckId::TrustList => ("Trust list is up to date", "Danh sách tin cậy còn hiệu lực"),
        CheckId::Decode => ("QR code content is readable", "Đọc được nội dung mã QR"),
        CheckId::Signature => (
            "Signed by a trusted authority",
            "Được ký bởi cơ quan tin cậy",
        ),
        CheckId::Validity => ("Within its validity period", "Trong thời hạn hiệu lực"),
        CheckId::SignerValidity => (
            "Issued while the signing key was valid",
            "Cấp trong thời hạn của khóa ký",
        ),
        CheckId::KeyUsage => (
            "Signer may issue this type of certificate",
            "Bên ký được phép cấp loại chứng nhận này",
        ),
        CheckId::Content => ("Holds exactly one record", "Chứa đúng một bản ghi"),
        CheckId::Schema => ("Follows the EU data format", "Đúng định dạng dữ liệu EU"),
        CheckId::Revocation => ("Not revoked by its issuer", "Chưa bị cơ quan cấp thu hồi"),
        CheckId::ValueSets => (
            "Codes are known to the EU and the data is plausible",
            "Các mã được EU công nhận và dữ liệu hợp lý",
        ),
        _ => ("Other check", "Bước kiểm tra khác"),
    };
    match lang {
        Lang::En => en,
        Lang::Vi => vi,
    }
}

/// The name of a certificate type.
pub fn type_name(lang: Lang, t: CertificateType) -> &'static str {
    text(
        lang,
        match t {
            CertificateType::Vaccination => Key::Vaccination,
            CertificateType::Test => Key::Test,
            CertificateType::Recovery => Key::Recovery,
        },
    )
}

/// Why a revoked certificate or signer was revoked.
pub fn revocation_reason(lang: Lang, r: RevocationReason) -> &'static str {
    let (en, vi) = match r {
        RevocationReason::WrongData => ("it was issued with wrong data", "cấp sai thông tin"),
        RevocationReason::Fraud => ("it was obtained by fraud", "được cấp do gian lận"),
        RevocationReason::KeyCompromise => {
            ("the key that signed it is compromised", "khóa ký bị lộ")
        }
        RevocationReason::Superseded => (
            "it was replaced by a newer certificate",
            "đã được thay bằng chứng nhận mới",
        ),
    };
    pick(lang, en, vi)
}

/// The answer of a destination's business rules (HCERT.md §6.2), kept apart from the
/// certificate's authenticity.
pub fn acceptance_status(lang: Lang, s: hcert::AcceptanceStatus) -> &'static str {
    let (en, vi) = match s {
        hcert::AcceptanceStatus::Accepted => ("ACCEPTED", "ĐƯỢC CHẤP NHẬN"),
        hcert::AcceptanceStatus::NotAccepted => ("NOT ACCEPTED", "KHÔNG ĐƯỢC CHẤP NHẬN"),
        hcert::AcceptanceStatus::CannotAssess => ("CANNOT ASSESS", "KHÔNG THỂ ĐÁNH GIÁ"),
    };
    pick(lang, en, vi)
}

/// Why the business rules gave their answer.
pub fn assessment_reason(lang: Lang, r: hcert::AssessmentReason) -> &'static str {
    use hcert::AssessmentReason as R;
    let (en, vi) = match r {
        R::AllPassed => ("every rule is met", "đáp ứng mọi quy tắc"),
        R::RuleFailed => ("a rule is not met", "không đáp ứng một quy tắc"),
        R::RuleOpen => (
            "a rule could not be checked",
            "có quy tắc không kiểm tra được",
        ),
        R::NoRulesForCountry => (
            "no rules published: cannot assess",
            "chưa có quy tắc nào được công bố: không thể đánh giá",
        ),
        R::NoApplicableRules => (
            "no rule is in force for this kind of certificate on this date",
            "không có quy tắc nào có hiệu lực cho loại chứng nhận này vào ngày này",
        ),
        R::CertificateTypeUnknown => (
            "the certificate is not exactly one vaccination, test or recovery",
            "chứng nhận không phải đúng một mục tiêm chủng, xét nghiệm hoặc khỏi bệnh",
        ),
    };
    pick(lang, en, vi)
}

/// The outcome of one business rule.
pub fn rule_outcome(lang: Lang, o: hcert::RuleOutcome) -> &'static str {
    let (en, vi) = match o {
        hcert::RuleOutcome::Passed => ("met", "đạt"),
        hcert::RuleOutcome::Fail => ("not met", "không đạt"),
        hcert::RuleOutcome::Open => ("could not be checked", "không kiểm tra được"),
    };
    pick(lang, en, vi)
}

/// A payload field for people, from its path (`v.0.ma` → "manufacturer"); the path itself
/// when it is not a field people know.
pub fn field_name(lang: Lang, path: &str) -> String {
    let test = path.starts_with("t.");
    let (en, vi) = match path.rsplit('.').next().unwrap_or(path) {
        "tg" => ("disease", "bệnh"),
        "vp" => ("vaccine type", "loại vắc xin"),
        "mp" => ("vaccine", "vắc xin"),
        "ma" if test => ("test device", "bộ xét nghiệm"),
        "ma" => ("manufacturer", "nhà sản xuất"),
        "co" => ("country", "quốc gia"),
        "tt" => ("test type", "loại xét nghiệm"),
        "tr" => ("test result", "kết quả xét nghiệm"),
        "dn" => ("dose number", "số thứ tự mũi tiêm"),
        "sd" => (
            "number of doses in the series",
            "tổng số mũi của liệu trình",
        ),
        "dt" => ("vaccination date", "ngày tiêm"),
        "sc" => ("sample time", "thời điểm lấy mẫu"),
        "fr" => (
            "first positive test date",
            "ngày xét nghiệm dương tính đầu tiên",
        ),
        "df" => ("valid-from date", "ngày bắt đầu hiệu lực"),
        "du" => ("valid-until date", "ngày hết hiệu lực"),
        "dob" => ("date of birth", "ngày sinh"),
        _ => return path.to_string(),
    };
    pick(lang, en, vi).to_string()
}

/// Why a plausibility check warns, without the closing "still valid" sentence.
fn implausible(
    lang: Lang,
    kind: PlausibilityKind,
    field: &str,
    value: &str,
    expected: Option<&str>,
) -> String {
    let f = field_name(lang, field);
    let x = expected.unwrap_or("-");
    let (en, vi) = match kind {
        PlausibilityKind::MpMaMismatch => (
            format!("The manufacturer {value} does not make the vaccine named on this certificate (expected {x}): the issuer probably entered wrong data."),
            format!("Nhà sản xuất {value} không sản xuất loại vắc xin ghi trên chứng nhận (đúng ra là {x}): có thể cơ quan cấp đã nhập sai dữ liệu."),
        ),
        PlausibilityKind::VpMpMismatch => (
            format!("The vaccine type {value} does not match the vaccine named on this certificate (expected {x})."),
            format!("Loại vắc xin {value} không khớp với vắc xin ghi trên chứng nhận (đúng ra là {x})."),
        ),
        PlausibilityKind::DoseAboveSeries => (
            format!("The dose number {value} is higher than the number of doses in the series ({x}); this is usual for a booster."),
            format!("Số mũi {value} lớn hơn tổng số mũi của liệu trình ({x}); điều này thường gặp với mũi nhắc lại."),
        ),
        PlausibilityKind::DoseNumberInvalid => (
            format!("The {f} ({value}) is not a whole number of at least 1."),
            format!("{f} ({value}) không phải số nguyên từ 1 trở lên."),
        ),
        PlausibilityKind::VaccinationBeforeVaccines => (
            format!("The vaccination date {value} is before this vaccine was in use ({x})."),
            format!("Ngày tiêm {value} trước khi vắc xin này được đưa vào sử dụng ({x})."),
        ),
        PlausibilityKind::VaccinationBeforeBirth => (
            format!("The vaccination date {value} is before the holder's date of birth ({x})."),
            format!("Ngày tiêm {value} trước ngày sinh của người mang ({x})."),
        ),
        PlausibilityKind::DateInvalid => (
            format!("The {f} ({value}) is not a readable date."),
            format!("{f} ({value}) không phải ngày đọc được."),
        ),
        PlausibilityKind::DateInFuture => (
            format!("The {f} ({value}) is in the future; check the device's date and time."),
            format!("{f} ({value}) là ngày trong tương lai; hãy kiểm tra ngày giờ của thiết bị."),
        ),
        PlausibilityKind::DateBeforePandemic => (
            format!("The {f} ({value}) is before COVID-19 was known ({x})."),
            format!("{f} ({value}) trước khi COVID-19 được biết đến ({x})."),
        ),
        PlausibilityKind::RecoveryValidTooEarly => (
            format!("The recovery certificate is valid from {value}, less than 11 days after the positive test (expected from {x})."),
            format!("Chứng nhận khỏi bệnh có hiệu lực từ {value}, chưa đủ 11 ngày sau xét nghiệm dương tính (đúng ra từ {x})."),
        ),
        PlausibilityKind::RecoveryValidityTooLong => (
            format!("The recovery certificate is valid until {value}, more than 180 days after the positive test (at most {x})."),
            format!("Chứng nhận khỏi bệnh có hiệu lực đến {value}, quá 180 ngày sau xét nghiệm dương tính (tối đa {x})."),
        ),
        PlausibilityKind::RecoveryValidityReversed => (
            format!("The recovery certificate stops being valid ({value}) before it starts ({x})."),
            format!("Chứng nhận khỏi bệnh hết hiệu lực ({value}) trước khi bắt đầu có hiệu lực ({x})."),
        ),
        PlausibilityKind::RatWithoutDevice => (
            "The rapid antigen test does not name the test device used.".to_string(),
            "Xét nghiệm nhanh kháng nguyên không ghi tên bộ xét nghiệm đã dùng.".to_string(),
        ),
        _ => (
            format!("The {f} ({value}) looks implausible."),
            format!("{f} ({value}) có vẻ không hợp lý."),
        ),
    };
    pick(lang, en, vi)
}

fn pick<T>(lang: Lang, en: T, vi: T) -> T {
    match lang {
        Lang::En => en,
        Lang::Vi => vi,
    }
}

/// Why a certificate is not valid, in plain language, for the person at the desk: what is
/// wrong and, where it helps, what to do. Every error code has a sentence in every language.
pub fn reason(lang: Lang, e: &Error) -> String {
    let not_a_cert = pick(
        lang,
        "This is not a readable EU digital COVID certificate",
        "Đây không phải chứng nhận COVID kỹ thuật số EU đọc được",
    );
    let owned = |en: String, vi: String| pick(lang, en, vi);
    let fixed = |en: &str, vi: &str| pick(lang, en, vi).to_string();
    match e {
        Error::ImageUnreadable { .. } => fixed(
            "The image could not be opened. Use a PNG or JPEG photo or screenshot.",
            "Không mở được ảnh. Hãy dùng ảnh chụp hoặc ảnh màn hình PNG hay JPEG.",
        ),
        Error::QrNotFound => fixed(
            "No QR code could be read in the image. Make sure the whole code is sharp, well lit and fills much of the picture.",
            "Không đọc được mã QR nào trong ảnh. Hãy để toàn bộ mã rõ nét, đủ sáng và chiếm phần lớn bức ảnh.",
        ),
        Error::InputEmpty => fixed("Nothing was scanned or pasted.", "Chưa quét hay dán nội dung nào."),
        Error::InputTooLarge { .. } => owned(
            format!("{not_a_cert}: it is far longer than any certificate QR code."),
            format!("{not_a_cert}: nội dung dài hơn mọi mã QR chứng nhận."),
        ),
        Error::PrefixMissing => owned(
            format!("{not_a_cert}: it does not start with \"HC1:\". Scan the certificate's QR code itself."),
            format!("{not_a_cert}: nội dung không bắt đầu bằng \"HC1:\". Hãy quét chính mã QR của chứng nhận."),
        ),
        Error::PrefixUnsupported { prefix } => owned(
            format!("This certificate uses a newer format ({prefix}) that this verifier cannot read yet."),
            format!("Chứng nhận này dùng định dạng mới hơn ({prefix}) mà trình kiểm tra chưa đọc được."),
        ),
        Error::PrefixInvalid { prefix } => owned(
            format!("{not_a_cert}: it starts with \"{prefix}\" instead of \"HC1:\"."),
            format!("{not_a_cert}: nội dung bắt đầu bằng \"{prefix}\" thay vì \"HC1:\"."),
        ),
        Error::Base45InvalidChar { .. }
        | Error::Base45InvalidLength { .. }
        | Error::Base45Overflow { .. } => owned(
            format!("{not_a_cert}: the text is damaged or incomplete. Scan the QR code again or copy the whole text."),
            format!("{not_a_cert}: văn bản bị hỏng hoặc thiếu. Hãy quét lại mã QR hoặc sao chép toàn bộ văn bản."),
        ),
        Error::NotCompressed | Error::CompressionCorrupt => owned(
            format!("{not_a_cert}: its content is damaged."),
            format!("{not_a_cert}: nội dung bị hỏng."),
        ),
        Error::DecompressedTooLarge { .. } => owned(
            format!("{not_a_cert}: its content is abnormally large and was not opened."),
            format!("{not_a_cert}: nội dung lớn bất thường nên không được mở."),
        ),
        Error::CborMalformed { .. }
        | Error::CoseMalformed { .. }
        | Error::ClaimsMalformed { .. }
        | Error::ClaimMissing { .. }
        | Error::PayloadMalformed { .. } => owned(
            format!("{not_a_cert}: its content is damaged or incomplete."),
            format!("{not_a_cert}: nội dung bị hỏng hoặc không đầy đủ."),
        ),
        Error::AlgorithmMissing | Error::AlgorithmUnsupported { .. } => owned(
            format!("{not_a_cert}: it is signed with a method that EU certificates do not use."),
            format!("{not_a_cert}: chứng nhận được ký bằng phương pháp mà chứng nhận EU không dùng."),
        ),
        Error::KidMissing | Error::KidInvalidLength { .. } => owned(
            format!("{not_a_cert}: it does not say who signed it."),
            format!("{not_a_cert}: không cho biết ai đã ký."),
        ),
        Error::SignerUnknown { .. } => fixed(
            "The authority that signed this certificate is not on this verifier's trust list, so it cannot be checked. Update the trust list or ask for another certificate.",
            "Cơ quan đã ký chứng nhận này không có trong danh sách tin cậy nên không thể kiểm tra. Hãy cập nhật danh sách tin cậy hoặc yêu cầu chứng nhận khác.",
        ),
        Error::CryptoUnavailable { .. } => fixed(
            "This device cannot check this kind of signature (the browser offers no WebCrypto here), so the certificate cannot be verified on it. Use a current browser over HTTPS.",
            "Thiết bị này không kiểm tra được loại chữ ký này (trình duyệt không có WebCrypto tại đây) nên không thể kiểm tra chứng nhận. Hãy dùng trình duyệt mới qua HTTPS.",
        ),
        Error::KeyAlgorithmMismatch { .. } | Error::KeyUnsupported { .. } => fixed(
            "The signing key of the issuing authority does not match the signature type. Treat the certificate as not valid.",
            "Khóa ký của cơ quan cấp không khớp với loại chữ ký. Coi chứng nhận là không hợp lệ.",
        ),
        Error::SignatureMalformed { .. } | Error::SignatureInvalid => fixed(
            "The digital signature does not match: the certificate was altered or was not issued by the authority it names.",
            "Chữ ký số không khớp: chứng nhận đã bị sửa đổi hoặc không do cơ quan ghi trên đó cấp.",
        ),
        Error::NotYetValid { iat } => owned(
            format!(
                "This certificate is not valid yet: it was issued on {} (check the device's date and time).",
                date_time(Lang::En, UnixTime(*iat))
            ),
            format!(
                "Chứng nhận chưa có hiệu lực: được cấp lúc {} (hãy kiểm tra ngày giờ của thiết bị).",
                date_time(Lang::Vi, UnixTime(*iat))
            ),
        ),
        Error::Expired { exp } => owned(
            format!("This certificate expired on {}.", date(Lang::En, UnixTime(*exp))),
            format!("Chứng nhận đã hết hạn ngày {}.", date(Lang::Vi, UnixTime(*exp))),
        ),
        Error::IssuedBeforeSigner { .. } => fixed(
            "This certificate was issued before the issuing authority's signing key became valid.",
            "Chứng nhận được cấp trước khi khóa ký của cơ quan cấp có hiệu lực.",
        ),
        Error::OutlivesSigner { .. } => fixed(
            "This certificate claims to stay valid longer than the issuing authority's signing key. This alone does not make it invalid.",
            "Chứng nhận ghi thời hạn dài hơn thời hạn của khóa ký của cơ quan cấp. Riêng điều này không làm chứng nhận mất hiệu lực.",
        ),
        Error::KeyUsageMismatch {
            certificate_type, ..
        } => {
            let t = |l: Lang| {
                CertificateType::from_code(certificate_type)
                    .map(|t| type_name(l, t).to_lowercase())
                    .unwrap_or_else(|| certificate_type.to_string())
            };
            owned(
                format!("The issuing authority is not allowed to sign {} certificates.", t(Lang::En)),
                format!("Cơ quan cấp không được phép ký chứng nhận loại {}.", t(Lang::Vi)),
            )
        }
        Error::NoEntry => fixed(
            "The certificate holds no vaccination, test or recovery record.",
            "Chứng nhận không chứa bản ghi tiêm chủng, xét nghiệm hay khỏi bệnh nào.",
        ),
        Error::MultipleTypes => fixed(
            "The certificate mixes vaccination, test and recovery records; a valid one holds exactly one.",
            "Chứng nhận trộn lẫn bản ghi tiêm chủng, xét nghiệm và khỏi bệnh; chứng nhận hợp lệ chỉ chứa một bản ghi.",
        ),
        Error::MultipleEntries { count } => owned(
            format!("The certificate holds {count} records; a valid one holds exactly one."),
            format!("Chứng nhận chứa {count} bản ghi; chứng nhận hợp lệ chỉ chứa đúng một."),
        ),
        Error::SchemaInvalid { .. } => fixed(
            "The certificate's content breaks the EU format rules (a field is missing, too long or malformed).",
            "Nội dung chứng nhận vi phạm quy tắc định dạng EU (một trường bị thiếu, quá dài hoặc sai dạng).",
        ),
        Error::SchemaVersionUnsupported { ver } => owned(
            format!("This certificate uses format version {ver}, which this verifier does not know."),
            format!("Chứng nhận dùng định dạng phiên bản {ver} mà trình kiểm tra không biết."),
        ),
        Error::Revoked { reason } => {
            let why = reason.as_deref().and_then(RevocationReason::from_code);
            owned(
                match why {
                    Some(r) => format!(
                        "This certificate has been revoked by its issuer ({}). Do not accept it.",
                        revocation_reason(Lang::En, r)
                    ),
                    None => "This certificate has been revoked by its issuer. Do not accept it.".into(),
                },
                match why {
                    Some(r) => format!(
                        "Chứng nhận này đã bị cơ quan cấp thu hồi ({}). Không chấp nhận chứng nhận này.",
                        revocation_reason(Lang::Vi, r)
                    ),
                    None => "Chứng nhận này đã bị cơ quan cấp thu hồi. Không chấp nhận chứng nhận này.".into(),
                },
            )
        }
        Error::RevocationNotCovered { country } => match country {
            Some(c) => owned(
                format!("Revocation not checked: this verifier holds no revocation data for certificates from {c}."),
                format!("Chưa kiểm tra thu hồi: trình kiểm tra không có dữ liệu thu hồi cho chứng nhận của {c}."),
            ),
            None => fixed(
                "Revocation not checked: the certificate names no issuing country, and this verifier holds revocation data per country.",
                "Chưa kiểm tra thu hồi: chứng nhận không ghi quốc gia cấp, mà dữ liệu thu hồi được giữ theo từng quốc gia.",
            ),
        },
        Error::CertificateInvalid { .. } => fixed(
            "A signer certificate in the trust list is damaged or breaks the certificate rules, and was not used.",
            "Một chứng thư của bên ký trong danh sách tin cậy bị hỏng hoặc sai quy tắc nên không được dùng.",
        ),
        Error::PrivateKey { .. } => fixed("A signing key could not be used.", "Không dùng được khóa ký."),
        Error::TrustListInvalid { kind, .. } => match kind {
            TrustListErrorKind::Expired => fixed(
                "The trust list is out of date. Connect to the internet to refresh it.",
                "Danh sách tin cậy đã hết hạn. Hãy kết nối Internet để cập nhật.",
            ),
            TrustListErrorKind::NotYetValid => fixed(
                "The trust list is dated in the future. Check the device's date and time.",
                "Danh sách tin cậy ghi ngày trong tương lai. Hãy kiểm tra ngày giờ của thiết bị.",
            ),
            TrustListErrorKind::AnchorInvalid => fixed(
                "The trust anchor this verifier was built with is not valid now (check the device's date and time, or update the verifier).",
                "Chứng thư gốc mà trình kiểm tra được dựng cùng hiện không có hiệu lực (hãy kiểm tra ngày giờ của thiết bị hoặc cập nhật trình kiểm tra).",
            ),
            TrustListErrorKind::RevocationExpired => fixed(
                "The revocation data is out of date, so a revoked certificate cannot be ruled out. Connect to the internet to refresh it.",
                "Dữ liệu thu hồi đã hết hạn nên không loại trừ được chứng nhận đã bị thu hồi. Hãy kết nối Internet để cập nhật.",
            ),
            TrustListErrorKind::Rollback => fixed(
                "The trust list offered is older than one this device already used, so it was refused (a rollback). Try again later.",
                "Danh sách tin cậy nhận được cũ hơn danh sách thiết bị đã dùng nên bị từ chối (quay lui). Hãy thử lại sau.",
            ),
            _ => fixed(
                "The trust list failed its integrity check and was not used.",
                "Danh sách tin cậy không qua được kiểm tra toàn vẹn nên không được dùng.",
            ),
        },
        Error::ValueSetUnknownCode { field, code, .. } => owned(
            format!(
                "The {} code \"{code}\" is not one the EU recognises: the certificate was filled in wrongly. Do not accept it; the holder should ask the issuer for a corrected certificate.",
                field_name(Lang::En, field)
            ),
            format!(
                "Mã {} \"{code}\" không có trong danh mục được EU công nhận: chứng nhận bị điền sai. Không chấp nhận; người mang cần đề nghị cơ quan cấp cấp lại chứng nhận đúng.",
                field_name(Lang::Vi, field)
            ),
        ),
        Error::ValueSetCodeNotString { field, .. } => owned(
            format!(
                "The {} is not written as a code, as EU certificates require: the certificate was filled in wrongly. Do not accept it; the holder should ask the issuer for a corrected certificate.",
                field_name(Lang::En, field)
            ),
            format!(
                "{} không được ghi dưới dạng mã như chứng nhận EU yêu cầu: chứng nhận bị điền sai. Không chấp nhận; người mang cần đề nghị cơ quan cấp cấp lại chứng nhận đúng.",
                field_name(Lang::Vi, field)
            ),
        ),
        Error::ValueSetDeprecatedCode { field, code, .. } => owned(
            format!(
                "The {} code \"{code}\" is an old code the EU no longer uses. This alone does not make the certificate invalid.",
                field_name(Lang::En, field)
            ),
            format!(
                "Mã {} \"{code}\" là mã cũ EU không còn dùng. Riêng điều này không làm chứng nhận mất hiệu lực.",
                field_name(Lang::Vi, field)
            ),
        ),
        Error::ValueSetUnavailable { field, .. } => owned(
            format!(
                "The {} was not checked: this verifier has no list of the codes allowed there.",
                field_name(Lang::En, field)
            ),
            format!(
                "Chưa kiểm tra {}: trình kiểm tra không có danh mục mã được phép cho trường này.",
                field_name(Lang::Vi, field)
            ),
        ),
        Error::ValueSetsNotLoaded => fixed(
            "Codes not checked: this verifier holds no EU value sets.",
            "Chưa kiểm tra các mã: trình kiểm tra không có danh mục giá trị EU.",
        ),
        Error::Implausible {
            kind,
            field,
            value,
            expected,
        } => {
            let why = implausible(lang, *kind, field, value, expected.as_deref());
            let still = pick(
                lang,
                "This alone does not make the certificate invalid.",
                "Riêng điều này không làm chứng nhận mất hiệu lực.",
            );
            format!("{why} {still}")
        }
        _ => owned(format!("Error {}.", e.code()), format!("Lỗi {}.", e.code())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_exists_in_every_language_and_differs_where_it_should() {
        let same_in_both = [Key::AppName];
        for key in Key::ALL {
            let en = text(Lang::En, key);
            let vi = text(Lang::Vi, key);
            assert!(!en.trim().is_empty() && !vi.trim().is_empty(), "{key:?}");
            if !same_in_both.contains(&key) {
                assert_ne!(en, vi, "{key:?} is not translated");
            }
            // Placeholders agree.
            for i in 0..3 {
                let p = format!("{{{i}}}");
                assert_eq!(en.contains(&p), vi.contains(&p), "{key:?} placeholder {p}");
            }
        }
    }

    #[test]
    fn language_negotiation() {
        assert_eq!(Lang::negotiate(["vi-VN", "en-US"]), Lang::Vi);
        assert_eq!(Lang::negotiate(["de-DE", "en-GB"]), Lang::En);
        assert_eq!(Lang::negotiate(["fr"]), Lang::En);
        assert_eq!(Lang::negotiate(["de", "vi"]), Lang::Vi);
        assert_eq!(Lang::from_code("VI"), Some(Lang::Vi));
    }

    #[test]
    fn dates_and_ages() {
        let t = UnixTime::parse_rfc3339("2021-04-30T13:05:00Z").unwrap();
        assert_eq!(date(Lang::Vi, t), "30/04/2021");
        assert_eq!(date(Lang::En, t), "2021-04-30");
        assert_eq!(date_time(Lang::En, t), "2021-04-30 13:05 UTC");
        assert_eq!(age(Lang::En, 3 * 86_400 + 5), "3 days");
        assert_eq!(age(Lang::Vi, 5 * 3600), "5 giờ");
        assert_eq!(age(Lang::En, 600), "10 minutes");
        assert_eq!(fill("{0} of {1}", &["2", "3"]), "2 of 3");
    }

    #[test]
    fn every_reason_is_translated() {
        let errors = [
            Error::QrNotFound,
            Error::SignatureInvalid,
            Error::Expired { exp: 1_640_995_200 },
            Error::KeyUsageMismatch {
                certificate_type: "t",
                allowed: "v".into(),
            },
            Error::Revoked {
                reason: Some("fraud".into()),
            },
            Error::CertificateInvalid {
                kind: hcert::CertificateErrorKind::DuplicateExtension,
                reason: String::new(),
            },
            Error::SignerUnknown {
                kid: "AQEBAQEBAQE=".into(),
            },
            Error::RevocationNotCovered {
                country: Some("DE".into()),
            },
            Error::RevocationNotCovered { country: None },
            Error::TrustListInvalid {
                kind: TrustListErrorKind::RevocationExpired,
                reason: String::new(),
            },
            Error::TrustListInvalid {
                kind: TrustListErrorKind::Rollback,
                reason: String::new(),
            },
            Error::TrustListInvalid {
                kind: TrustListErrorKind::Expired,
                reason: String::new(),
            },
        ];
        let value_sets = [
            Error::ValueSetUnknownCode {
                field: "v.0.ma".into(),
                code: "ORG-99999999".into(),
                value_set: "vaccines-covid-19-auth-holders".into(),
            },
            Error::ValueSetCodeNotString {
                field: "v.0.tg".into(),
                value: "840539006".into(),
                value_set: "disease-agent-targeted".into(),
            },
            Error::ValueSetDeprecatedCode {
                field: "v.0.vp".into(),
                code: "J07BX03".into(),
                value_set: "sct-vaccines-covid-19".into(),
            },
            Error::ValueSetUnavailable {
                field: "t.0.ma".into(),
                value_set: "covid-19-lab-test-manufacturer-and-name".into(),
            },
            Error::ValueSetsNotLoaded,
            Error::OutlivesSigner {
                exp: 1,
                signer_not_after: 0,
            },
        ];
        let plausibility = PlausibilityKind::ALL.map(|kind| Error::Implausible {
            kind,
            field: "v.0.dt".into(),
            value: "2020-11-30".into(),
            expected: Some("2020-12-01".into()),
        });
        for e in value_sets.iter().chain(&plausibility) {
            let (en, vi) = (reason(Lang::En, e), reason(Lang::Vi, e));
            assert_ne!(en, vi, "{e:?}");
            assert!(
                !vi.starts_with("Lỗi ") && !en.starts_with("Error "),
                "{e:?}"
            );
            assert!(!en.contains("looks implausible"), "{e:?} has no own words");
        }
        // Each plausibility finding has its own words.
        let mut seen = std::collections::BTreeSet::new();
        for e in &plausibility {
            assert!(seen.insert(reason(Lang::En, e)), "{e:?} shares its words");
            assert!(reason(Lang::Vi, e).ends_with("không làm chứng nhận mất hiệu lực."));
        }
        // The unknown code names the field for people and the code as found.
        assert!(reason(Lang::En, &value_sets[0]).contains("manufacturer code \"ORG-99999999\""));
        assert!(reason(Lang::Vi, &value_sets[0]).contains("nhà sản xuất \"ORG-99999999\""));
        assert!(reason(Lang::En, &value_sets[0]).contains("Do not accept it"));
        assert_eq!(field_name(Lang::En, "t.0.ma"), "test device");
        assert_eq!(field_name(Lang::En, "x.y"), "x.y");
        for e in &errors {
            let en = reason(Lang::En, e);
            let vi = reason(Lang::Vi, e);
            assert_ne!(en, vi);
            assert!(!vi.starts_with("Lỗi "), "{e:?} untranslated");
        }
        assert!(reason(Lang::Vi, &errors[2]).contains("01/01/2022"));
        assert!(reason(Lang::En, &errors[2]).contains("2022-01-01"));
        assert!(reason(Lang::En, &errors[3]).contains("sign test certificates"));
        assert!(reason(Lang::Vi, &errors[4]).contains("gian lận"));
        assert!(
            reason(Lang::En, &errors[7]).contains("no revocation data for certificates from DE")
        );
        assert!(reason(Lang::Vi, &errors[7]).contains("DE"));
        // Each trust-list failure has its own words, not the generic integrity message.
        let generic = reason(
            Lang::En,
            &Error::TrustListInvalid {
                kind: TrustListErrorKind::Digest,
                reason: String::new(),
            },
        );
        for e in &errors[9..] {
            assert_ne!(reason(Lang::En, e), generic, "{e:?}");
        }
    }

    #[test]
    fn acceptance_is_worded_in_every_language() {
        use hcert::{AcceptanceStatus as S, AssessmentReason as R, RuleOutcome as O};
        let words = |f: &dyn Fn(Lang) -> &'static str| {
            let (en, vi) = (f(Lang::En), f(Lang::Vi));
            assert!(!en.is_empty() && !vi.is_empty() && en != vi, "{en}");
        };
        for s in [S::Accepted, S::NotAccepted, S::CannotAssess] {
            words(&|l| acceptance_status(l, s));
        }
        for r in [
            R::AllPassed,
            R::RuleFailed,
            R::RuleOpen,
            R::NoRulesForCountry,
            R::NoApplicableRules,
            R::CertificateTypeUnknown,
        ] {
            words(&|l| assessment_reason(l, r));
        }
        for o in [O::Passed, O::Fail, O::Open] {
            words(&|l| rule_outcome(l, o));
        }
        // A country without rules is never worded as accepted.
        assert_eq!(
            assessment_reason(Lang::En, R::NoRulesForCountry),
            "no rules published: cannot assess"
        );
    }
}
