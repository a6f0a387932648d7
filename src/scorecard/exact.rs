//! Exact values. Every figure of the scorecard is a fraction of whole numbers (16 of 20, 7
//! children per 48,210 times 10,000), kept as an exact rational so that rounding, RAG and the
//! direction of travel never depend on how a binary float happens to round: 1 of 16 is 6.25%
//! and shows 6.3, and a change of exactly one child's worth is `same`, never `better` by a
//! hair. The trend's least-squares slope sums up to twenty such fractions, whose common
//! denominator can outgrow any fixed-width integer, hence arbitrary precision.

use std::fmt;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};

/// An exact rational value.
pub type Exact = BigRational;

/// `n / d`, or `None` when `d` is 0 (a percentage of nobody is "no data", never 0).
pub fn ratio(n: i64, d: i64) -> Option<Exact> {
    (d != 0).then(|| Exact::new(BigInt::from(n), BigInt::from(d)))
}

/// A whole number as an exact value.
pub fn whole(n: i64) -> Exact {
    Exact::from_integer(BigInt::from(n))
}

/// A value as shown: rounded half up at a number of decimal places, held as a whole number of
/// units of the last place (6.3 at one decimal is 63 units).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Shown {
    units: BigInt,
    decimals: u32,
}

impl Shown {
    /// Rounds `x` half up (towards +infinity on an exact half) at `decimals` places.
    pub fn of(x: &Exact, decimals: u32) -> Shown {
        let scale = BigInt::from(10u32).pow(decimals);
        let scaled = x * Exact::from_integer(scale);
        // floor(scaled + 1/2) = floor((2 n + d) / 2 d)
        let (n, d) = (scaled.numer(), scaled.denom());
        let two = BigInt::from(2);
        let units = Integer::div_floor(&(n * &two + d), &(d * &two));
        Shown { units, decimals }
    }

    /// The shown value as an exact rational, for comparing with a target.
    pub fn to_exact(&self) -> Exact {
        Exact::new(self.units.clone(), BigInt::from(10u32).pow(self.decimals))
    }

    /// The shown value as the nearest binary float (for JSON and spreadsheet cells): the
    /// division of two exactly representable numbers is correctly rounded, so 63 / 10 is the
    /// double that prints as 6.3.
    pub fn to_f64(&self) -> f64 {
        let units = self.units.to_f64().unwrap_or(f64::NAN);
        units / 10f64.powi(self.decimals as i32)
    }

    pub fn is_whole(&self) -> bool {
        self.decimals == 0
    }

    /// The whole number, when shown without decimals.
    pub fn to_i64(&self) -> Option<i64> {
        (self.decimals == 0).then(|| self.units.to_i64()).flatten()
    }
}

impl fmt::Display for Shown {
    /// `6.3`, `0.50`, `1,234` (thousands separated, as a board pack prints them).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let negative = self.units < BigInt::zero();
        let digits = self.units.magnitude().to_string();
        let k = self.decimals as usize;
        let digits = if digits.len() <= k {
            format!("{}{digits}", "0".repeat(k + 1 - digits.len()))
        } else {
            digits
        };
        let (int, frac) = digits.split_at(digits.len() - k);
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if negative {
            f.write_str("-")?;
        }
        f.write_str(&grouped)?;
        if k > 0 {
            write!(f, ".{frac}")?;
        }
        Ok(())
    }
}

/// Reads a decimal number as typed in a CSV (`75`, `72.5`, `0.85`): digits with at most one
/// point, no sign, no exponent, at most 15 significant digits. `None` for anything else.
pub fn parse_decimal(text: &str) -> Option<Exact> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty())
        || !all_digits(int)
        || !all_digits(frac)
        || int.len() + frac.len() > 15
    {
        return None;
    }
    let digits: BigInt = format!("{int}{frac}").parse().ok()?;
    Some(Exact::new(
        digits,
        BigInt::from(10u32).pow(frac.len() as u32),
    ))
}

/// Shows an exact value at `decimals` places (for one child's worth, targets and floors).
pub fn show(x: &Exact, decimals: u32) -> String {
    Shown::of(x, decimals).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(n: i64, d: i64) -> Exact {
        ratio(n * 100, d).unwrap()
    }

    #[test]
    fn rounds_half_up_on_the_exact_fraction() {
        // 1 of 16 is 6.25% exactly: half up gives 6.3 (a float would give 6.25 -> 6.2 or 6.3
        // depending on its representation).
        assert_eq!(Shown::of(&pct(1, 16), 1).to_string(), "6.3");
        assert_eq!(Shown::of(&pct(1, 3), 1).to_string(), "33.3");
        assert_eq!(Shown::of(&pct(2, 3), 1).to_string(), "66.7");
        // 0.125 at two decimals: 0.13; 0.124999.. would be 0.12.
        assert_eq!(Shown::of(&ratio(1, 8).unwrap(), 2).to_string(), "0.13");
        assert_eq!(
            Shown::of(&ratio(1249, 10000).unwrap(), 2).to_string(),
            "0.12"
        );
        assert_eq!(Shown::of(&whole(0), 1).to_string(), "0.0");
        assert_eq!(Shown::of(&ratio(1, 200).unwrap(), 1).to_string(), "0.0");
        assert_eq!(Shown::of(&ratio(1, 20).unwrap(), 1).to_string(), "0.1");
        assert_eq!(Shown::of(&whole(1234567), 0).to_string(), "1,234,567");
        assert_eq!(
            Shown::of(&ratio(123456, 10).unwrap(), 1).to_string(),
            "12,345.6"
        );
        assert_eq!(Shown::of(&ratio(-1, 4).unwrap(), 1).to_string(), "-0.2");
    }

    #[test]
    fn shown_values_compare_exactly_and_convert_to_the_printed_float() {
        let a = Shown::of(&pct(1, 16), 1);
        assert_eq!(a.to_exact(), ratio(63, 10).unwrap());
        assert_eq!(a.to_f64().to_string(), "6.3");
        assert_eq!(Shown::of(&whole(7), 0).to_i64(), Some(7));
        assert!(Shown::of(&pct(3, 4), 1) > Shown::of(&pct(2, 3), 1));
    }

    #[test]
    fn a_zero_denominator_is_no_value() {
        assert_eq!(ratio(3, 0), None);
    }

    #[test]
    fn parses_plain_decimals_only() {
        assert_eq!(parse_decimal("75"), Some(whole(75)));
        assert_eq!(parse_decimal("72.5"), ratio(145, 2));
        assert_eq!(parse_decimal(".5"), ratio(1, 2));
        assert_eq!(parse_decimal("5."), Some(whole(5)));
        for bad in [
            "", ".", "-5", "+5", "1e3", "7,5", "75%", "1.2.3", "abc", " 5",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
        assert_eq!(parse_decimal(&"9".repeat(16)), None);
    }
}
