//! Exact figures: a reduced fraction of two 128-bit integers. Counts, sums of money in fen and
//! ratios of them stay exact, so a figure and its recount compare equal and rounding happens once,
//! when the figure is shown.

use serde::{Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

/// An exact rational figure; the denominator is positive and the fraction reduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Number {
    num: i128,
    den: i128,
}

/// Binary GCD (shifts and subtractions, no division) on an unsigned type.
macro_rules! binary_gcd {
    ($name:ident, $t:ty) => {
        fn $name(mut a: $t, mut b: $t) -> $t {
            if a == 0 || b == 0 {
                return a | b;
            }
            let shift = (a | b).trailing_zeros();
            a >>= a.trailing_zeros();
            loop {
                b >>= b.trailing_zeros();
                if a > b {
                    std::mem::swap(&mut a, &mut b);
                }
                b -= a;
                if b == 0 {
                    return a << shift;
                }
            }
        }
    };
}

binary_gcd!(gcd64, u64);
binary_gcd!(gcd128, u128);

/// Greatest common divisor of the magnitudes (in 64 bits when both fit: counts and sums do).
fn gcd(a: i128, b: i128) -> i128 {
    let (a, b) = (a.unsigned_abs(), b.unsigned_abs());
    match (u64::try_from(a), u64::try_from(b)) {
        (Ok(x), Ok(y)) => i128::from(gcd64(x, y)),
        _ => gcd128(a, b) as i128,
    }
}

impl Number {
    /// Zero.
    pub const ZERO: Number = Number { num: 0, den: 1 };

    /// A whole number.
    pub fn int(i: i64) -> Self {
        Number { num: i128::from(i), den: 1 }
    }

    /// `num / den`, or `None` when `den` is zero.
    pub fn new(num: i128, den: i128) -> Option<Self> {
        if den == 0 {
            return None;
        }
        if den == 1 {
            return Some(Number { num, den });
        }
        let g = gcd(num, den).max(1);
        let sign = if den < 0 { -1 } else { 1 };
        // Counts and sums fit in 64 bits: divide there (a 128-bit division is a slow library call).
        let (num, den) = match (i64::try_from(num), i64::try_from(den), i64::try_from(g)) {
            (Ok(n), Ok(d), Ok(g)) if n != i64::MIN && d != i64::MIN => (i128::from(n / g), i128::from(d / g)),
            _ => (num / g, den / g),
        };
        Some(Number { num: sign * num, den: sign * den })
    }

    /// A stored fixed-point value: `v / 10^scale` (money is fen with scale 2).
    pub fn fixed(v: i128, scale: u32) -> Self {
        Number::new(v, 10i128.pow(scale)).unwrap_or(Number::ZERO)
    }

    /// The numerator of the reduced fraction.
    pub fn numer(self) -> i128 {
        self.num
    }

    /// The denominator of the reduced fraction (positive).
    pub fn denom(self) -> i128 {
        self.den
    }

    /// Whether the figure is a whole number.
    pub fn is_integer(self) -> bool {
        self.den == 1
    }

    /// Sum; `None` on overflow.
    pub fn checked_add(self, o: Number) -> Option<Number> {
        if self.den == 1 && o.den == 1 {
            return Some(Number { num: self.num.checked_add(o.num)?, den: 1 });
        }
        let num = self.num.checked_mul(o.den)?.checked_add(o.num.checked_mul(self.den)?)?;
        Number::new(num, self.den.checked_mul(o.den)?)
    }

    /// Difference; `None` on overflow.
    pub fn checked_sub(self, o: Number) -> Option<Number> {
        self.checked_add(Number { num: -o.num, den: o.den })
    }

    /// Product; `None` on overflow.
    pub fn checked_mul(self, o: Number) -> Option<Number> {
        if self.den == 1 && o.den == 1 {
            return Some(Number { num: self.num.checked_mul(o.num)?, den: 1 });
        }
        Number::new(self.num.checked_mul(o.num)?, self.den.checked_mul(o.den)?)
    }

    /// Quotient; `None` when dividing by zero or on overflow.
    pub fn checked_div(self, o: Number) -> Option<Number> {
        if self.den == 1 && o.den == 1 {
            return Number::new(self.num, o.num);
        }
        Number::new(self.num.checked_mul(o.den)?, self.den.checked_mul(o.num)?)
    }

