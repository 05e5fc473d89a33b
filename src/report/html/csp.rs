//! The page's Content-Security-Policy: only the file's own inline script and
//! style run, named by their SHA-256 hashes; nothing is fetched.
//!
//! A hash rather than a nonce: the file is static, so a nonce would be the same
//! on every opening and guard nothing, while a hash names exactly the code
//! popm wrote. Markup that got into the page by mistake — an inline handler,
//! an injected `<script>` or `<style>`, an image, a form — would be refused by
//! the browser (`default-src 'none'`).

use sha2::{Digest, Sha256};

/// `'sha256-…'` of `code`: the CSP source expression that allows exactly that inline block.
pub fn hash_source(code: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(code.as_bytes())))
}

/// The policy allowing only the inline `script` (none when `None`) and `style`.
pub fn policy(script: Option<&str>, style: &str) -> String {
    let script = script.map_or_else(|| "'none'".to_string(), hash_source);
    format!(
        "default-src 'none'; script-src {script}; style-src {}; img-src 'none'; \
         connect-src 'none'; base-uri 'none'; form-action 'none'",
        hash_source(style)
    )
}

/// Standard base64 with padding (RFC 4648), as CSP hash sources are written.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected, "{input}");
        }
    }

    #[test]
    fn hashes_are_sha256_in_base64() {
        // sha256("") = e3b0c442…b855
        assert_eq!(
            hash_source(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
        let p = policy(None, "body{}");
        assert!(p.starts_with("default-src 'none'; script-src 'none'; style-src 'sha256-"));
        assert!(!p.contains("unsafe"));
    }
}
