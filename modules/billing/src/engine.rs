//! Pure allocation engine: cent rounding, largest-remainder splits, day proration,
//! flat and graduated prices, and cost-pool allocation among members.
//!
//! Everything here is pure and deterministic: no I/O, no clock, no floats. Money is a
//! [`Decimal`] at two decimals (euros and cents); quantities and weights are [`Decimal`]s
//! of any scale (meters use up to six decimals).
//!
//! The central invariant is that a split never creates nor loses a cent: the parts of
//! [`largest_remainder`] and the totals of [`split_pool`] always sum exactly to the amount
//! being split, and no part is a cent or more away from its exact proportional value.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------
// Rounding
// ---------------------------------------------------------------------------

/// Rounds to the cent, half away from zero (the legal rounding for invoice totals).
///
/// The result carries exactly two decimals (`5` becomes `5.00`) and is never a negative
/// zero, so it displays as an invoice amount. `2.345` → `2.35`, `-0.005` → `-0.01`.
#[must_use]
pub fn cents(d: Decimal) -> Decimal {
    let mut rounded = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    if rounded.is_zero() {
        return Decimal::new(0, 2);
    }
    // Rounding left at most two decimals, so raising the scale to 2 is lossless
    // (`rescale` keeps the largest representable scale for huge values).
    rounded.rescale(2);
    rounded
}

/// Magnitude of an amount already rounded by [`cents`], as a whole number of cents.
fn to_cents_magnitude(rounded: Decimal) -> u128 {
    // After `cents`, the scale is at most 2 and the mantissa below 2^96, so this fits.
    let mantissa = rounded.mantissa().unsigned_abs();
    let scale = rounded.scale().min(2);
    mantissa * 10u128.pow(2 - scale)
}

/// A non-negative number of cents as a two-decimal amount.
///
/// Every value produced here is at most the magnitude of a `Decimal`-rounded total, so it
/// fits at scale 2 except beyond ~7.9 × 10^26 €, where `Decimal` cannot hold cents at all;
/// there the amount degrades to whole euros instead of panicking.
fn from_cents(c: u128) -> Decimal {
    i128::try_from(c)
        .ok()
        .and_then(|c| {
            Decimal::try_from_i128_with_scale(c, 2)
                .or_else(|_| Decimal::try_from_i128_with_scale(c / 100, 0))
                .ok()
        })
        .unwrap_or(Decimal::MAX)
}

// ---------------------------------------------------------------------------
// Exact wide arithmetic (u128 × u128 / u128) for the largest-remainder method
// ---------------------------------------------------------------------------

/// Full 256-bit product of two `u128`, as `(high, low)` halves.
fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = (1u128 << 64) - 1;
    let (a1, a0) = (a >> 64, a & MASK);
    let (b1, b0) = (b >> 64, b & MASK);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    // Each term is below 2^64, so the sum is below 3 × 2^64: no overflow.
    let mid = (p00 >> 64) + (p01 & MASK) + (p10 & MASK);
    let low = (p00 & MASK) | (mid << 64);
    let high = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (high, low)
}

/// `floor(a × b / d)` and `(a × b) mod d`, exactly.
///
/// Requires `d > 0` and `b <= d`, which guarantees the quotient (at most `a`) fits in a
/// `u128`; callers uphold it (a weight never exceeds the sum of weights).
fn mul_div_rem(a: u128, b: u128, d: u128) -> (u128, u128) {
    let (high, low) = mul_wide(a, b);
    if high == 0 {
        return (low / d, low % d);
    }
    // Binary long division of the 256-bit `high:low` by `d`; `high < d` because
    // `a × b < 2^128 × d` when `b <= d`.
    let mut rem = high;
    let mut quot = 0u128;
    for bit in (0..128).rev() {
        let carry = rem >> 127;
        rem = (rem << 1) | ((low >> bit) & 1);
        quot <<= 1;
        // With a carry the true remainder is >= 2^128 > d; it is always < 2d, so the
        // wrapping subtraction yields the exact new remainder.
        if carry == 1 || rem >= d {
            rem = rem.wrapping_sub(d);
            quot |= 1;
        }
    }
    (quot, rem)
}

/// Non-negative weights as integers at one common scale, with their (non-overflowing) sum.
///
/// The common scale is the largest scale among the weights, so the integers are in exact
/// proportion. Only if that overflows a `u128` (weights mixing ~10^28 and ~10^-28) are the
/// weights rounded to fewer decimals until they fit.
fn integer_weights(weights: &[Decimal]) -> (Vec<u128>, u128) {
    let max_scale = weights
        .iter()
        .map(|w| w.normalize().scale())
        .max()
        .unwrap_or(0);
    for scale in (0..=max_scale).rev() {
        if let Some(found) = integer_weights_at(weights, scale) {
            return found;
        }
    }
    // Unreachable in practice (would need billions of weights near Decimal::MAX).
    (
        vec![1; weights.len()],
        u128::try_from(weights.len()).unwrap_or(u128::MAX),
    )
}

fn integer_weights_at(weights: &[Decimal], scale: u32) -> Option<(Vec<u128>, u128)> {
    let mut ints = Vec::with_capacity(weights.len());
    let mut sum = 0u128;
    for w in weights {
        let r = w.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero);
        let mantissa = u128::try_from(r.mantissa()).ok()?;
        let int = mantissa.checked_mul(10u128.checked_pow(scale.checked_sub(r.scale())?)?)?;
        sum = sum.checked_add(int)?;
        ints.push(int);
    }
    Some((ints, sum))
}

// ---------------------------------------------------------------------------
// Largest remainder
// ---------------------------------------------------------------------------

