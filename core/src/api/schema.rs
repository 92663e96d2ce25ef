//! What every API body shares: how a decimal string and a month are described in the
//! OpenAPI document, and the shape of a `201 Created` answer.
//!
//! The rule (docs/ARCHITECTURE.md): an API handler answers with a type that derives
//! `Serialize` and `utoipa::ToSchema`, named in its `#[utoipa::path]`
//! `responses((status = …, body = …))` — never with `json!` — so the document describes
//! every success body and a client can be generated from it.
use axum::{Json, http::StatusCode};
use utoipa::openapi::{
    ObjectBuilder, Type,
    schema::{Object, SchemaFormat, SchemaType},
};

/// A decimal number written in digits, `.` as the separator, no exponent: `"1234.50"`,
/// `"-12"`, `"0.333333"`. Amounts, quantities, rates and days travel as such strings, so
/// no client reads them through a binary float.
pub const DECIMAL_PATTERN: &str = r"^-?[0-9]+(\.[0-9]+)?$";

/// A month, `YYYY-MM`.
pub const MONTH_PATTERN: &str = r"^[0-9]{4}-(0[1-9]|1[0-2])$";

/// The `format` a decimal string is documented with (a client generator may map it to
/// its decimal type).
pub const DECIMAL_FORMAT: &str = "decimal";

const DECIMAL_DESCRIPTION: &str =
    "A decimal number as a string: digits, `.` as the separator, no exponent (\"1234.50\").";

fn decimal_builder(types: SchemaType) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(types)
        .format(Some(SchemaFormat::Custom(DECIMAL_FORMAT.to_string())))
        .pattern(Some(DECIMAL_PATTERN))
        .description(Some(DECIMAL_DESCRIPTION))
        .examples(["1234.50"])
}

/// The schema of a decimal string (`#[schema(schema_with = decimal)]` on a field
/// serialized with `rust_decimal::serde::str`, or on a `String` that holds one).
#[must_use]
pub fn decimal() -> Object {
    decimal_builder(SchemaType::from(Type::String)).build()
}

/// The schema of a decimal string or `null`.
#[must_use]
pub fn decimal_or_null() -> Object {
    decimal_builder(SchemaType::from_iter([Type::String, Type::Null])).build()
}

/// A `201 Created` answer with its JSON body.
pub type Created<T> = (StatusCode, Json<T>);

/// Answers `201 Created` with `body`.
pub fn created<T>(body: T) -> Created<T> {
    (StatusCode::CREATED, Json(body))
}

/// Reads a text field of a request body where `null` means empty: what a client sends
/// back after a `GET` (`"email": null`) is read as it was written.
///
/// # Errors
/// When the value is neither a string nor null.
pub fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v: Option<String> = serde::Deserialize::deserialize(d)?;
    Ok(v.unwrap_or_default())
}
