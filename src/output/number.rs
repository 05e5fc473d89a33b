//! Numbers as results print them: fixed decimals, never `-0.000`.

/// Formats a number with `digits` decimals, never as `-0.000`.
pub fn fixed(x: f64, digits: usize) -> String {
    let mut s = String::new();
    write_fixed(&mut s, x, digits);
    s
}

/// Appends `x` with `digits` decimals, never as `-0.000`.
///
/// Prints the rounded number's digits as an integer (`fmt`'s exact float
/// printing cost a sixth of writing a CSV row); the same text as
/// `format!("{:.*}")` of [`round`]`(x, digits)`, which handles what an
/// integer cannot hold.
pub(crate) fn write_fixed(out: &mut String, x: f64, digits: usize) {
    use std::fmt::Write as _;
    let scaled = (x * 10f64.powi(digits as i32)).round();
    // Below 2^52 every integer is exact, and the double nearest to n / 10^d
    // is within half a unit of the last decimal, so it prints back as n / 10^d.
    if digits > 9 || scaled.is_nan() || scaled.abs() >= 4_503_599_627_370_496.0 {
        let _ = write!(out, "{:.*}", digits, round(x, digits));
        return;
    }
    let n = scaled as i64;
    if n < 0 {
        out.push('-');
    }
    let pow = 10u64.pow(digits as u32);
    let (whole, frac) = (n.unsigned_abs() / pow, n.unsigned_abs() % pow);
    push_decimal(out, whole, 1);
    if digits > 0 {
        out.push('.');
        push_decimal(out, frac, digits);
    }
}

/// Appends `v` in decimal, zero-padded to at least `width` digits (at most 20).
///
/// By hand: `write!` costs several hundred instructions a number, and a row holds four.
fn push_decimal(out: &mut String, mut v: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut start = buf.len();
    while v > 0 {
        start -= 1;
        buf[start] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    let start = start.min(buf.len() - width.clamp(1, buf.len()));
    out.extend(buf[start..].iter().map(|&d| char::from(d)));
}

/// Rounds to `digits` decimals; negative zero becomes zero.
pub fn round(x: f64, digits: usize) -> f64 {
    let f = 10f64.powi(digits as i32);
    (x * f).round() / f + 0.0
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn decimals_are_padded_and_whole() {
        let dec = |v, width| {
            let mut s = String::from("x");
            push_decimal(&mut s, v, width);
            s
        };
        assert_eq!(dec(0, 1), "x0");
        assert_eq!(dec(0, 3), "x000");
        assert_eq!(dec(7, 3), "x007");
        assert_eq!(dec(1234, 2), "x1234");
        assert_eq!(dec(u64::MAX, 1), format!("x{}", u64::MAX));
        assert_eq!(dec(5, 25), "x00000000000000000005");
    }

    proptest::proptest! {
        /// Fixed-point printing by integers gives `fmt`'s text, at every magnitude.
        #[test]
        fn fixed_prints_what_fmt_prints(
            mantissa in -1.0e6f64..1.0e6,
            exponent in -12i32..14,
            digits in 0usize..8,
        ) {
            let x = mantissa * 10f64.powi(exponent);
            let want = format!("{:.*}", digits, round(x, digits));
            proptest::prop_assert_eq!(fixed(x, digits), want, "x {:e} digits {}", x, digits);
        }
    }

    #[test]
    fn fixed_handles_what_no_integer_holds() {
        assert_eq!(fixed(f64::NAN, 3), "NaN");
        assert_eq!(fixed(f64::INFINITY, 2), "inf");
        assert_eq!(fixed(1e300, 1), format!("{:.1}", 1e300));
        assert_eq!(fixed(0.0005, 3), format!("{:.3}", round(0.0005, 3)));
        assert_eq!(fixed(2.5, 0), "3");
    }

    #[test]
    fn numbers_never_print_negative_zero() {
        assert_eq!(fixed(-0.0001, 3), "0.000");
        assert_eq!(fixed(-0.5, 1), "-0.5");
    }
}
