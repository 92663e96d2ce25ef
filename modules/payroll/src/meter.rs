//! The payroll module's meter: a payslip prepared is one distinct employee exported for a
//! period (the allocation key of the payroll cost pool).
use mutualis_core::metering::{Aggregation, Meter};

/// `payroll.payslips`: one event per employee and period exported (its key makes a
/// re-export, or a reopened period exported again, count each employee once).
pub const PAYSLIPS: Meter = Meter {
    code: "payroll.payslips",
    module: "payroll",
    aggregation: Aggregation::Count,
    unit: "bulletins",
    label: "Bulletins préparés (salariés exportés)",
    max_per_event: 1,
};

/// The module's meters.
pub const METERS: [Meter; 1] = [PAYSLIPS];
