//! Database entities of the HR tables.
pub mod hr_employees;
