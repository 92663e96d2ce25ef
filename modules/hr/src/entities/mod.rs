pub mod hr_accrual_runs;
pub mod hr_contracts;
pub mod hr_employee_skills;
pub mod hr_employees;
pub mod hr_imports;
pub mod hr_interviews;
pub mod hr_leave_entries;
pub mod hr_leave_requests;
pub mod hr_point_values;
pub mod hr_position_skills;
pub mod hr_settings;
pub mod hr_skills;
pub mod hr_trainings;

mutualis_core::member_owned!(
    hr_accrual_runs,
    hr_contracts,
    hr_employee_skills,
    hr_employees,
    hr_imports,
    hr_interviews,
    hr_leave_entries,
    hr_leave_requests,
    hr_position_skills,
    hr_settings,
    hr_skills,
    hr_trainings,
);
mutualis_core::coop_owned!(hr_point_values);
