//! Kubernetes resource quantities, parsed exactly as apimachinery's `resource.ParseQuantity`
//! does (`staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go`): optional sign, digits
//! with an optional fraction, then a suffix — decimal SI (`n u m "" k M G T P E`), binary SI
//! (`Ki Mi Gi Ti Pi Ei`) or a decimal exponent (`e3`, `E-2`). Values are kept exactly, rounded up
//! to nano units as apimachinery does, in an `i128` (saturating far beyond any real quantity).

use crate::yaml::{Node, Value};
use std::fmt;

const NANO: i128 = 1_000_000_000;
/// Largest value kept (about 4.2e28 units, a whole number of them: a saturated quantity is
/// never mistaken for a fractional one); larger quantities saturate here.
const MAX_NANO: i128 = i128::MAX / 4 / NANO * NANO;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity {
    /// The value × 10⁹, rounded up (away from zero) as apimachinery rounds to nano precision.
    nano: i128,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityError {
    /// `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`
    Format,
    /// `unable to parse quantity's suffix`
    Suffix,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuantityError::Format => f.write_str(
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            ),
            QuantityError::Suffix => f.write_str("unable to parse quantity's suffix"),
        }
    }
}

fn is_digit(b: u8) -> bool {
    b.is_ascii_digit()
}

/// Suffix → (base, exponent). Base 10 or 2.
fn interpret_suffix(s: &str) -> Option<(u32, i64)> {
    let dec = match s {
        "n" => Some(-9),
        "u" => Some(-6),
        "m" => Some(-3),
        "" => Some(0),
        "k" => Some(3),
        "M" => Some(6),
        "G" => Some(9),
        "T" => Some(12),
        "P" => Some(15),
        "E" => Some(18),
        _ => None,
    };
    if let Some(e) = dec {
        return Some((10, e));
    }
    let bin = match s {
        "Ki" => Some(10),
        "Mi" => Some(20),
        "Gi" => Some(30),
        "Ti" => Some(40),
        "Pi" => Some(50),
        "Ei" => Some(60),
        _ => None,
    };
    if let Some(e) = bin {
        return Some((2, e));
    }
    let bytes = s.as_bytes();
    if bytes.len() > 1 && (bytes[0] == b'e' || bytes[0] == b'E') {
        // Go's strconv.ParseInt: optional sign, then decimal digits.
        let rest = &s[1..];
        let digits = rest.strip_prefix(['+', '-']).unwrap_or(rest);
        if digits.is_empty() || !digits.bytes().all(is_digit) {
            return None;
        }
        let neg = rest.starts_with('-');
        // Saturate: anything beyond ±10⁴ is far outside the representable range anyway.
        let mag: i64 = if digits.len() > 6 {
            100_000
        } else {
            digits.parse().unwrap_or(100_000)
        };
        return Some((10, if neg { -mag } else { mag }));
    }
    None
}

impl Quantity {
    pub const ZERO: Quantity = Quantity { nano: 0 };