    /// The nearest `f64` (for charts; never for comparisons in tests).
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// Rounded to `places` decimals, half away from zero, as scaled integer.
    pub fn round_scaled(self, places: u32) -> i128 {
        let scaled = self.num * 10i128.pow(places);
        let q = scaled / self.den;
        let r = scaled % self.den;
        if 2 * r.abs() >= self.den { q + scaled.signum() } else { q }
    }

    /// Rounded to `places` decimals, half away from zero, written out (`72.6`, `-3.00`).
    pub fn to_decimal_string(self, places: u32) -> String {
        let v = self.round_scaled(places);
        let sign = if v < 0 { "-" } else { "" };
        let v = v.abs();
        if places == 0 {
            return format!("{sign}{v}");
        }
        let p = 10i128.pow(places);
        format!("{sign}{}.{:0width$}", v / p, v % p, width = places as usize)
    }
}

impl Number {
    /// Parses a decimal written out (`12`, `-0.25`, `1.2`); `None` for anything else.
    pub fn parse_decimal(t: &str) -> Option<Number> {
        let t = t.trim();
        let (neg, t) = t.strip_prefix('-').map_or((false, t), |r| (true, r));
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        if (int.is_empty() && frac.is_empty()) || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
            return None;
        }
        let digits: i128 = format!("{int}{frac}").parse().ok()?;
        let v = Number::fixed(digits, u32::try_from(frac.len()).ok()?);
        Some(if neg { Number { num: -v.num, den: v.den } } else { v })
    }

    /// The exact value: `55313`, or a reduced fraction `130/179`.
    pub fn exact(self) -> String {
        if self.den == 1 { self.num.to_string() } else { format!("{}/{}", self.num, self.den) }
    }
}

impl Ord for Number {
    fn cmp(&self, o: &Self) -> Ordering {
        (self.num * o.den).cmp(&(o.num * self.den))
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl fmt::Display for Number {
    /// Whole numbers as they are, fractions with up to four decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_integer() {
            write!(f, "{}", self.num)
        } else {
            let s = self.to_decimal_string(4);
            let s = s.trim_end_matches('0').trim_end_matches('.');
            write!(f, "{s}")
        }
    }
}

impl Serialize for Number {
    /// As a JSON number: exact for whole numbers, rounded to 6 decimals otherwise.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_integer() && i64::try_from(self.num).is_ok() {
            s.serialize_i64(self.num as i64)
        } else {
            s.serialize_f64(self.round_scaled(6) as f64 / 1e6)
        }
    }
}

impl<'de> serde::Deserialize<'de> for Number {
    /// From a JSON number (a fraction comes back as the decimal it was written as).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number::int(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Number, E> {
                Number::new(i128::from(v), 1).ok_or_else(|| E::custom("out of range"))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Number, E> {
                Number::parse_decimal(&v.to_string()).ok_or_else(|| E::custom(format!("not a finite number: {v}")))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcd_agrees_with_euclid() {
        fn euclid(mut a: i128, mut b: i128) -> i128 {
            (a, b) = (a.abs(), b.abs());
            while b != 0 {
                (a, b) = (b, a % b);
            }
            a
        }
        for (a, b) in [
            (0, 0),
            (0, 5),
            (7, 0),
            (12, 18),
            (-12, 18),
            (520, 716),
            (1 << 40, 3 << 20),
            (i64::MAX as i128, 6),
            (1 << 100, 3 << 90),
            (-(1 << 70), 12),
        ] {
            assert_eq!(gcd(a, b), euclid(a, b), "{a} {b}");
        }
    }

    #[test]
    fn fractions_reduce_and_round_half_away_from_zero() {
        let r = Number::new(520, 716).unwrap();
        assert_eq!((r.numer(), r.denom()), (130, 179));
        assert_eq!(r.checked_mul(Number::int(100)).unwrap().to_decimal_string(1), "72.6");
        assert_eq!(Number::new(-1, 8).unwrap().to_decimal_string(2), "-0.13");
        assert_eq!(Number::new(1, -8).unwrap(), Number::new(-1, 8).unwrap());
        assert_eq!(Number::fixed(800_000_000, 2), Number::int(8_000_000));
        assert_eq!(Number::new(1, 0), None);
        assert_eq!(Number::int(3).checked_div(Number::ZERO), None);
        assert!(Number::new(1, 3).unwrap() < Number::new(1, 2).unwrap());
        assert_eq!(Number::new(105, 243).unwrap().to_string(), "0.4321");
        assert_eq!(Number::fixed(150, 2).to_string(), "1.5");
        assert_eq!((r.exact(), Number::int(-4).exact()), ("130/179".to_owned(), "-4".to_owned()));
    }
}
