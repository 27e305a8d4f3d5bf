//! A tiny deterministic PRNG (SplitMix64) and the sampling helpers the generators use. Each area
//! draws from its own stream ([`Rng::stream`]), so changing one area never shifts another's data.

use chrono::{Datelike, NaiveDate};

/// SplitMix64: fast, small, good enough for demo data, identical on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// An independent stream for `label` under the demo's fixed seed.
    pub fn stream(label: &str) -> Self {
        // FNV-1a over the label, mixed with the demo seed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in label.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Self(h ^ 0x2009_0734_4304_0000)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A float in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An integer in `lo..=hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next_u64() % ((hi - lo + 1) as u64)) as i64
    }

    /// An index below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next_u64() % n as u64) as usize }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// One of the given words.
    pub fn one_of(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    /// A heavy-tailed size around `median`, clamped to `lo..=hi` (a log-normal-ish draw).
    pub fn size(&mut self, median: f64, spread: f64, lo: i64, hi: i64) -> i64 {
        let g: f64 = (0..4).map(|_| self.unit()).sum::<f64>() - 2.0;
        ((median * (g * spread).exp()).round() as i64).clamp(lo, hi)
    }

    /// A date in `from..=to`.
    pub fn date(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let days = (to - from).num_days().max(0);
        from + chrono::Days::new(self.range(0, days) as u64)
    }

    /// A working day (Monday–Friday) in `from..=to`, or `from` if none.
    pub fn weekday(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        for _ in 0..20 {
            let d = self.date(from, to);
            if d.weekday().number_from_monday() <= 5 {
                return d;
            }
        }
        from
    }

    /// A date in `year`.
    pub fn date_in(&mut self, year: i32) -> NaiveDate {
        self.date(ymd(year, 1, 1), ymd(year, 12, 31))
    }
}

/// A date from parts the generators know to be valid.
pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Splits `total` into parts proportional to `weights` (largest remainder, so the parts add up
/// exactly), each part at least `min` when the total allows.
pub fn split(total: i64, weights: &[f64], min: i64) -> Vec<i64> {
    let n = weights.len();
    if n == 0 {
        return Vec::new();
    }
    let floor = if total >= min * n as i64 { min } else { 0 };
    let rest = total - floor * n as i64;
    let sum: f64 = weights.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    let exact: Vec<f64> = weights.iter().map(|w| rest as f64 * w / sum).collect();
    let mut parts: Vec<i64> = exact.iter().map(|x| x.floor() as i64).collect();
    let mut left = rest - parts.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    for &i in order.iter().cycle().take(n * 2) {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts.iter().map(|p| p + floor).collect()
}

/// Splits `total` into `n` parts with random weights in `1 ± jitter`.
pub fn jitter_split(rng: &mut Rng, total: i64, n: usize, jitter: f64, min: i64) -> Vec<i64> {
    let w: Vec<f64> = (0..n).map(|_| 1.0 + jitter * (2.0 * rng.unit() - 1.0)).collect();
    split(total, &w, min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_add_up() {
        let mut r = Rng::stream("t");
        for total in [0, 1, 7, 573, 55313] {
            let parts = jitter_split(&mut r, total, 12, 0.5, 1);
            assert_eq!(parts.iter().sum::<i64>(), total);
        }
        assert_eq!(split(10, &[1.0, 1.0, 1.0], 0), vec![4, 3, 3]);
    }

    #[test]
    fn streams_are_deterministic() {
        assert_eq!(Rng::stream("a").next_u64(), Rng::stream("a").next_u64());
        assert_ne!(Rng::stream("a").next_u64(), Rng::stream("b").next_u64());
    }
}