    /// Parse a quantity string as `ParseQuantity` does (after the JSON decoder's `TrimSpace`).
    pub fn parse(input: &str) -> Result<Quantity, QuantityError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(QuantityError::Format);
        }
        let b = s.as_bytes();
        let end = b.len();
        let mut pos = 0;
        let mut positive = true;
        match b[0] {
            b'-' => {
                positive = false;
                pos += 1;
            }
            b'+' => pos += 1,
            _ => {}
        }
        while pos < end && b[pos] == b'0' {
            pos += 1;
        }
        if pos >= end {
            return Ok(Quantity::ZERO);
        }
        let num_start = pos;
        while pos < end && is_digit(b[pos]) {
            pos += 1;
        }
        let num = &s[num_start..pos];
        let mut denom = "";
        if pos < end && b[pos] == b'.' {
            pos += 1;
            let ds = pos;
            while pos < end && is_digit(b[pos]) {
                pos += 1;
            }
            denom = &s[ds..pos];
        }
        let suffix_start = pos;
        while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
            pos += 1;
        }
        if pos < end && (b[pos] == b'-' || b[pos] == b'+') {
            pos += 1;
        }
        while pos < end && is_digit(b[pos]) {
            pos += 1;
        }
        if pos < end {
            return Err(QuantityError::Format);
        }
        let suffix = &s[suffix_start..];
        let (base, exponent) = interpret_suffix(suffix).ok_or(QuantityError::Suffix)?;

        // Mantissa: up to 30 significant digits exactly; the rest only marks the value inexact.
        let mut mantissa: i128 = 0;
        let mut exp10: i64 = 0;
        let mut inexact = false;
        let mut sig = 0;
        for (i, c) in num.bytes().chain(denom.bytes()).enumerate() {
            let d = i128::from(c - b'0');
            let in_denom = i >= num.len();
            if sig < 30 {
                mantissa = mantissa * 10 + d;
                if mantissa > 0 {
                    sig += 1;
                }
                if in_denom {
                    exp10 -= 1;
                }
            } else {
                if d != 0 {
                    inexact = true;
                }
                if !in_denom {
                    exp10 += 1;
                }
            }
        }
        let (bin, dec) = if base == 2 {
            (exponent as u32, 0)
        } else {
            (0, exponent)
        };
        let mut v = mantissa;
        if bin > 0 {
            v = v.checked_mul(1i128 << bin).unwrap_or(MAX_NANO);
        }
        let e = exp10 + dec + 9;
        let mut nano = if v == 0 {
            0
        } else if e >= 0 {
            let mut r = v;
            for _ in 0..e {
                r = match r.checked_mul(10) {
                    Some(x) if x <= MAX_NANO => x,
                    _ => {
                        r = MAX_NANO;
                        break;
                    }
                };
            }
            r
        } else if -e > 37 {
            1 // rounds up to one nano unit
        } else {
            let d = 10i128.pow((-e) as u32);
            let q = v / d;
            if v % d != 0 || inexact {
                q + 1
            } else {
                q
            }
        };
        nano = nano.min(MAX_NANO);
        // BinarySI values are capped at the int64 maximum.
        if base == 2 {
            nano = nano.min(i128::from(i64::MAX) * NANO);
        }
        Ok(Quantity {
            nano: if positive { nano } else { -nano },
        })
    }

    /// A quantity from a YAML value as kubectl would send it (strings, and bare numbers, which
    /// the API decodes as quantity text). None for anything else (booleans, null, collections).
    pub fn from_node(node: &Node) -> Option<Result<Quantity, QuantityError>> {
        match &node.value {
            Value::Str(s) => Some(Quantity::parse(s)),
            Value::Int(i) => Some(Quantity::parse(&i.to_string())),
            Value::Float(f) if f.is_finite() => Some(Quantity::parse(&f.to_string())),
            _ => None,
        }
    }

    pub fn from_units(units: i64) -> Quantity {
        Quantity {
            nano: i128::from(units) * NANO,
        }
    }

    pub fn nano(self) -> i128 {
        self.nano
    }
    pub fn is_zero(self) -> bool {
        self.nano == 0
    }
    pub fn is_negative(self) -> bool {
        self.nano < 0
    }
    pub fn is_positive(self) -> bool {
        self.nano > 0
    }
    /// Whether the value is a whole number of units (bytes for memory).
    pub fn is_integer(self) -> bool {
        self.nano % NANO == 0
    }
    /// `Value()`: rounded up to a whole unit.
    pub fn ceil_units(self) -> i128 {
        let q = self.nano / NANO;
        if self.nano % NANO > 0 {
            q + 1
        } else {
            q
        }
    }
    /// `MilliValue()`: rounded up to milli-units.
    pub fn milli(self) -> i128 {
        let q = self.nano / 1_000_000;
        if self.nano % 1_000_000 > 0 {
            q + 1
        } else {
            q
        }
    }
    /// Whether the value fits the 64-bit integer Kubernetes converts it to when it applies it:
    /// whole units (`Value()`, bytes), or milli-units for CPU (`MilliValue()`). Past it, the
    /// conversion overflows (`1e308`, `20E`).
    pub fn fits_int64(self, milli: bool) -> bool {
        let v = if milli {
            self.milli()
        } else {
            self.ceil_units()
        };
        (i128::from(i64::MIN)..=i128::from(i64::MAX)).contains(&v)
    }
    pub fn as_f64(self) -> f64 {
        self.nano as f64 / NANO as f64
    }
    pub fn saturating_add(self, other: Quantity) -> Quantity {
        Quantity {
            nano: self.nano.saturating_add(other.nano).min(MAX_NANO),
        }
    }
    pub fn saturating_sub(self, other: Quantity) -> Quantity {
        Quantity {
            nano: self.nano.saturating_sub(other.nano),
        }
    }
}

/// Human size for messages: `512Mi`, `1.5Gi`, `300M`, `12345` bytes.
pub fn format_bytes(bytes: i128) -> String {
    const UNITS: [(&str, i128); 5] = [
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
        ("", 1),
    ];
    if bytes <= 0 {
        return bytes.to_string();
    }
    for (suffix, unit) in UNITS {
        if bytes >= unit && unit > 1 {
            if bytes % unit == 0 {
                return format!("{}{suffix}", bytes / unit);
            }
            let v = bytes as f64 / unit as f64;
            return format!("{:.1}{suffix}", v);
        }
    }
    format!("{bytes} bytes")
}

