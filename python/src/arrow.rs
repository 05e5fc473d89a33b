//! Arrow string columns read in place, through the Arrow C stream interface.
//!
//! `classify_frame` hands each column over as the capsule its
//! `__arrow_c_stream__()` returns (a Polars Series, a pyarrow array or
//! chunked array): the producer's own buffers, no copy and no Python string
//! per row. A column is one or more chunks of `string` (32-bit offsets),
//! `large_string` (64-bit offsets) or `string_view` (Polars' own layout: 16-byte
//! views, short values inline, longer ones in data buffers). Reading them
//! needs no Arrow crate: the few structs of the C Data Interface are declared
//! here. Every offset and view is checked against what the producer declared
//! before it is used, so a malformed array is an error, never an out-of-bounds
//! read.

use std::borrow::Cow;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr::NonNull;

/// `struct ArrowSchema` of the Arrow C Data Interface.
#[repr(C)]
struct FfiSchema {
    format: *const c_char,
    name: *const c_char,
    metadata: *const c_char,
    flags: i64,
    n_children: i64,
    children: *mut *mut FfiSchema,
    dictionary: *mut FfiSchema,
    release: Option<unsafe extern "C" fn(*mut FfiSchema)>,
    private_data: *mut c_void,
}

/// `struct ArrowArray` of the Arrow C Data Interface.
#[repr(C)]
struct FfiArray {
    length: i64,
    null_count: i64,
    offset: i64,
    n_buffers: i64,
    n_children: i64,
    buffers: *mut *const c_void,
    children: *mut *mut FfiArray,
    dictionary: *mut FfiArray,
    release: Option<unsafe extern "C" fn(*mut FfiArray)>,
    private_data: *mut c_void,
}

/// `struct ArrowArrayStream` of the Arrow C Stream Interface.
#[repr(C)]
pub struct FfiStream {
    get_schema: Option<unsafe extern "C" fn(*mut FfiStream, *mut FfiSchema) -> c_int>,
    get_next: Option<unsafe extern "C" fn(*mut FfiStream, *mut FfiArray) -> c_int>,
    get_last_error: Option<unsafe extern "C" fn(*mut FfiStream) -> *const c_char>,
    release: Option<unsafe extern "C" fn(*mut FfiStream)>,
    private_data: *mut c_void,
}

/// The name of the capsule `__arrow_c_stream__` returns.
pub const STREAM_CAPSULE: &CStr = c"arrow_array_stream";

/// A value of one of the C structs with every field zero: "released", what
/// the interface's callbacks fill in.
macro_rules! zeroed_ffi {
    ($t:ty) => {
        impl $t {
            fn empty() -> Self {
                // SAFETY: every field is an integer, a raw pointer or an
                // `Option` of a function pointer, for which all-zero bytes are
                // 0, null and `None`.
                unsafe { std::mem::zeroed() }
            }
        }
    };
}
zeroed_ffi!(FfiSchema);
zeroed_ffi!(FfiArray);
zeroed_ffi!(FfiStream);

impl Drop for FfiSchema {
    fn drop(&mut self) {
        if let Some(release) = self.release {
            // SAFETY: a schema filled in by its producer is released once, by its owner.
            unsafe { release(self) }
        }
    }
}

impl Drop for FfiArray {
    fn drop(&mut self) {
        if let Some(release) = self.release {
            // SAFETY: an array filled in by its producer is released once, by its owner.
            unsafe { release(self) }
        }
    }
}

impl Drop for FfiStream {
    fn drop(&mut self) {
        if let Some(release) = self.release {
            // SAFETY: a stream moved out of its capsule is released once, by its owner.
            unsafe { release(self) }
        }
    }
}

/// How a chunk's values are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// `string`: 32-bit offsets into one data buffer.
    Utf8,
    /// `large_string`: 64-bit offsets into one data buffer.
    LargeUtf8,
    /// `string_view`: a 16-byte view per value, long values in data buffers.
    Utf8View,
}

