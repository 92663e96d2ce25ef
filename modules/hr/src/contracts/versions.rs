//! Contracts as their versions in order, and the queries that read them.
use super::*;

/// One contract: its versions in order.
#[derive(Debug, Clone)]
pub struct Contract {
    pub versions: Vec<hr_contracts::Model>,
}

impl Contract {
    /// The latest version (what is known today: an amendment may have set the end).
    #[must_use]
    pub fn latest(&self) -> Option<&hr_contracts::Model> {
        self.versions.last()
    }

    /// The version in force on `day`: the latest whose `valid_from` is not after it.
    #[must_use]
    pub fn at(&self, day: NaiveDate) -> Option<&hr_contracts::Model> {
        self.versions.iter().rev().find(|v| v.valid_from <= day)
    }

    /// First and last day of the contract, as known today.
    #[must_use]
    pub fn span(&self) -> Option<(NaiveDate, Option<NaiveDate>)> {
        self.latest().map(|v| (v.start_date, v.end_date))
    }

    /// Whether the contract covers some day of `[from, to]`.
    #[must_use]
    pub fn overlaps(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.span()
            .is_some_and(|(s, e)| s <= to && e.is_none_or(|e| e >= from))
    }

    /// Whether the contract covers `day`.
    #[must_use]
    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.overlaps(day, day)
    }
}

/// Groups versions by contract, each contract's versions by number, contracts by start.
#[must_use]
pub fn group(mut versions: Vec<hr_contracts::Model>) -> Vec<Contract> {
    versions.sort_by_key(|v| (v.contract_id, v.version));
    let mut by: BTreeMap<Uuid, Vec<hr_contracts::Model>> = BTreeMap::new();
    for v in versions {
        by.entry(v.contract_id).or_default().push(v);
    }
    let mut out: Vec<Contract> = by
        .into_values()
        .map(|versions| Contract { versions })
        .collect();
    out.sort_by_key(|c| c.versions.first().map(|v| v.start_date));
    out
}

/// Every version of the member's contracts, grouped by employee then contract.
///
/// # Errors
/// Database errors.
pub async fn all_by_employee<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
) -> AppResult<BTreeMap<Uuid, Vec<Contract>>> {
    by_employee_for(db, scope.tenant()).await
}

/// The same for a background task of one member (no request scope).
///
/// # Errors
/// Database errors.
pub async fn by_employee_for<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<BTreeMap<Uuid, Vec<Contract>>> {
    let rows = hr_contracts::Entity::find_in(tenant).all(db).await?;
    let mut by: BTreeMap<Uuid, Vec<hr_contracts::Model>> = BTreeMap::new();
    for r in rows {
        by.entry(r.employee_id).or_default().push(r);
    }
    Ok(by.into_iter().map(|(k, v)| (k, group(v))).collect())
}

/// One employee's contracts (404 when the employee is not the member's).
///
/// # Errors
/// 404; database errors.
pub async fn of_employee<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
) -> AppResult<Vec<Contract>> {
    crate::employees::get(db, scope.tenant(), employee_id).await?;
    let rows = hr_contracts::Entity::find_in(scope.tenant())
        .filter(hr_contracts::Column::EmployeeId.eq(employee_id))
        .order_by_asc(hr_contracts::Column::Version)
        .all(db)
        .await?;
    Ok(group(rows))
}

/// One contract of the member, with its employee (404 otherwise).
///
/// # Errors
/// 404; database errors.
pub async fn one<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    contract_id: Uuid,
) -> AppResult<(Contract, hr_employees::Model)> {
    let versions = hr_contracts::Entity::find_in(scope.tenant())
        .filter(hr_contracts::Column::ContractId.eq(contract_id))
        .all(db)
        .await?;
    let c = group(versions)
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    let employee_id = c.latest().ok_or(AppError::NotFound)?.employee_id;
    Ok((
        c,
        crate::employees::get(db, scope.tenant(), employee_id).await?,
    ))
}
