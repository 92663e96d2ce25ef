//! The skills each position requires (GPEC): per member, a position (as written in the
//! contracts) expects some skills at a level; an employee's gaps are the required skills
//! not assessed, or assessed below the level.
use std::collections::BTreeSet;

use chrono::Utc;
use mutualis_core::{
    error::{AppError, AppResult, FieldError},
    ids::new_id,
    scope::Scope,
    tenant::MemberOwned,
    time::paris_today,
};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    contracts,
    entities::{hr_contracts, hr_employee_skills, hr_position_skills, hr_skills},
    skills::LEVELS,
};

/// The requirement form.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RequirementInput {
    pub position: String,
    pub skill_id: String,
    pub level: String,
}

/// One required skill compared with the employee's assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub skill_id: Uuid,
    pub required: i32,
    /// `None`: never assessed.
    pub assessed: Option<i32>,
}

impl Gap {
    /// Whether the employee is below the expected level.
    #[must_use]
    pub fn short(&self) -> bool {
        self.assessed.is_none_or(|a| a < self.required)
    }
}

/// The required skills of a position against an employee's levels, in the order of the
/// requirements.
#[must_use]
pub fn gaps(required: &[(Uuid, i32)], assessed: &[(Uuid, i32)]) -> Vec<Gap> {
    required
        .iter()
        .map(|(skill, level)| Gap {
            skill_id: *skill,
            required: *level,
            assessed: assessed.iter().find(|(s, _)| s == skill).map(|(_, l)| *l),
        })
        .collect()
}

/// The member's requirements, by position then skill.
///
/// # Errors
/// Database errors.
pub async fn requirements<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
) -> AppResult<Vec<hr_position_skills::Model>> {
    Ok(hr_position_skills::Entity::find_in(scope.tenant())
        .order_by_asc(hr_position_skills::Column::Position)
        .order_by_asc(hr_position_skills::Column::CreatedAt)
        .all(db)
        .await?)
}

/// The positions written in the member's contracts (for the form's list).
///
/// # Errors
/// Database errors.
pub async fn positions<C: ConnectionTrait>(db: &C, scope: &Scope) -> AppResult<Vec<String>> {
    let mut out: BTreeSet<String> = hr_contracts::Entity::find_in(scope.tenant())
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.position)
        .collect();
    out.extend(
        requirements(db, scope)
            .await?
            .into_iter()
            .map(|r| r.position),
    );
    Ok(out.into_iter().collect())
}

/// Sets the level a position requires in a skill (replacing a previous one). Audited.
///
/// # Errors
/// 422 naming the field; database errors.
pub async fn set_requirement<
    C: ConnectionTrait + TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    scope: &Scope,
    input: &RequirementInput,
) -> AppResult<hr_position_skills::Model> {
    let mut c = mutualis_core::limits::Check::new();
    let position = c.text(
        "position",
        "L’emploi",
        &input.position,
        mutualis_core::limits::Text::Title,
        "Choisissez ou saisissez l’emploi.",
    );
    let mut errors = c.into_errors();
    let skill = match Uuid::parse_str(input.skill_id.trim()) {
        Ok(id) => {
            hr_skills::Entity::find_in(scope.tenant())
                .filter(hr_skills::Column::Id.eq(id))
                .one(db)
                .await?
        }
        Err(_) => None,
    };
    if skill.is_none() {
        errors.push(FieldError::new(
            "skill_id",
            "Choisissez une compétence du catalogue.",
        ));
    }
    let level = input
        .level
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|l| LEVELS.iter().any(|(v, _)| v == l));
    if level.is_none() {
        errors.push(FieldError::new(
            "level",
            "Choisissez le niveau attendu (1 à 4).",
        ));
    }
    let (Some(skill), Some(level)) = (skill, level) else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let w = scope.write(db).await?;
    hr_position_skills::Entity::delete_in(scope.tenant())
        .filter(hr_position_skills::Column::Position.eq(position.as_str()))
        .filter(hr_position_skills::Column::SkillId.eq(skill.id))
        .exec(w.txn())
        .await?;
    let row = hr_position_skills::Entity::insert_in(
        scope.tenant(),
        hr_position_skills::ActiveModel {
            member_id: Set(scope.member_id()),
            id: Set(new_id()),
            position: Set(position),
            skill_id: Set(skill.id),
            level: Set(level),
            created_by: Set(scope.actor().label),
            created_at: Set(Utc::now()),
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "position_skill",
        &row.id.to_string(),
        "set",
        serde_json::json!({"position": row.position, "skill": skill.name, "level": level}),
    )
    .await?;
    w.commit().await?;
    Ok(row)
}

/// Removes a requirement (404 for another member's). Audited.
///
/// # Errors
/// 404; database errors.
pub async fn remove_requirement<
    C: ConnectionTrait + TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    scope: &Scope,
    id: Uuid,
) -> AppResult<()> {
    let w = scope.write(db).await?;
    let r = hr_position_skills::Entity::find_in(scope.tenant())
        .filter(hr_position_skills::Column::Id.eq(id))
        .one(w.txn())
        .await?
        .ok_or(AppError::NotFound)?;
    hr_position_skills::Entity::delete_in(scope.tenant())
        .filter(hr_position_skills::Column::Id.eq(id))
        .exec(w.txn())
        .await?;
    w.audit(
        "position_skill",
        &id.to_string(),
        "remove",
        serde_json::json!({"position": r.position}),
    )
    .await?;
    w.commit().await?;
    Ok(())
}

/// An employee's current position (contract in force today, else the latest) and the
/// gaps against its requirements (404 for another member's employee).
///
/// # Errors
/// 404; database errors.
pub async fn employee_gaps<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
) -> AppResult<(Option<String>, Vec<Gap>)> {
    let today = paris_today();
    let cs = contracts::of_employee(db, scope, employee_id).await?;
    let position = cs
        .iter()
        .rev()
        .find(|c| c.active_on(today))
        .and_then(|c| c.at(today))
        .or_else(|| cs.last().and_then(contracts::Contract::latest))
        .map(|v| v.position.clone());
    let Some(position) = position else {
        return Ok((None, Vec::new()));
    };
    let required: Vec<(Uuid, i32)> = hr_position_skills::Entity::find_in(scope.tenant())
        .filter(hr_position_skills::Column::Position.eq(position.as_str()))
        .order_by_asc(hr_position_skills::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.skill_id, r.level))
        .collect();
    let assessed: Vec<(Uuid, i32)> = hr_employee_skills::Entity::find_in(scope.tenant())
        .filter(hr_employee_skills::Column::EmployeeId.eq(employee_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.skill_id, l.level))
        .collect();
    Ok((Some(position), gaps(&required, &assessed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_is_a_required_skill_missing_or_below_its_level() {
        let (a, b, c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let g = gaps(&[(a, 3), (b, 2), (c, 1)], &[(a, 2), (c, 4)]);
        assert_eq!(
            g.iter()
                .map(|g| (g.assessed, g.short()))
                .collect::<Vec<_>>(),
            [(Some(2), true), (None, true), (Some(4), false)]
        );
    }
}