impl Layout {
    /// The layout an Arrow format string names, if popm reads it.
    fn from_format(format: &str) -> Option<Layout> {
        match format {
            "u" => Some(Layout::Utf8),
            "U" => Some(Layout::LargeUtf8),
            "vu" => Some(Layout::Utf8View),
            _ => None,
        }
    }
}

/// One chunk of a column: the producer's array, kept alive until the column
/// is dropped, and where its buffers are.
struct Chunk {
    /// Owns the buffers below; released on drop.
    _array: Box<FfiArray>,
    /// The first value's position in the buffers (a sliced array starts later).
    offset: usize,
    /// Number of values.
    len: usize,
    /// One bit per value, set when the value is present; `None`: no nulls.
    validity: Option<NonNull<u8>>,
    /// Offsets (`Utf8`, `LargeUtf8`) or views (`Utf8View`).
    index: NonNull<u8>,
    /// The data buffer (`Utf8`, `LargeUtf8`) or every data buffer with its
    /// length in bytes (`Utf8View`).
    data: Vec<(*const u8, usize)>,
}

/// One text column, borrowed from the producer's Arrow buffers.
pub struct StreamColumn {
    layout: Layout,
    chunks: Vec<Chunk>,
    /// Row number of each chunk's first value.
    starts: Vec<usize>,
    len: usize,
}

// SAFETY: the buffers are immutable while exported (the C Data Interface
// forbids the producer to change them until released), and the column only
// reads them; releasing happens once, on drop, by whoever owns the column.
unsafe impl Send for StreamColumn {}
// SAFETY: see `Send`: shared access only reads immutable buffers.
unsafe impl Sync for StreamColumn {}

