//! The practice exchange's tables.
pub mod practices_address_reviews;
pub mod practices_addresses;
pub mod practices_attachments;
pub mod practices_comments;
pub mod practices_digests_sent;
pub mod practices_readers;
pub mod practices_sheet_versions;
pub mod practices_sheets;
pub mod practices_themes;
pub mod practices_useful_marks;

mutualis_core::member_owned!(
    practices_sheets,
    practices_sheet_versions,
    practices_comments,
    practices_useful_marks
);
mutualis_core::member_owned!(
    practices_addresses,
    practices_address_reviews,
    practices_attachments
);
mutualis_core::coop_owned!(practices_themes, practices_readers, practices_digests_sent);
