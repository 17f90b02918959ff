//! The byte encoding of the database file: little-endian `u32` counts and lengths, strings as a
//! length and UTF-8 bytes. Every read is bounds-checked, so a damaged file is an error, never a
//! panic.

use crate::db::DbError;

/// Appends values to a buffer.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    pub(crate) bytes: Vec<u8>,
}

impl Writer {
    pub(crate) fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }

    pub(crate) fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub(crate) fn len(&mut self, n: usize) -> Result<(), DbError> {
        self.u32(u32::try_from(n).map_err(|_| DbError::TooLarge)?);
        Ok(())
    }

    pub(crate) fn str(&mut self, s: &str) -> Result<(), DbError> {
        self.len(s.len())?;
        self.bytes.extend_from_slice(s.as_bytes());
        Ok(())
    }

    pub(crate) fn strs<S: AsRef<str>>(&mut self, list: &[S]) -> Result<(), DbError> {
        self.len(list.len())?;
        for s in list {
            self.str(s.as_ref())?;
        }
        Ok(())
    }

    pub(crate) fn position(&self) -> Result<u32, DbError> {
        u32::try_from(self.bytes.len()).map_err(|_| DbError::TooLarge)
    }
}

/// Reads values from a slice of the file.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], at: usize) -> Self {
        Reader { bytes, at }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DbError> {
        let end = self.at.checked_add(n).ok_or(DbError::Damaged { at: self.at })?;
        let slice = self.bytes.get(self.at..end).ok_or(DbError::Damaged { at: self.at })?;
        self.at = end;
        Ok(slice)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, DbError> {
        Ok(self.take(1)?[0])
    }

    pub(crate) fn u32(&mut self) -> Result<u32, DbError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A count of items that each take at least `min_size` bytes: checked against what is left,
    /// so a damaged count cannot ask for a huge allocation.
    pub(crate) fn count(&mut self, min_size: usize) -> Result<usize, DbError> {
        let at = self.at;
        let n = self.u32()? as usize;
        if n.saturating_mul(min_size) > self.bytes.len().saturating_sub(self.at) {
            return Err(DbError::Damaged { at });
        }
        Ok(n)
    }

    pub(crate) fn str(&mut self) -> Result<&'a str, DbError> {
        let at = self.at;
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).map_err(|_| DbError::Damaged { at })
    }

    pub(crate) fn strs(&mut self) -> Result<Vec<&'a str>, DbError> {
        let n = self.count(4)?;
        (0..n).map(|_| self.str()).collect()
    }
}
