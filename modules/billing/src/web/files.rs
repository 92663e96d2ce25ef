//! Invoice documents (PDF, Factur-X XML) for the cooperative and for the member.
use super::*;

/// `GET /coop/billing/invoices/{id}/document/{pdf|xml}`
pub async fn coop_invoice_file(
    State(ctx): State<AppContext>,
    Path((id, format)): Path<(Uuid, String)>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.invoices", "read").await?;
    let format = crate::files::Format::from_ext(&format).ok_or(AppError::NotFound)?;
    let inv = service::find_any(&ctx.db, scope.coop(), id).await?;
    let member = service::members_by_id(&ctx.db)
        .await?
        .remove(&inv.member_id)
        .ok_or(AppError::NotFound)?;
    Ok(crate::files::download(&ctx, &member, &inv, format).await?)
}

/// `GET /m/{slug}/billing/invoices/{id}/document/{pdf|xml}`: the member's own only.
pub async fn member_invoice_file(
    State(ctx): State<AppContext>,
    Path((_slug, id, format)): Path<(String, Uuid, String)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("billing.invoices", "read").await?;
    let format = crate::files::Format::from_ext(&format).ok_or(AppError::NotFound)?;
    let inv = service::invoices_of(&ctx.db, scope.tenant())
        .await?
        .into_iter()
        .find(|i| i.id == id && i.status != status::DRAFT)
        .ok_or(AppError::NotFound)?;
    Ok(crate::files::download(&ctx, scope.member(), &inv, format).await?)
}
