//! The legal module's tables.
pub mod legal_documents;
pub mod legal_notices;
pub mod legal_template_versions;
pub mod legal_templates;

mutualis_core::member_owned!(legal_documents, legal_notices);
mutualis_core::coop_owned!(legal_templates, legal_template_versions);
