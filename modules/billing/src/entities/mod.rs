//! Database entities of the billing tables.
pub mod billing_approvals;
pub mod billing_charges;
pub mod billing_invoice_lines;
pub mod billing_invoices;