/// A C string of the interface as text (empty when null).
fn c_text(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: the interface's strings are NUL-terminated and live as long as their struct.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// A count or offset of the interface as `usize`; `what` names it in the error.
fn non_negative(v: i64, name: &str, what: &str) -> Result<usize, String> {
    usize::try_from(v).map_err(|_| format!("column {name:?}: the Arrow array's {what} is {v}"))
}

impl StreamColumn {
    /// Reads every chunk of the stream `__arrow_c_stream__` put in a capsule
    /// (at `stream`); the stream is moved out of the capsule, as the
    /// interface prescribes, and released here. `name` is for messages.
    ///
    /// # Errors
    ///
    /// When the stream fails, is not of a string type, or declares buffers
    /// that cannot hold its values.
    ///
    /// # Safety
    ///
    /// `stream` must point to a valid, unreleased `ArrowArrayStream`.
    pub unsafe fn from_stream(name: &str, stream: NonNull<FfiStream>) -> Result<Self, String> {
        let mut owned = FfiStream::empty();
        // SAFETY (caller): a valid stream; moving it out and marking the
        // capsule's copy released (`release = None`) is how a consumer takes it.
        unsafe {
            std::ptr::swap(stream.as_ptr(), &mut owned);
        }
        let last_error = |s: &mut FfiStream| match s.get_last_error {
            // SAFETY: the callback of a live stream.
            Some(f) => c_text(unsafe { f(s) }),
            None => String::new(),
        };
        let (Some(get_schema), Some(get_next)) = (owned.get_schema, owned.get_next) else {
            return Err(format!(
                "column {name:?}: the Arrow stream was already released"
            ));
        };
        let mut schema = FfiSchema::empty();
        // SAFETY: the callback of a live stream, writing into an empty schema.
        if unsafe { get_schema(&mut owned, &mut schema) } != 0 {
            return Err(format!(
                "column {name:?}: the Arrow stream gave no schema ({})",
                last_error(&mut owned)
            ));
        }
        let format = c_text(schema.format);
        let layout = Layout::from_format(&format).ok_or_else(|| {
            format!("column {name:?}: Arrow type {format:?} is not a string type")
        })?;
        let mut column = StreamColumn {
            layout,
            chunks: Vec::new(),
            starts: Vec::new(),
            len: 0,
        };
        loop {
            let mut array = Box::new(FfiArray::empty());
            // SAFETY: the callback of a live stream, writing into an empty array.
            if unsafe { get_next(&mut owned, &mut *array) } != 0 {
                return Err(format!(
                    "column {name:?}: the Arrow stream failed ({})",
                    last_error(&mut owned)
                ));
            }
            if array.release.is_none() {
                break; // the end of the stream
            }
            // SAFETY: an array just produced by the stream.
            let chunk = unsafe { Chunk::new(name, layout, array)? };
            column.starts.push(column.len);
            column.len = column
                .len
                .checked_add(chunk.len)
                .ok_or_else(|| format!("column {name:?}: too many rows"))?;
            column.chunks.push(chunk);
        }
        Ok(column)
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Value `i` (`None` when null); bytes that are not UTF-8 become U+FFFD.
    ///
    /// # Errors
    ///
    /// When its offsets or view point outside the buffers the array declared.
    pub fn get(&self, i: usize) -> Result<Option<Cow<'_, str>>, String> {
        if i >= self.len {
            return Err(format!(
                "row {} is past the column's {} rows",
                i + 1,
                self.len
            ));
        }
        let c = self.starts.partition_point(|&s| s <= i) - 1;
        let chunk = &self.chunks[c];
        let bytes = chunk
            .get(self.layout, i - self.starts[c])
            .map_err(|e| format!("row {}: {e}", i + 1))?;
        Ok(bytes.map(String::from_utf8_lossy))
    }
}

impl Chunk {
    /// The buffers of a string array of this layout, checked for presence.
    ///
    /// # Safety
    ///
    /// `array` must be a valid array just produced by a stream of `layout`.
    unsafe fn new(name: &str, layout: Layout, array: Box<FfiArray>) -> Result<Chunk, String> {
        let offset = non_negative(array.offset, name, "offset")?;
        let len = non_negative(array.length, name, "length")?;
        let n_buffers = non_negative(array.n_buffers, name, "buffer count")?;
        // string, large_string: validity, offsets, data; string_view:
        // validity, views, the data buffers, then the data buffers' lengths.
        let fits = match layout {
            Layout::Utf8 | Layout::LargeUtf8 => n_buffers == 3,
            Layout::Utf8View => n_buffers >= 3,
        };
        if !fits || array.buffers.is_null() {
            return Err(format!(
                "column {name:?}: the Arrow {layout:?} array has {n_buffers} buffers"
            ));
        }
        // SAFETY (caller): `buffers` holds `n_buffers` pointers.
        let buffers = unsafe { std::slice::from_raw_parts(array.buffers, n_buffers) };
        let validity = if array.null_count == 0 {
            None
        } else {
            NonNull::new(buffers[0] as *mut u8)
        };
        let index = if len == 0 && buffers[1].is_null() {
            NonNull::dangling()
        } else {
            NonNull::new(buffers[1] as *mut u8)
                .ok_or_else(|| format!("column {name:?}: the Arrow array has no offsets buffer"))?
        };
        let data = match layout {
            Layout::Utf8 | Layout::LargeUtf8 => {
                let d = buffers.get(2).copied().unwrap_or(std::ptr::null());
                vec![(d.cast::<u8>(), usize::MAX)]
            }
            Layout::Utf8View => {
                // The last buffer holds each data buffer's length (int64).
                let n_data = n_buffers - 3;
                let sizes = buffers[n_buffers - 1].cast::<i64>();
                if n_data > 0 && sizes.is_null() {
                    return Err(format!(
                        "column {name:?}: the Arrow string_view array has no buffer sizes"
                    ));
                }
                (0..n_data)
                    .map(|k| {
                        // SAFETY (caller): the sizes buffer holds one int64 per data buffer.
                        let size = unsafe { sizes.add(k).read_unaligned() };
                        Ok((
                            buffers[2 + k].cast::<u8>(),
                            non_negative(size, name, "buffer size")?,
                        ))
                    })
                    .collect::<Result<_, String>>()?
            }
        };
        offset
            .checked_add(len)
            .ok_or_else(|| format!("column {name:?}: Arrow array too long"))?;
        Ok(Chunk {
            _array: array,
            offset,
            len,
            validity,
            index,
            data,
        })
    }

    /// The bytes of value `i` of the chunk (`None` when null).
    fn get(&self, layout: Layout, i: usize) -> Result<Option<&[u8]>, String> {
        let k = self.offset + i;
        if let Some(v) = self.validity {
            // SAFETY: a validity bitmap holds a bit for each of `offset + len` values.
            if unsafe { v.as_ptr().add(k / 8).read() } & (1 << (k % 8)) == 0 {
                return Ok(None);
            }
        }
        let p = self.index.as_ptr();
        // SAFETY (all reads of `p`): the offsets buffer holds `offset + len + 1`
        // offsets and the views buffer `offset + len` views.
        let (data, start, end) = match layout {
            Layout::Utf8 => {
                let o = p.cast::<i32>();
                let (s, e) = unsafe { (o.add(k).read_unaligned(), o.add(k + 1).read_unaligned()) };
                (self.data[0], i64::from(s), i64::from(e))
            }
            Layout::LargeUtf8 => {
                let o = p.cast::<i64>();
                let (s, e) = unsafe { (o.add(k).read_unaligned(), o.add(k + 1).read_unaligned()) };
                (self.data[0], s, e)
            }
            Layout::Utf8View => {
                let view = unsafe { std::slice::from_raw_parts(p.add(k * 16), 16) };
                let word = |at: usize| {
                    i32::from_le_bytes([view[at], view[at + 1], view[at + 2], view[at + 3]])
                };
                let n = word(0);
                if (0..=12).contains(&n) {
                    return Ok(Some(&view[4..4 + n as usize]));
                }
                let buffer = usize::try_from(word(8)).ok().and_then(|b| self.data.get(b));
                let Some(&buffer) = buffer else {
                    return Err(format!(
                        "an Arrow string view points to data buffer {} of {}",
                        word(8),
                        self.data.len()
                    ));
                };
                let s = i64::from(word(12));
                (buffer, s, s + i64::from(n))
            }
        };
        let (ptr, size) = data;
        let range = usize::try_from(start)
            .ok()
            .zip(usize::try_from(end).ok())
            .filter(|&(s, e)| s <= e && e <= size && (!ptr.is_null() || s == e));
        let Some((s, e)) = range else {
            return Err(format!(
                "Arrow offsets {start}..{end} are outside the data buffer"
            ));
        };
        if s == e {
            return Ok(Some(&[]));
        }
        // SAFETY: the producer's data buffer holds every byte its offsets or
        // views point to (checked against its declared size for views).
        Ok(Some(unsafe {
            std::slice::from_raw_parts(ptr.add(s), e - s)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a test stream hands out: one `string_view` chunk over these
    /// buffers, which the chunk owns once handed out (as a producer's arrays
    /// outlive their stream).
    struct Source {
        views: Vec<u8>,
        data: Vec<u8>,
        sizes: Vec<i64>,
        buffers: Vec<*const c_void>,
    }

    unsafe extern "C" fn get_schema(_: *mut FfiStream, out: *mut FfiSchema) -> c_int {
        unsafe {
            (*out).format = c"vu".as_ptr();
            (*out).release = Some(release_schema);
        }
        0
    }

    unsafe extern "C" fn release_schema(s: *mut FfiSchema) {
        unsafe { (*s).release = None }
    }

    unsafe extern "C" fn release_array(a: *mut FfiArray) {
        unsafe {
            drop(Box::from_raw((*a).private_data.cast::<Source>()));
            (*a).release = None;
        }
    }

    unsafe extern "C" fn release_stream(s: *mut FfiStream) {
        unsafe {
            drop(Box::from_raw((*s).private_data.cast::<Option<Source>>()));
            (*s).release = None;
        }
    }

    unsafe extern "C" fn get_next(s: *mut FfiStream, out: *mut FfiArray) -> c_int {
        let pending = unsafe { &mut *(*s).private_data.cast::<Option<Source>>() };
        let Some(mut src) = pending.take() else {
            return 0; // `out` stays released: the end of the stream
        };
        src.buffers = vec![
            std::ptr::null(),
            src.views.as_ptr().cast(),
            src.data.as_ptr().cast(),
            src.sizes.as_ptr().cast(),
        ];
        let mut src = Box::new(src);
        unsafe {
            (*out).length = (src.views.len() / 16) as i64;
            (*out).n_buffers = 4;
            (*out).buffers = src.buffers.as_mut_ptr();
            (*out).private_data = std::ptr::from_mut(&mut *src).cast();
            (*out).release = Some(release_array);
        }
        let _ = Box::into_raw(src);
        0
    }

    /// A view of `len` bytes: inline when 0 to 12, else at `at` in data buffer `buffer`.
    fn view(len: i32, inline: &[u8], buffer: i32, at: i32) -> Vec<u8> {
        let mut v = len.to_le_bytes().to_vec();
        if (0..=12).contains(&len) {
            v.extend(inline);
            v.resize(16, 0);
        } else {
            v.extend(&inline[..4]);
            v.extend(buffer.to_le_bytes());
            v.extend(at.to_le_bytes());
        }
        v
    }

    /// Reads a column from a test stream over `views` and one data buffer.
    fn read(views: Vec<Vec<u8>>, data: &[u8]) -> Result<Vec<Option<String>>, String> {
        let source = Box::new(Some(Source {
            views: views.concat(),
            data: data.to_vec(),
            sizes: vec![data.len() as i64],
            buffers: Vec::new(),
        }));
        let mut stream = FfiStream::empty();
        stream.get_schema = Some(get_schema);
        stream.get_next = Some(get_next);
        stream.release = Some(release_stream);
        stream.private_data = Box::into_raw(source).cast();
        let column = unsafe { StreamColumn::from_stream("c", NonNull::from(&mut stream))? };
        assert!(
            stream.release.is_none(),
            "the stream is moved out of its place"
        );
        (0..column.len())
            .map(|i| Ok(column.get(i)?.map(|v| v.into_owned())))
            .collect()
    }

    #[test]
    fn string_views_inline_and_in_buffers() {
        let data = b"xxProduct backlog and user stories";
        let got = read(
            vec![
                view(5, b"short", 0, 0),
                view(32, &data[2..6], 0, 2),
                view(0, b"", 0, 0),
            ],
            data,
        );
        assert_eq!(
            got.unwrap(),
            [
                Some("short"),
                Some("Product backlog and user stories"),
                Some("")
            ]
            .map(|v| v.map(String::from))
        );
    }

    #[test]
    fn views_outside_their_buffers_are_errors_not_reads() {
        let data = b"Product backlog";
        let past_the_end = read(vec![view(15, data, 0, 1)], data).unwrap_err();
        assert!(
            past_the_end.contains("outside the data buffer"),
            "{past_the_end}"
        );
        let no_such_buffer = read(vec![view(15, data, 1, 0)], data).unwrap_err();
        assert!(
            no_such_buffer.contains("data buffer 1 of 1"),
            "{no_such_buffer}"
        );
        let negative = read(vec![view(-3, data, 0, 0)], data).unwrap_err();
        assert!(negative.contains("outside"), "{negative}");
    }
}
