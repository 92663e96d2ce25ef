//! Database entities of the billing tables.
pub mod billing_approvals;
pub mod billing_charges;
pub mod billing_invoice_lines;
pub mod billing_invoices;

mutualis_core::member_owned!(billing_approvals, billing_invoice_lines, billing_invoices);
mutualis_core::coop_owned!(billing_charges);
