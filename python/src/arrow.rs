//! Arrow string columns read straight from their buffers.
//!
//! `classify_frame` hands each column over as an Arrow `large_string` array's
//! three buffers (validity bitmap, 64-bit offsets, UTF-8 data), copied once
//! into `bytes` by pyarrow: no Python string is made per row. Reading them
//! needs no Arrow crate: a value is `data[offsets[i]..offsets[i + 1]]`.
//! Every offset is checked before it is used, so a malformed array is an
//! error, never an out-of-bounds read.

use std::borrow::Cow;

/// One Arrow `large_string` array, borrowed from its buffers.
pub struct StringColumn<'a> {
    /// Little-endian `i64` offsets, `offset + len + 1` of them at least.
    offsets: &'a [u8],
    /// The UTF-8 bytes of every value.
    data: &'a [u8],
    /// One bit per value, set when the value is present; `None`: no nulls.
    validity: Option<&'a [u8]>,
    /// The array's first value in the buffers (a sliced array starts later).
    offset: usize,
    /// Number of values.
    len: usize,
}

impl<'a> StringColumn<'a> {
    /// A column over these buffers; `name` is for the error message.
    ///
    /// # Errors
    ///
    /// When the offsets or validity buffer is too short for `offset + len` values.
    pub fn new(
        name: &str,
        offsets: &'a [u8],
        data: &'a [u8],
        validity: Option<&'a [u8]>,
        offset: usize,
        len: usize,
    ) -> Result<StringColumn<'a>, String> {
        let end = offset
            .checked_add(len)
            .ok_or_else(|| format!("column {name:?}: Arrow array too long"))?;
        if offsets.len() / 8 < end + 1 {
            return Err(format!(
                "column {name:?}: the Arrow offsets buffer holds {} offsets, {} needed",
                offsets.len() / 8,
                end + 1
            ));
        }
        if validity.is_some_and(|v| v.len() < end.div_ceil(8)) {
            return Err(format!(
                "column {name:?}: the Arrow validity bitmap is too short"
            ));
        }
        Ok(StringColumn {
            offsets,
            data,
            validity,
            offset,
            len,
        })
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The `k`-th offset of the buffers.
    fn offset_at(&self, k: usize) -> i64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.offsets[k * 8..k * 8 + 8]);
        i64::from_le_bytes(b)
    }

    /// Value `i` (`None` when null); bytes that are not UTF-8 become U+FFFD.
    ///
    /// # Errors
    ///
    /// When its offsets are negative, decreasing or past the data buffer.
    pub fn get(&self, i: usize) -> Result<Option<Cow<'a, str>>, String> {
        if i >= self.len {
            return Err(format!(
                "row {} is past the column's {} rows",
                i + 1,
                self.len
            ));
        }
        let k = self.offset + i;
        if let Some(v) = self.validity {
            if v[k / 8] & (1 << (k % 8)) == 0 {
                return Ok(None);
            }
        }
        let (start, end) = (self.offset_at(k), self.offset_at(k + 1));
        let bytes = usize::try_from(start)
            .ok()
            .zip(usize::try_from(end).ok())
            .and_then(|(s, e)| self.data.get(s..e))
            .ok_or_else(|| {
                format!(
                    "row {}: Arrow offsets {start}..{end} are outside the data buffer ({} bytes)",
                    i + 1,
                    self.data.len()
                )
            })?;
        Ok(Some(String::from_utf8_lossy(bytes)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offsets(v: &[i64]) -> Vec<u8> {
        v.iter().flat_map(|o| o.to_le_bytes()).collect()
    }

    #[test]
    fn values_nulls_and_slices() {
        let off = offsets(&[0, 3, 3, 8]);
        let data = b"abchello";
        let validity = [0b101u8];
        let col = StringColumn::new("c", &off, data, Some(&validity), 0, 3).unwrap();
        assert_eq!(col.get(0).unwrap().as_deref(), Some("abc"));
        assert_eq!(col.get(1).unwrap(), None);
        assert_eq!(col.get(2).unwrap().as_deref(), Some("hello"));
        let sliced = StringColumn::new("c", &off, data, None, 2, 1).unwrap();
        assert_eq!(sliced.get(0).unwrap().as_deref(), Some("hello"));
    }

    #[test]
    fn malformed_buffers_are_errors_not_panics() {
        let off = offsets(&[0, 3, 99]);
        assert!(StringColumn::new("c", &off, b"abc", None, 0, 3).is_err());
        let col = StringColumn::new("c", &off, b"abc", None, 0, 2).unwrap();
        assert!(col.get(1).is_err());
        let backwards = offsets(&[3, 0]);
        let col = StringColumn::new("c", &backwards, b"abc", None, 0, 1).unwrap();
        assert!(col.get(0).is_err());
        assert!(StringColumn::new("c", &off, b"abc", Some(&[]), 0, 2).is_err());
    }
}
