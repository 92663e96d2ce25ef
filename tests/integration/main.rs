//! End-to-end tests: the real router, a fresh database per test (SQLite by default,
//! PostgreSQL when `DATABASE_URL` points to one), real headless Chromium for the browser.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

mod access;
mod account;
mod audit;
mod audit_log;
mod auth;
mod backup;
mod billing;
mod billing_cii;
mod billing_pdf;
mod browser;
mod browser_gdpr;
mod browser_it;
mod browser_payroll;
mod browser_practices;
mod common;
mod contract;
mod defences;
mod gdpr;
mod gdpr_exports;
mod gdpr_pages;
mod hr;
mod hr_import_bombs;
mod hr_records;
mod hr_skills;
mod isolation;
mod it;
mod it_pages;
mod legal;
mod limits;
mod members;
mod metering;
mod modules;
mod navigation;
mod offboarding;
mod openapi;
mod payroll;
mod payroll_pages;
mod practices;
mod practices_addresses;
mod practices_social;
mod tenant;
mod third_party;
mod trial;