/// Human form of a quantity for messages (bytes via [`format_bytes`] when `memory`).
pub fn format_quantity(q: Quantity, memory: bool) -> String {
    if memory && q.is_integer() {
        return format_bytes(q.ceil_units());
    }
    if q.is_integer() {
        return q.ceil_units().to_string();
    }
    let m = q.milli();
    if q.nano % 1_000_000 == 0 {
        return format!("{m}m");
    }
    format!("{}", q.as_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> i128 {
        Quantity::parse(s).map(|q| q.nano()).unwrap_or(i128::MIN)
    }
    fn bytes(s: &str) -> i128 {
        Quantity::parse(s)
            .map(|q| q.ceil_units())
            .unwrap_or(i128::MIN)
    }

    #[test]
    fn suffixes() {
        assert_eq!(bytes("1Ki"), 1024);
        assert_eq!(bytes("1Mi"), 1 << 20);
        assert_eq!(bytes("2Gi"), 2 << 30);
        assert_eq!(bytes("1Ti"), 1 << 40);
        assert_eq!(bytes("1Pi"), 1 << 50);
        assert_eq!(bytes("1Ei"), 1 << 60);
        assert_eq!(bytes("1k"), 1000);
        assert_eq!(bytes("1M"), 1_000_000);
        assert_eq!(bytes("1G"), 1_000_000_000);
        assert_eq!(bytes("1T"), 1_000_000_000_000);
        assert_eq!(bytes("1P"), 1_000_000_000_000_000);
        assert_eq!(bytes("1E"), 1_000_000_000_000_000_000);
        assert_eq!(n("500m"), 500_000_000);
        assert_eq!(n("1u"), 1000);
        assert_eq!(n("1n"), 1);
        assert_eq!(bytes("129e6"), 129_000_000);
        assert_eq!(bytes("12E6"), 12_000_000);
        assert_eq!(bytes("1e+3"), 1000);
        assert_eq!(n("1e-3"), 1_000_000);
        assert_eq!(bytes("1.5Gi"), 3 << 29);
        assert_eq!(bytes("0.5Ki"), 512);
        assert_eq!(bytes(".5Ki"), 512);
        assert_eq!(bytes("1.Gi"), 1 << 30);
        assert_eq!(bytes("+1Gi"), 1 << 30);
        assert_eq!(bytes(" 1Gi "), 1 << 30);
        assert_eq!(n("0"), 0);
        assert_eq!(n("00"), 0);
        assert_eq!(n("0Mi"), 0);
        assert_eq!(n("-0"), 0);
        assert_eq!(n("."), 0);
        // apimachinery reads a missing number as 0.
        assert_eq!(n("Gi"), 0);
        assert_eq!(n("-1Gi"), -(1i128 << 30) * NANO);
    }

    #[test]
    fn rounding_and_millibytes() {
        let q = Quantity::parse("512m").unwrap_or_default();
        assert!(!q.is_integer());
        assert_eq!(q.ceil_units(), 1);
        let q = Quantity::parse("1000m").unwrap_or_default();
        assert!(q.is_integer());
        // Below nano precision rounds up to one nano.
        assert_eq!(n("1e-12"), 1);
        assert_eq!(n("0.0000000001"), 1);
        assert_eq!(n("1.0000000001"), NANO + 1);
        // Equal values in different notations compare equal.
        assert_eq!(
            Quantity::parse("1Gi").ok(),
            Quantity::parse("1073741824").ok()
        );
        assert_eq!(Quantity::parse("1").ok(), Quantity::parse("1000m").ok());
        assert_eq!(Quantity::parse("0.5").ok(), Quantity::parse("500m").ok());
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "", " ", "1MB", "1 Gi", "1K", "1gi", "1Gb", "one", "1e", "1ee3", "1.2.3", "1Gi3",
            "--1", "1e3Mi", "0x10", "1_000", "1i", "1mi", "1Kb",
        ] {
            assert!(Quantity::parse(s).is_err(), "{s:?} should be rejected");
        }
        assert_eq!(Quantity::parse("1K"), Err(QuantityError::Suffix));
        assert_eq!(Quantity::parse("1MB"), Err(QuantityError::Format));
    }

    #[test]
    fn huge_values_saturate() {
        assert!(Quantity::parse("1e100").is_ok_and(|q| q.is_positive()));
        assert!(Quantity::parse("99999999999999999999999999999999999999999Ei").is_ok());
        assert!(Quantity::parse("1e-99999999999").is_ok());
        assert_eq!(
            Quantity::parse("16Ei").map(|q| q.ceil_units()).ok(),
            Some(i128::from(i64::MAX))
        );
        // A saturated value is whole (never read as a fractional, millibyte one) and does not
        // fit the int64 Kubernetes converts it to.
        for s in ["1e308", "1E+308", "9e999999", "20E", "1e19"] {
            let q = Quantity::parse(s).unwrap_or_default();
            assert!(q.is_integer(), "{s}");
            assert!(!q.fits_int64(false), "{s}");
        }
        let q = Quantity::parse("9e18").unwrap_or_default();
        assert!(q.fits_int64(false) && !q.fits_int64(true));
        assert!(Quantity::parse("16Ei").is_ok_and(|q| q.fits_int64(false)));
    }

    #[test]
    fn formats() {
        assert_eq!(format_bytes(512 << 20), "512Mi");
        assert_eq!(format_bytes(3 << 29), "1.5Gi");
        assert_eq!(format_bytes(100), "100 bytes");
    }
}
