//! Vietnamese wording of the worklists (docs/reconcile.md §Worklists): the one place where
//! codes become text for vaccination-site staff. Codes not listed stay as codes.

/// Column headers of a worklist, in order.
pub(crate) const HEADER: [&str; 17] = [
    "Mã hồ sơ",
    "Dòng trong tệp",
    "Phân loại",
    "Lý do",
    "Đánh giá",
    "Sai khác được chấp nhận",
    "Họ và tên (hồ sơ tiêm)",
    "Ngày sinh (hồ sơ tiêm)",
    "Giới tính (hồ sơ tiêm)",
    "Số CCCD/CMND (hồ sơ tiêm)",
    "Họ và tên (CSDL dân cư)",
    "Ngày sinh (CSDL dân cư)",
    "Giới tính (CSDL dân cư)",
    "Mã tỉnh (CSDL dân cư)",
    "Mã phân loại",
    "Mã lý do",
    "Mã sai khác",
];

/// Header of `worklists/index.csv`.
pub(crate) const INDEX_HEADER: [&str; 3] = ["Cơ sở tiêm chủng", "Tệp", "Số hồ sơ cần xử lý"];

/// What the worklist shows in place of another person's data.
pub(crate) const HIDDEN: &str = "(không hiển thị: số định danh thuộc về người khác)";

/// The site name used when no dose names one.
pub(crate) const UNKNOWN_SITE: &str = "Không rõ cơ sở tiêm";

/// A class code in Vietnamese.
pub(crate) fn class(code: &str) -> &str {
    match code {
        "verified" => "Đã xác thực",
        "wrong" => "Sai thông tin so với CSDL dân cư",
        "not_found" => "Không có trong CSDL dân cư",
        "no_id" => "Thiếu số định danh",
        "id_format" => "Số định danh sai định dạng",
        "duplicate" => "Trùng số định danh với người khác",
        "registry_problem" => "Lỗi dữ liệu CSDL dân cư",
        "malformed" => "Dòng dữ liệu lỗi",
        other => other,
    }
}

/// A reason code in Vietnamese.
pub(crate) fn reason(code: &str) -> &str {
    match code {
        "NAME_DIFFERS" => "Họ tên khác CSDL dân cư",
        "DOB_DIFFERS" => "Ngày sinh khác CSDL dân cư",
        "SEX_DIFFERS" => "Giới tính khác CSDL dân cư",
        "PROVINCE_DIFFERS" => "Mã tỉnh trên CCCD khác CSDL dân cư",
        "ID_NOT_IN_REGISTRY" => "Số định danh không có trong CSDL dân cư",
        "ID_MISSING" => "Thiếu số CCCD/CMND",
        "ID_FORMAT" => "Số CCCD/CMND sai định dạng",
        "ID_PROVINCE" => "Mã tỉnh trên CCCD không tồn tại",
        "DUPLICATE_ID" => "Số định danh đã được dùng cho người khác",
        "REGISTRY_ID_CONFLICT" => "CSDL dân cư có nhiều người cùng số định danh",
        "REGISTRY_ENCODING" => "Dữ liệu CSDL dân cư lỗi bảng mã",
        "MALFORMED_RECORD" => "Dòng không đúng định dạng",
        "ENCODING_INVALID_UTF8" => "Tệp không phải UTF-8 (có thể là Windows-1258/TCVN3)",
        "ENCODING_VNI" => "Tên gõ bằng bảng mã VNI",
        "ENCODING_MOJIBAKE" => "Tên lỗi phông (mã hoá hai lần)",
        "TRUNCATED" => "Tệp bị cắt cụt ở dòng này",
        "SAME_PERSON_REPEATED" => "Một người có nhiều hồ sơ cùng số định danh",
        other => other,
    }
}

/// A verdict code in Vietnamese.
pub(crate) fn verdict(code: &str) -> &str {
    match code {
        "typing_error" => "Có thể do lỗi nhập liệu",
        "different_person" => "Có thể là người khác",
        other => other,
    }
}

/// A tolerance code in Vietnamese.
pub(crate) fn tolerance(code: &str) -> &str {
    match code {
        "UNICODE_FORM" => "Khác dạng Unicode (dựng sẵn/tổ hợp)",
        "CASE_SPACING" => "Khác chữ hoa/thường hoặc khoảng trắng",
        "TONE_PLACEMENT" => "Khác vị trí dấu thanh (hoà/hòa)",
        "D_STROKE" => "Chữ Đ viết thành D",
        "DOB_PARTIAL" => "Ngày sinh chỉ có năm hoặc tháng",
        "DIACRITICS_MISSING" => "Thiếu dấu",
        "MIDDLE_NAME_MISSING" => "Thiếu tên đệm",
        "NAME_ORDER_SWAPPED" => "Đảo họ và tên",
        "NAME_TYPO" => "Sai chính tả tên",
        "DOB_DAY_MONTH_SWAPPED" => "Đảo ngày và tháng sinh",
        "DOB_TYPO" => "Sai một chữ số ngày sinh",
        other => other,
    }
}

/// A sex as written (`M`, `F`, `Nam`, `Nữ` …) in Vietnamese; anything else unchanged.
pub(crate) fn sex(s: &str) -> String {
    match vaxpass_issuer::nid::Sex::parse(s) {
        Some(vaxpass_issuer::nid::Sex::Male) => "Nam".into(),
        Some(vaxpass_issuer::nid::Sex::Female) => "Nữ".into(),
        None => s.to_string(),
    }
}

/// `;`-separated codes worded with `f`, joined by "; ".
pub(crate) fn list(codes: &str, f: fn(&str) -> &str) -> String {
    codes
        .split(';')
        .filter(|c| !c.is_empty())
        .map(f)
        .collect::<Vec<_>>()
        .join("; ")
}