/// Splits `total` (already at cents) among `weights` in proportion, to the cent, by the
/// largest-remainder method, so that the parts sum EXACTLY to `total`.
///
/// - `weights`: `(key, weight)` with `weight >= 0`; keys are unique. A negative weight is
///   treated as zero.
/// - Each part first gets the floor of its exact share in cents; the cents left over (fewer
///   than the number of parts) go one each to the largest remainders. Ties on the remainder
///   are broken deterministically: larger weight first, then smaller key (`K: Ord`). So
///   100.00 over keys `a`, `b`, `c` with equal weights gives `a` 33.34, `b` and `c` 33.33.
/// - If every weight is zero (nobody consumed), splits equally (same largest-remainder rule
///   with weight 1 each, so the extra cents go to the smallest keys).
/// - Empty `weights` → empty `Vec`. Negative total allowed (credit): its absolute value is
///   split, then every part negated, so a credit mirrors the matching charge.
///
/// A `total` with more than two decimals is first rounded with [`cents`]. Every part is
/// within one cent (strictly) of its exact proportional value, a zero weight gets exactly
/// zero (unless all are zero), and a larger weight never gets less than a smaller one.
///
/// Returns the parts, at two decimals, in the same order as `weights`.
///
/// Limits (never reached by real invoices; no panic either way): weights whose exact ratio
/// does not fit 128 bits (mixing ~10^28 and ~10^-28) are rounded to fewer decimals first,
/// which keeps the sum exact but loosens the one-cent bound; beyond ~7.9 × 10^26 €,
/// `Decimal` cannot represent cents and parts degrade to whole euros.
#[must_use]
pub fn largest_remainder<K: Ord + Clone>(
    total: Decimal,
    weights: &[(K, Decimal)],
) -> Vec<(K, Decimal)> {
    if weights.is_empty() {
        return Vec::new();
    }
    let total = cents(total);
    let negative = total.is_sign_negative();
    let total_cents = to_cents_magnitude(total);

    let clamped: Vec<Decimal> = weights
        .iter()
        .map(|(_, w)| {
            if w.is_sign_negative() {
                Decimal::ZERO
            } else {
                *w
            }
        })
        .collect();
    let (mut ints, mut sum) = integer_weights(&clamped);
    if sum == 0 {
        ints = vec![1; weights.len()];
        sum = u128::try_from(weights.len()).unwrap_or(u128::MAX);
    }

    let mut parts = Vec::with_capacity(weights.len());
    let mut rems = Vec::with_capacity(weights.len());
    let mut assigned = 0u128;
    for &w in &ints {
        let (q, r) = mul_div_rem(total_cents, w, sum);
        assigned += q; // sum of floors <= total_cents
        parts.push(q);
        rems.push(r);
    }
    // Sum of the remainders is leftover × sum with each remainder < sum: leftover < len.
    let leftover = usize::try_from(total_cents - assigned).unwrap_or(usize::MAX);

    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Largest remainder, then larger weight, then smaller key (then position, should
    // keys repeat): a total order, so the result never depends on the sort algorithm.
    order.sort_unstable_by_key(|&i| (Reverse(rems[i]), Reverse(ints[i]), &weights[i].0, i));
    for &i in order.iter().take(leftover) {
        parts[i] += 1;
    }

    weights
        .iter()
        .zip(parts)
        .map(|((key, _), c)| {
            let amount = from_cents(c);
            let amount = if negative && c != 0 { -amount } else { amount };
            (key.clone(), amount)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Proration by days
// ---------------------------------------------------------------------------

/// Days of `[start, end]` (inclusive) that a subscription `[sub_start, sub_end]` (end
/// inclusive, `None` = open) covers.
///
/// Returns 0 when the two ranges do not overlap or either range is empty (end before start).
#[must_use]
pub fn covered_days(
    start: NaiveDate,
    end: NaiveDate,
    sub_start: NaiveDate,
    sub_end: Option<NaiveDate>,
) -> u32 {
    let from = start.max(sub_start);
    let to = sub_end.map_or(end, |e| e.min(end));
    if to < from {
        return 0;
    }
    // NaiveDate spans ~2 × 10^8 days, which fits a u32.
    u32::try_from((to - from).num_days() + 1).unwrap_or(u32::MAX)
}

/// A monthly fee prorated by days: `fee × covered_days / days_in_period`, rounded to the
/// cent (half away from zero).
///
/// `days_in_period` counts `[period_start, period_end]` inclusive (28 to 31 for a calendar
/// month). A fully covered period yields the fee itself; an empty period (end before start)
/// or no overlap yields 0.00. E.g. 100.00 € for 10 days of a 31-day month = 32.26 €.
#[must_use]
pub fn prorate(
    fee: Decimal,
    period_start: NaiveDate,
    period_end: NaiveDate,
    sub_start: NaiveDate,
    sub_end: Option<NaiveDate>,
) -> Decimal {
    let days = covered_days(period_start, period_end, period_start, Some(period_end));
    let covered = covered_days(period_start, period_end, sub_start, sub_end);
    if days == 0 || covered == 0 {
        return cents(Decimal::ZERO);
    }
    if covered == days {
        return cents(fee);
    }
    let (covered, days) = (Decimal::from(covered), Decimal::from(days));
    // Multiply first for precision; only a fee near Decimal::MAX overflows, then the
    // ratio (< 1) is applied instead, which cannot overflow.
    let exact = fee
        .checked_mul(covered)
        .and_then(|n| n.checked_div(days))
        .unwrap_or_else(|| fee * (covered / days));
    cents(exact)
}

// ---------------------------------------------------------------------------
// Charge models
// ---------------------------------------------------------------------------

/// One tier of a graduated price: quantities up to `up_to` (inclusive; `None` = no upper
/// bound) at `unit_price`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tier {
    /// Inclusive upper bound of the tier; `None` for the last, open tier.
    pub up_to: Option<Decimal>,
    /// Price of one unit within this tier.
    pub unit_price: Decimal,
}

/// Why a list of tiers (or a quantity) cannot be priced.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum TierError {
    /// No tier at all.
    #[error("a graduated price needs at least one tier")]
    Empty,
    /// Tier `index` has a bound that is not above the previous one (the first must be > 0).
    #[error("tier {index}: upper bounds must be positive and strictly increasing")]
    NotIncreasing {
        /// Position of the offending tier.
        index: usize,
    },
    /// An open tier (`up_to: None`) before the last one.
    #[error("tier {index}: only the last tier may be open-ended")]
    UnboundedNotLast {
        /// Position of the offending tier.
        index: usize,
    },
    /// The last tier has an upper bound, leaving larger quantities unpriced.
    #[error("the last tier must be open-ended (no upper bound)")]
    LastBounded,
    /// The quantity to price is negative.
    #[error("cannot price a negative quantity")]
    NegativeQuantity,
    /// The amount exceeds what a `Decimal` can hold.
    #[error("amount overflow")]
    Overflow,
}

/// Flat price: `quantity × unit_price`, rounded once to the cent.
///
/// `3 × 0.333` = 0.999 → 1.00.
///
/// # Panics
///
/// Only if the product overflows `Decimal` (beyond ~7.9 × 10^28).
#[must_use]
pub fn flat(quantity: Decimal, unit_price: Decimal) -> Decimal {
    cents(quantity * unit_price)
}

/// Graduated tiers (each slice of the quantity priced at its tier's price, like
/// Lago/Stripe "graduated"), summed exactly, rounded ONCE at the end to the cent.
///
/// Tier `i` covers the quantities in `(up_to[i-1], up_to[i]]` (the first starts at 0), so
/// with tiers `≤ 100 at 1.00`, `≤ 500 at 0.80`, `open at 0.50`, a quantity of 650.5 costs
/// 100 × 1.00 + 400 × 0.80 + 150.5 × 0.50 = 495.25. Fractional quantities are sliced
/// continuously (100.5 is 100 at the first price and 0.5 at the second).
///
/// # Errors
///
/// - [`TierError::Empty`] when `tiers` is empty;
/// - [`TierError::NotIncreasing`] when a bound is not strictly above the previous one
///   (the first must be above 0);
/// - [`TierError::UnboundedNotLast`] when an open tier is not the last;
/// - [`TierError::LastBounded`] when the last tier has a bound (the last must be open);
/// - [`TierError::NegativeQuantity`] when `quantity < 0`;
/// - [`TierError::Overflow`] when the amount exceeds `Decimal`'s range.
pub fn graduated(quantity: Decimal, tiers: &[Tier]) -> Result<Decimal, TierError> {
    validate_tiers(tiers)?;
    if quantity.is_sign_negative() && !quantity.is_zero() {
        return Err(TierError::NegativeQuantity);
    }
    let mut lower = Decimal::ZERO;
    let mut sum = Decimal::ZERO;
    for tier in tiers {
        if quantity <= lower {
            break;
        }
        let upper = tier.up_to.map_or(quantity, |b| b.min(quantity));
        let slice = upper - lower; // 0 < slice <= quantity: no overflow
        let cost = slice
            .checked_mul(tier.unit_price)
            .ok_or(TierError::Overflow)?;
        sum = sum.checked_add(cost).ok_or(TierError::Overflow)?;
        lower = upper;
    }
    Ok(cents(sum))
}

fn validate_tiers(tiers: &[Tier]) -> Result<(), TierError> {
    let last = tiers.len().checked_sub(1).ok_or(TierError::Empty)?;
    let mut previous = Decimal::ZERO;
    for (index, tier) in tiers.iter().enumerate() {
        match tier.up_to {
            Some(bound) => {
                if bound <= previous {
                    return Err(TierError::NotIncreasing { index });
                }
                if index == last {
                    return Err(TierError::LastBounded);
                }
                previous = bound;
            }
            None if index != last => return Err(TierError::UnboundedNotLast { index }),
            None => {}
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Cost pools
// ---------------------------------------------------------------------------

/// How the fixed share of a cost pool is split.
#[derive(Debug, Clone, PartialEq)]
pub enum FixedBasis {
    /// Same weight (1) for every participant.
    Equal,
    /// Each participant's `fixed_weight` (e.g. headcount, number of establishments).
    ByWeight,
}

/// A cost pool: `amount` for the period, `fixed_share` in [0, 1] (e.g. 0.30 = 30 % split
/// by the fixed basis), the rest split by each member's share of the pool's meter
/// (`variable_weight`).
#[derive(Debug, Clone)]
pub struct Pool {
    /// Cost of the pool for the period, at cents (negative for a credit).
    pub amount: Decimal,
    /// Fraction of `amount` split by `fixed_basis`, in [0, 1].
    pub fixed_share: Decimal,
    /// How the fixed part is split.
    pub fixed_basis: FixedBasis,
}

/// A participant of a pool (a subscribed member).
#[derive(Debug, Clone)]
pub struct Participant<K> {
    /// Identifies the participant (unique within a pool).
    pub key: K,
    /// Weight for the fixed part when the basis is [`FixedBasis::ByWeight`] (>= 0).
    pub fixed_weight: Decimal,
    /// Consumption of the pool's meter over the period (>= 0).
    pub variable_weight: Decimal,
}

/// One participant's allocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocation<K> {
    /// The participant.
    pub key: K,
    /// Share of the pool's fixed part.
    pub fixed: Decimal,
    /// Share of the pool's variable part.
    pub variable: Decimal,
    /// `fixed + variable`.
    pub total: Decimal,
    /// share of the pool in percent, 2 decimals (total / amount × 100)
    pub share_pct: Decimal,
}

/// Why a pool cannot be split.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum PoolError {
    /// `fixed_share` is below 0 or above 1.
    #[error("fixed share {0} is outside [0, 1]")]
    FixedShareOutOfRange(Decimal),
    /// `amount` has fractions of a cent.
    #[error("pool amount {0} is not a whole number of cents")]
    AmountNotAtCents(Decimal),
    /// A non-zero amount with nobody to charge.
    #[error("a non-zero pool needs at least one participant")]
    NoParticipants,
    /// Participant `index` has a negative weight (variable, or fixed with `ByWeight`).
    #[error("participant {index}: weights must not be negative")]
    NegativeWeight {
        /// Position of the offending participant.
        index: usize,
    },
    /// Participant `index` repeats the key of an earlier participant.
    #[error("participant {index}: the same participant appears twice")]
    DuplicateParticipant {
        /// Position of the repeated participant.
        index: usize,
    },
}

/// Splits a pool: fixed part = `cents(amount × fixed_share)`, variable part = `amount −
/// fixed part`; each part split with [`largest_remainder`] (`Equal` basis → weight 1 each);
/// `total = fixed + variable`. The sum of the totals is exactly `amount`.
///
/// Participants with zero variable weight get no variable part unless everybody is zero
/// (then equal, per [`largest_remainder`]). Allocations come back in the order of
/// `participants`. `share_pct` is `total / amount × 100` rounded to 2 decimals (half away
/// from zero; 0.00 for a zero pool); being rounded, the percentages may not add up to
/// exactly 100.00 — only the amounts are exact.
///
/// No participants with a zero amount gives an empty `Vec`.
///
/// # Errors
///
/// - [`PoolError::FixedShareOutOfRange`] when `fixed_share` is outside [0, 1];
/// - [`PoolError::AmountNotAtCents`] when `amount` has fractions of a cent;
/// - [`PoolError::NoParticipants`] when `amount` is not zero and nobody participates;
/// - [`PoolError::NegativeWeight`] when a variable weight, or a fixed weight with
///   [`FixedBasis::ByWeight`], is negative;
/// - [`PoolError::DuplicateParticipant`] when two participants have the same key.
pub fn split_pool<K: Ord + Clone>(
    pool: &Pool,
    participants: &[Participant<K>],
) -> Result<Vec<Allocation<K>>, PoolError> {
    if pool.fixed_share < Decimal::ZERO || pool.fixed_share > Decimal::ONE {
        return Err(PoolError::FixedShareOutOfRange(pool.fixed_share));
    }
    if cents(pool.amount) != pool.amount {
        return Err(PoolError::AmountNotAtCents(pool.amount));
    }
    if participants.is_empty() && !pool.amount.is_zero() {
        return Err(PoolError::NoParticipants);
    }
    let by_weight = pool.fixed_basis == FixedBasis::ByWeight;
    let mut seen = BTreeSet::new();
    for (index, p) in participants.iter().enumerate() {
        let negative = |w: Decimal| w.is_sign_negative() && !w.is_zero();
        if negative(p.variable_weight) || (by_weight && negative(p.fixed_weight)) {
            return Err(PoolError::NegativeWeight { index });
        }
        if !seen.insert(&p.key) {
            return Err(PoolError::DuplicateParticipant { index });
        }
    }

    // |amount × fixed_share| <= |amount| and `amount` is on the cent grid, so neither the
    // product, its rounding, nor the difference can overflow or change sign.
    let fixed_total = cents(pool.amount * pool.fixed_share);
    let variable_total = cents(pool.amount - fixed_total);

    let fixed_weights: Vec<(K, Decimal)> = participants
        .iter()
        .map(|p| {
            let w = if by_weight {
                p.fixed_weight
            } else {
                Decimal::ONE
            };
            (p.key.clone(), w)
        })
        .collect();
    let variable_weights: Vec<(K, Decimal)> = participants
        .iter()
        .map(|p| (p.key.clone(), p.variable_weight))
        .collect();
    let fixed_parts = largest_remainder(fixed_total, &fixed_weights);
    let variable_parts = largest_remainder(variable_total, &variable_weights);

    Ok(fixed_parts
        .into_iter()
        .zip(variable_parts)
        .map(|((key, fixed), (_, variable))| {
            // Both parts have the sign of `amount` and |fixed + variable| <= |amount|.
            let total = cents(fixed + variable);
            let share_pct = if pool.amount.is_zero() {
                cents(Decimal::ZERO)
            } else {
                cents(total / pool.amount * Decimal::ONE_HUNDRED)
            };
            Allocation {
                key,
                fixed,
                variable,
                total,
                share_pct,
            }
        })
        .collect())
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn date(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn weights(ws: &[(&'static str, &str)]) -> Vec<(&'static str, Decimal)> {
        ws.iter().map(|&(k, w)| (k, d(w))).collect()
    }

    fn amounts<K>(parts: &[(K, Decimal)]) -> Vec<String> {
        parts.iter().map(|(_, a)| a.to_string()).collect()
    }

    fn sum<K>(parts: &[(K, Decimal)]) -> Decimal {
        parts.iter().map(|(_, a)| *a).sum()
    }

    // --- cents ------------------------------------------------------------

    #[test]
    fn cents_rounds_half_away_from_zero_to_two_decimals() {
        assert_eq!(cents(d("2.345")).to_string(), "2.35"); // bankers' would give 2.34
        assert_eq!(cents(d("2.344999")).to_string(), "2.34");
        assert_eq!(cents(d("0.005")).to_string(), "0.01");
        assert_eq!(cents(d("-0.005")).to_string(), "-0.01");
        assert_eq!(cents(d("-2.345")).to_string(), "-2.35");
        assert_eq!(cents(d("5")).to_string(), "5.00");
        assert_eq!(cents(d("-0.004")).to_string(), "0.00"); // no negative zero
    }

    // --- largest remainder ------------------------------------------------

    #[test]
    fn hundred_euros_over_three_equal_members_gives_extra_cent_to_smallest_key() {
        let parts = largest_remainder(d("100.00"), &weights(&[("b", "5"), ("a", "5"), ("c", "5")]));
        // Order of the input is kept; the extra cent goes to the smallest key, "a".
        assert_eq!(parts[0], ("b", d("33.33")));
        assert_eq!(parts[1], ("a", d("33.34")));
        assert_eq!(parts[2], ("c", d("33.33")));
        assert_eq!(sum(&parts), d("100.00"));
    }

    #[test]
    fn six_small_members_and_one_big_one() {
        let ws = weights(&[
            ("m1", "1"),
            ("m2", "1"),
            ("m3", "1"),
            ("m4", "1"),
            ("m5", "1"),
            ("m6", "1"),
            ("m7", "994"),
        ]);
        let parts = largest_remainder(d("1000.00"), &ws);
        assert_eq!(
            amounts(&parts),
            ["1.00", "1.00", "1.00", "1.00", "1.00", "1.00", "994.00"]
        );
        assert_eq!(sum(&parts), d("1000.00"));

        let parts = largest_remainder(d("100.00"), &ws);
        assert_eq!(
            amounts(&parts),
            ["0.10", "0.10", "0.10", "0.10", "0.10", "0.10", "99.40"]
        );
        assert_eq!(sum(&parts), d("100.00"));

        // 100.01: exact shares 0.10001 ×6 and 99.40994; the leftover cent goes to the big
        // member, whose remainder (0.994 cent) is the largest.
        let parts = largest_remainder(d("100.01"), &ws);
        assert_eq!(
            amounts(&parts),
            ["0.10", "0.10", "0.10", "0.10", "0.10", "0.10", "99.41"]
        );
        assert_eq!(sum(&parts), d("100.01"));

        let parts = largest_remainder(d("10.00"), &ws);
        assert_eq!(
            amounts(&parts),
            ["0.01", "0.01", "0.01", "0.01", "0.01", "0.01", "9.94"]
        );

        // 5.00: exact shares 0.005 ×6 (half a cent each) and 4.97; the 3 leftover cents tie
        // on remainder and weight, so they go to the smallest keys.
        let parts = largest_remainder(d("5.00"), &ws);
        assert_eq!(
            amounts(&parts),
            ["0.01", "0.01", "0.01", "0.00", "0.00", "0.00", "4.97"]
        );
        assert_eq!(sum(&parts), d("5.00"));

        // 0.05: small shares 0.05 cent each, big 4.97 cents → the leftover cent goes to the
        // big member's larger remainder (0.97 cent).
        let parts = largest_remainder(d("0.05"), &ws);
        assert_eq!(
            amounts(&parts),
            ["0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.05"]
        );
        let parts = largest_remainder(d("1.00"), &ws);
        // 0.001 each (0.1 cent) and 0.994 → floors 0 ×6 and 99 cents, 1 leftover cent; the
        // big member's remainder 0.4 cent beats the small ones' 0.1 cent.
        assert_eq!(
            amounts(&parts),
            ["0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "1.00"]
        );
    }

    #[test]
    fn remainder_tie_goes_to_the_larger_weight() {
        // 2 cents for weights 1:3 → exact 0.5 and 1.5 cents, equal remainders: the heavier
        // member takes the leftover cent even though its key is larger.
        let parts = largest_remainder(d("0.02"), &weights(&[("a", "1"), ("b", "3")]));
        assert_eq!(parts, vec![("a", d("0.00")), ("b", d("0.02"))]);
    }

    #[test]
    fn zero_weight_gets_nothing_unless_everybody_is_zero() {
        let parts = largest_remainder(d("10.00"), &weights(&[("a", "0"), ("b", "1"), ("c", "2")]));
        assert_eq!(amounts(&parts), ["0.00", "3.33", "6.67"]);

        let parts = largest_remainder(d("10.00"), &weights(&[("a", "0"), ("b", "0"), ("c", "0")]));
        assert_eq!(amounts(&parts), ["3.34", "3.33", "3.33"]);
        assert_eq!(sum(&parts), d("10.00"));
    }

    #[test]
    fn negative_total_is_the_mirror_of_the_positive_split() {
        let ws = weights(&[("a", "1"), ("b", "1"), ("c", "1")]);
        let credit = largest_remainder(d("-100.00"), &ws);
        assert_eq!(amounts(&credit), ["-33.34", "-33.33", "-33.33"]);
        assert_eq!(sum(&credit), d("-100.00"));
        let charge = largest_remainder(d("100.00"), &ws);
        for ((_, c), (_, p)) in credit.iter().zip(&charge) {
            assert_eq!(*c, -*p);
        }
        // A zero part of a credit is a plain 0.00.
        let credit = largest_remainder(d("-0.01"), &ws);
        assert_eq!(amounts(&credit), ["-0.01", "0.00", "0.00"]);
    }

    #[test]
    fn edge_inputs() {
        assert!(largest_remainder::<u8>(d("10.00"), &[]).is_empty());
        assert_eq!(
            largest_remainder(d("0"), &weights(&[("a", "1")])),
            vec![("a", d("0.00"))]
        );
        // A sole member takes everything, whatever its weight.
        assert_eq!(
            largest_remainder(d("12.34"), &weights(&[("a", "0.000001")])),
            vec![("a", d("12.34"))]
        );
        // Negative weights count as zero.
        let parts = largest_remainder(d("1.00"), &weights(&[("a", "-5"), ("b", "1")]));
        assert_eq!(amounts(&parts), ["0.00", "1.00"]);
        // Fractions of a cent in the total are rounded first.
        let parts = largest_remainder(d("1.005"), &weights(&[("a", "1"), ("b", "1")]));
        assert_eq!(amounts(&parts), ["0.51", "0.50"]);
        // Huge weights and a huge total stay exact (wide arithmetic path).
        let big = d("79228162514264337593543950335"); // Decimal::MAX
        let parts = largest_remainder(
            d("1000000000000.00"),
            &[("a", big), ("b", big), ("c", d("0.000001"))],
        );
        assert_eq!(
            amounts(&parts),
            ["500000000000.00", "500000000000.00", "0.00"]
        );
    }

    #[test]
    fn wide_mul_div_matches_known_values() {
        assert_eq!(mul_div_rem(u128::MAX, u128::MAX, u128::MAX), (u128::MAX, 0));
        assert_eq!(mul_div_rem(u128::MAX, 3, 4), (u128::MAX / 4 * 3 + 2, 1));
        assert_eq!(mul_div_rem(1 << 100, 1 << 100, 1 << 101), (1 << 99, 0));
        assert_eq!(mul_div_rem(10, 7, 3), (23, 1));
    }

    // --- proration --------------------------------------------------------

    #[test]
    fn covered_days_intersects_inclusive_ranges() {
        let (s, e) = (date(2026, 4, 1), date(2026, 4, 30));
        assert_eq!(covered_days(s, e, date(2026, 1, 1), None), 30);
        assert_eq!(covered_days(s, e, date(2026, 4, 16), None), 15);
        assert_eq!(covered_days(s, e, date(2026, 4, 30), None), 1);
        assert_eq!(
            covered_days(s, e, date(2026, 3, 1), Some(date(2026, 4, 1))),
            1
        );
        assert_eq!(covered_days(s, e, date(2026, 5, 1), None), 0);
        assert_eq!(
            covered_days(s, e, date(2026, 1, 1), Some(date(2026, 3, 31))),
            0
        );
        assert_eq!(
            covered_days(s, e, date(2026, 4, 20), Some(date(2026, 4, 10))),
            0
        );
        assert_eq!(covered_days(e, s, date(2026, 1, 1), None), 0);
    }

    #[test]
    fn prorate_thirty_day_month_from_the_sixteenth() {
        // April 2026 has 30 days; from the 16th = 15 days = half the fee.
        let fee = d("30.00");
        let got = prorate(
            fee,
            date(2026, 4, 1),
            date(2026, 4, 30),
            date(2026, 4, 16),
            None,
        );
        assert_eq!(got.to_string(), "15.00");
        let got = prorate(
            d("25.00"),
            date(2026, 4, 1),
            date(2026, 4, 30),
            date(2026, 4, 16),
            None,
        );
        assert_eq!(got.to_string(), "12.50");
    }

    #[test]
    fn prorate_february_2026_has_28_days() {
        let (s, e) = (date(2026, 2, 1), date(2026, 2, 28));
        assert_eq!(covered_days(s, e, date(2020, 1, 1), None), 28);
        assert_eq!(
            prorate(d("20.00"), s, e, date(2026, 2, 1), None).to_string(),
            "20.00"
        );
        // From the 22nd: 7/28 = 1/4.
        assert_eq!(
            prorate(d("10.00"), s, e, date(2026, 2, 22), None).to_string(),
            "2.50"
        );
        // From the 15th: 14/28 = 1/2.
        assert_eq!(
            prorate(d("10.00"), s, e, date(2026, 2, 15), None).to_string(),
            "5.00"
        );
    }

    #[test]
    fn prorate_subscription_ending_mid_month() {
        // January 2026: 31 days; ended on the 10th → 10 days.
        let (s, e) = (date(2026, 1, 1), date(2026, 1, 31));
        let got = prorate(d("100.00"), s, e, date(2025, 6, 1), Some(date(2026, 1, 10)));
        assert_eq!(got.to_string(), "32.26"); // 32.258064…
        let got = prorate(d("10.00"), s, e, date(2025, 6, 1), Some(date(2026, 1, 10)));
        assert_eq!(got.to_string(), "3.23"); // 3.2258…
        // Started and ended within the month: 10th..=15th = 6 days.
        let got = prorate(d("31.00"), s, e, date(2026, 1, 10), Some(date(2026, 1, 15)));
        assert_eq!(got.to_string(), "6.00");
    }

    #[test]
    fn prorate_outside_the_period_is_zero() {
        let (s, e) = (date(2026, 1, 1), date(2026, 1, 31));
        assert_eq!(
            prorate(d("100.00"), s, e, date(2026, 2, 1), None).to_string(),
            "0.00"
        );
        let ended = prorate(
            d("100.00"),
            s,
            e,
            date(2025, 1, 1),
            Some(date(2025, 12, 31)),
        );
        assert_eq!(ended.to_string(), "0.00");
        // Inverted period: nothing to bill.
        assert_eq!(
            prorate(d("100.00"), e, s, date(2025, 1, 1), None).to_string(),
            "0.00"
        );
    }

    #[test]
    fn prorate_rounds_half_away_from_zero() {
        // 0.01 × 15/30 = 0.005 → 0.01; a credit mirrors it.
        let (s, e) = (date(2026, 4, 1), date(2026, 4, 30));
        assert_eq!(
            prorate(d("0.01"), s, e, date(2026, 4, 16), None).to_string(),
            "0.01"
        );
        assert_eq!(
            prorate(d("-0.01"), s, e, date(2026, 4, 16), None).to_string(),
            "-0.01"
        );
    }

    // --- charge models ----------------------------------------------------

    fn three_tiers() -> Vec<Tier> {
        vec![
            Tier {
                up_to: Some(d("100")),
                unit_price: d("1.00"),
            },
            Tier {
                up_to: Some(d("500")),
                unit_price: d("0.80"),
            },
            Tier {
                up_to: None,
                unit_price: d("0.50"),
            },
        ]
    }

    #[test]
    fn graduated_prices_each_slice_at_its_tier() {
        let tiers = three_tiers();
        let price = |q: &str| graduated(d(q), &tiers).unwrap().to_string();
        assert_eq!(price("0"), "0.00");
        assert_eq!(price("100"), "100.00");
        assert_eq!(price("101"), "100.80");
        assert_eq!(price("500"), "420.00");
        assert_eq!(price("650.5"), "495.25"); // 100 + 400 × 0.80 + 150.5 × 0.50
        assert_eq!(price("100.5"), "100.40"); // the fraction above 100 is at 0.80
    }

    #[test]
    fn graduated_rounds_once_at_the_end() {
        // Two slices of 1 unit at 0.004: 0.008 → 0.01 (rounding each slice would give 0.00).
        let tiers = vec![
            Tier {
                up_to: Some(d("1")),
                unit_price: d("0.004"),
            },
            Tier {
                up_to: None,
                unit_price: d("0.004"),
            },
        ];
        assert_eq!(graduated(d("2"), &tiers).unwrap().to_string(), "0.01");
        // A single open tier is a flat price.
        let open = vec![Tier {
            up_to: None,
            unit_price: d("0.333"),
        }];
        assert_eq!(graduated(d("3"), &open).unwrap(), flat(d("3"), d("0.333")));
    }

    #[test]
    fn graduated_rejects_bad_tiers_and_quantities() {
        let t = |up_to: Option<&str>| Tier {
            up_to: up_to.map(d),
            unit_price: d("1"),
        };
        assert_eq!(graduated(d("1"), &[]), Err(TierError::Empty));
        assert_eq!(
            graduated(d("1"), &[t(Some("100")), t(Some("100")), t(None)]),
            Err(TierError::NotIncreasing { index: 1 })
        );
        assert_eq!(
            graduated(d("1"), &[t(Some("100")), t(Some("50")), t(None)]),
            Err(TierError::NotIncreasing { index: 1 })
        );
        assert_eq!(
            graduated(d("1"), &[t(Some("0")), t(None)]),
            Err(TierError::NotIncreasing { index: 0 })
        );
        assert_eq!(
            graduated(d("1"), &[t(Some("100")), t(Some("200"))]),
            Err(TierError::LastBounded)
        );
        assert_eq!(
            graduated(d("1"), &[t(Some("100"))]),
            Err(TierError::LastBounded)
        );
        assert_eq!(
            graduated(d("1"), &[t(None), t(Some("100")), t(None)]),
            Err(TierError::UnboundedNotLast { index: 0 })
        );
        assert_eq!(
            graduated(d("-1"), &three_tiers()),
            Err(TierError::NegativeQuantity)
        );
    }

    #[test]
    fn flat_rounds_once() {
        assert_eq!(flat(d("3"), d("0.333")).to_string(), "1.00"); // 0.999
        assert_eq!(flat(d("650.5"), d("0.50")).to_string(), "325.25");
        assert_eq!(flat(d("1.5"), d("0.01")).to_string(), "0.02"); // 0.015, half away from zero
        assert_eq!(flat(d("0"), d("9.99")).to_string(), "0.00");
    }

    // --- pools ------------------------------------------------------------

    fn participant(key: &'static str, fixed: &str, variable: &str) -> Participant<&'static str> {
        Participant {
            key,
            fixed_weight: d(fixed),
            variable_weight: d(variable),
        }
    }

    fn pool(amount: &str, fixed_share: &str, fixed_basis: FixedBasis) -> Pool {
        Pool {
            amount: d(amount),
            fixed_share: d(fixed_share),
            fixed_basis,
        }
    }

    #[test]
    fn pool_with_30_percent_fixed_equal_and_a_member_without_usage() {
        let p = pool("1000.00", "0.30", FixedBasis::Equal);
        let members = [
            participant("a", "0", "0"),
            participant("b", "0", "50"),
            participant("c", "0", "150"),
        ];
        let got = split_pool(&p, &members).unwrap();
        let row = |a: &Allocation<&'static str>| {
            (
                a.key,
                a.fixed.to_string(),
                a.variable.to_string(),
                a.total.to_string(),
                a.share_pct.to_string(),
            )
        };
        let rows: Vec<_> = got.iter().map(row).collect();
        assert_eq!(
            rows,
            [
                // No usage: only its equal third of the 300.00 fixed part.
                (
                    "a",
                    "100.00".into(),
                    "0.00".into(),
                    "100.00".into(),
                    "10.00".into()
                ),
                (
                    "b",
                    "100.00".into(),
                    "175.00".into(),
                    "275.00".into(),
                    "27.50".into()
                ),
                (
                    "c",
                    "100.00".into(),
                    "525.00".into(),
                    "625.00".into(),
                    "62.50".into()
                ),
            ]
        );
        assert_eq!(got.iter().map(|a| a.total).sum::<Decimal>(), d("1000.00"));
    }

    #[test]
    fn pool_fixed_part_by_weight_and_uneven_cents() {
        // 100.00, 25 % fixed by weight 1:2:1 → 6.25, 12.50, 6.25; 75.00 variable 1:1:1.
        let p = pool("100.00", "0.25", FixedBasis::ByWeight);
        let members = [
            participant("a", "1", "1"),
            participant("b", "2", "1"),
            participant("c", "1", "1"),
        ];
        let got = split_pool(&p, &members).unwrap();
        let fixed: Vec<String> = got.iter().map(|a| a.fixed.to_string()).collect();
        let variable: Vec<String> = got.iter().map(|a| a.variable.to_string()).collect();
        let total: Vec<String> = got.iter().map(|a| a.total.to_string()).collect();
        assert_eq!(fixed, ["6.25", "12.50", "6.25"]);
        assert_eq!(variable, ["25.00", "25.00", "25.00"]);
        assert_eq!(total, ["31.25", "37.50", "31.25"]);

        // 10.00, 1/3 fixed: fixed part = cents(3.333…) = 3.33, variable 6.67.
        let p = pool("10.00", "0.3333333333", FixedBasis::Equal);
        let got = split_pool(&p, &members).unwrap();
        let fixed: Vec<String> = got.iter().map(|a| a.fixed.to_string()).collect();
        let variable: Vec<String> = got.iter().map(|a| a.variable.to_string()).collect();
        assert_eq!(fixed, ["1.11", "1.11", "1.11"]);
        assert_eq!(variable, ["2.23", "2.22", "2.22"]);
        assert_eq!(got.iter().map(|a| a.total).sum::<Decimal>(), d("10.00"));
    }

    #[test]
    fn pool_with_no_usage_at_all_splits_equally() {
        let p = pool("100.00", "0", FixedBasis::Equal);
        let members = [
            participant("a", "0", "0"),
            participant("b", "0", "0"),
            participant("c", "0", "0"),
        ];
        let got = split_pool(&p, &members).unwrap();
        let total: Vec<String> = got.iter().map(|a| a.total.to_string()).collect();
        assert_eq!(total, ["33.34", "33.33", "33.33"]);
        let pct: Vec<String> = got.iter().map(|a| a.share_pct.to_string()).collect();
        assert_eq!(pct, ["33.34", "33.33", "33.33"]);
    }

    #[test]
    fn pool_credit_is_negative_and_symmetric() {
        let members = [participant("a", "1", "1"), participant("b", "1", "2")];
        let charge = split_pool(&pool("10.00", "0.5", FixedBasis::Equal), &members).unwrap();
        let credit = split_pool(&pool("-10.00", "0.5", FixedBasis::Equal), &members).unwrap();
        for (c, p) in credit.iter().zip(&charge) {
            assert_eq!(
                (c.fixed, c.variable, c.total),
                (-p.fixed, -p.variable, -p.total)
            );
            assert_eq!(c.share_pct, p.share_pct); // a share is a share
        }
        assert_eq!(credit.iter().map(|a| a.total).sum::<Decimal>(), d("-10.00"));
        let totals: Vec<String> = credit.iter().map(|a| a.total.to_string()).collect();
        assert_eq!(totals, ["-4.17", "-5.83"]); // -2.50 - 1.67 and -2.50 - 3.33
    }

    #[test]
    fn pool_errors() {
        let members = [participant("a", "1", "1")];
        let split = |p: Pool| split_pool(&p, &members);
        assert_eq!(
            split(pool("10.00", "1.01", FixedBasis::Equal)),
            Err(PoolError::FixedShareOutOfRange(d("1.01")))
        );
        assert_eq!(
            split(pool("10.00", "-0.1", FixedBasis::Equal)),
            Err(PoolError::FixedShareOutOfRange(d("-0.1")))
        );
        assert_eq!(
            split(pool("10.005", "0", FixedBasis::Equal)),
            Err(PoolError::AmountNotAtCents(d("10.005")))
        );
        assert!(split(pool("10.000", "1", FixedBasis::Equal)).is_ok()); // trailing zeros are fine
        assert_eq!(
            split_pool::<u8>(&pool("1.00", "0", FixedBasis::Equal), &[]),
            Err(PoolError::NoParticipants)
        );
        assert_eq!(
            split_pool::<u8>(&pool("0.00", "0", FixedBasis::Equal), &[]),
            Ok(vec![])
        );
        let negative = [participant("a", "1", "1"), participant("b", "1", "-1")];
        assert_eq!(
            split_pool(&pool("1.00", "0", FixedBasis::Equal), &negative),
            Err(PoolError::NegativeWeight { index: 1 })
        );
        let negative_fixed = [participant("a", "-1", "1")];
        assert!(split_pool(&pool("1.00", "0.5", FixedBasis::Equal), &negative_fixed).is_ok());
        assert_eq!(
            split_pool(&pool("1.00", "0.5", FixedBasis::ByWeight), &negative_fixed),
            Err(PoolError::NegativeWeight { index: 0 })
        );
        let twice = [
            participant("a", "1", "1"),
            participant("b", "1", "1"),
            participant("a", "1", "1"),
        ];
        assert_eq!(
            split_pool(&pool("1.00", "0", FixedBasis::Equal), &twice),
            Err(PoolError::DuplicateParticipant { index: 2 })
        );
    }

    // --- properties -------------------------------------------------------

    /// A weight with up to 6 decimals (often zero), and its value in millionths.
    fn weight() -> impl Strategy<Value = (Decimal, i128)> {
        let mantissa = prop_oneof![
            1 => Just(0i64),
            1 => 0i64..=10,
            3 => 0i64..=1_000_000_000_000,
        ];
        (mantissa, 0u32..=6).prop_map(|(m, scale)| {
            (
                Decimal::new(m, scale),
                i128::from(m) * 10i128.pow(6 - scale),
            )
        })
    }

    fn cents_of(part: Decimal) -> i128 {
        assert_eq!(part.scale(), 2, "{part} is not at two decimals");
        part.mantissa()
    }

    proptest! {
        #[test]
        fn largest_remainder_is_exact_and_fair(
            total in 0i64..=100_000_000,
            ws in prop::collection::vec(weight(), 1..=50),
        ) {
            let total_dec = Decimal::new(total, 2);
            let input: Vec<(usize, Decimal)> = ws.iter().enumerate().map(|(i, (w, _))| (i, *w)).collect();
            let parts = largest_remainder(total_dec, &input);
            prop_assert_eq!(parts.len(), input.len());
            prop_assert_eq!(parts.iter().map(|(_, a)| *a).sum::<Decimal>(), total_dec);

            let sum_micro: i128 = ws.iter().map(|(_, m)| m).sum();
            // All zero → equal split, i.e. weight 1 each.
            let (micro, denom): (Vec<i128>, i128) = if sum_micro == 0 {
                (vec![1; ws.len()], i128::try_from(ws.len()).unwrap())
            } else {
                (ws.iter().map(|(_, m)| *m).collect(), sum_micro)
            };
            for (i, (key, part)) in parts.iter().enumerate() {
                prop_assert_eq!(*key, i);
                let c = cents_of(*part);
                prop_assert!(c >= 0);
                // |part − total × w / W| < 1 cent, checked exactly in integers.
                let deviation = (c * denom - i128::from(total) * micro[i]).abs();
                prop_assert!(deviation < denom, "part {} of {} deviates by a cent or more", part, total_dec);
                if sum_micro > 0 && micro[i] == 0 {
                    prop_assert_eq!(c, 0);
                }
            }
            // Monotone: a larger weight never gets less.
            for i in 0..parts.len() {
                for j in 0..parts.len() {
                    if micro[i] > micro[j] {
                        prop_assert!(parts[i].1 >= parts[j].1);
                    }
                }
            }
            // Independent of the input order (ties are broken by weight and key only).
            let mut reversed = input.clone();
            reversed.reverse();
            let mut again = largest_remainder(total_dec, &reversed);
            again.reverse();
            prop_assert_eq!(&again, &parts);
            // A credit mirrors the charge.
            let credit = largest_remainder(-total_dec, &input);
            for ((_, c), (_, p)) in credit.iter().zip(&parts) {
                prop_assert_eq!(*c, -*p);
            }
        }

        #[test]
        fn split_pool_totals_sum_to_the_amount(
            amount in -100_000_000i64..=100_000_000,
            fixed_share in 0i64..=10_000,
            by_weight in any::<bool>(),
            ws in prop::collection::vec((weight(), weight()), 1..=50),
        ) {
            let p = Pool {
                amount: Decimal::new(amount, 2),
                fixed_share: Decimal::new(fixed_share, 4),
                fixed_basis: if by_weight { FixedBasis::ByWeight } else { FixedBasis::Equal },
            };
            let members: Vec<Participant<usize>> = ws
                .iter()
                .enumerate()
                .map(|(key, ((f, _), (v, _)))| Participant { key, fixed_weight: *f, variable_weight: *v })
                .collect();
            let got = split_pool(&p, &members).unwrap();
            prop_assert_eq!(got.len(), members.len());
            prop_assert_eq!(got.iter().map(|a| a.total).sum::<Decimal>(), p.amount);
            prop_assert_eq!(got.iter().map(|a| a.fixed).sum::<Decimal>(), cents(p.amount * p.fixed_share));
            for a in &got {
                prop_assert_eq!(a.fixed + a.variable, a.total);
                cents_of(a.total);
                if amount >= 0 {
                    prop_assert!(a.fixed >= Decimal::ZERO && a.variable >= Decimal::ZERO);
                } else {
                    prop_assert!(a.fixed <= Decimal::ZERO && a.variable <= Decimal::ZERO);
                }
                prop_assert!(a.share_pct >= Decimal::ZERO && a.share_pct <= Decimal::ONE_HUNDRED);
            }
        }

        #[test]
        fn wide_mul_div_is_exact(a in any::<u128>(), b in any::<u128>(), d in any::<u128>()) {
            // Narrow inputs agree with native arithmetic.
            let (a64, b64) = (a >> 64, b >> 64);
            prop_assert_eq!(mul_wide(a64, b64), (0, a64 * b64));
            let d64 = (d >> 64).max(b64).max(1);
            prop_assert_eq!(mul_div_rem(a64, b64, d64), (a64 * b64 / d64, a64 * b64 % d64));
            // Wide inputs (b <= d): q × d + r == a × b with r < d.
            let (b, d) = (b.min(d), b.max(d).max(1));
            let (q, r) = mul_div_rem(a, b, d);
            prop_assert!(r < d);
            let (high, low) = mul_wide(q, d);
            let (low, carry) = low.overflowing_add(r);
            prop_assert_eq!((high + u128::from(carry), low), mul_wide(a, b));
        }

        #[test]
        fn largest_remainder_is_exact_for_extreme_inputs(
            total in any::<i64>(),
            ws in prop::collection::vec((any::<u32>(), any::<u32>(), any::<u32>(), 0u32..=28), 1..=20),
        ) {
            // Any Decimal weight (96-bit mantissa, scale 0..=28) and totals up to ~9 × 10^16 €.
            let total = Decimal::new(total, 2);
            let input: Vec<(usize, Decimal)> = ws
                .iter()
                .enumerate()
                .map(|(i, &(lo, mid, hi, scale))| (i, Decimal::from_parts(lo, mid, hi, false, scale)))
                .collect();
            let parts = largest_remainder(total, &input);
            prop_assert_eq!(parts.iter().map(|(_, a)| *a).sum::<Decimal>(), total);
            for (_, part) in &parts {
                cents_of(*part);
                prop_assert!(part.is_zero() || part.is_sign_negative() == total.is_sign_negative());
            }
        }
    }
}
