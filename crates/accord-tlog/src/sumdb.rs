//! Tile paths of the Go checksum database (`golang.org/x/mod/sumdb/tlog`), the older form of
//! C2SP tlog-tiles: `tile/<H>/<L>/<N>[.p/<W>]` with an explicit tile height `H`, and
//! `tile/<H>/data/<N>[.p/<W>]` for entry tiles. `sum.golang.org` uses `H = 8`. Read here so
//! that Accord can follow such logs; Accord's own log uses [`crate::tiles`].

use std::fmt;

use crate::tiles::{changed_tiles, format_tile_index, parse_decimal, parse_index_and_width_up_to};

/// The largest tile height of the sumdb form.
pub const MAX_SUMDB_HEIGHT: u8 = 30;

/// A sumdb tile: height `H`, level `L` (`None` for a data tile), index `N`, width `W`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SumdbTile {
    pub height: u8,
    pub level: Option<u8>,
    pub index: u64,
    pub width: u32,
}

/// A path that is not a canonical sumdb tile path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a sumdb tile path: {0:?}")]
pub struct SumdbPathError(pub String);

impl SumdbTile {
    /// Parses `tile/<H>/<L or data>/<N>[.p/<W>]`.
    pub fn parse_path(path: &str) -> Result<Self, SumdbPathError> {
        let bad = || SumdbPathError(path.to_owned());
        let rest = path.strip_prefix("tile/").ok_or_else(bad)?;
        let (h, rest) = rest.split_once('/').ok_or_else(bad)?;
        let height = parse_decimal(h).and_then(|h| u8::try_from(h).ok()).ok_or_else(bad)?;
        if height == 0 || height > MAX_SUMDB_HEIGHT {
            return Err(bad());
        }
        let (l, rest) = rest.split_once('/').ok_or_else(bad)?;
        let level = if l == "data" {
            None
        } else {
            Some(parse_decimal(l).and_then(|l| u8::try_from(l).ok()).filter(|l| *l <= 63).ok_or_else(bad)?)
        };
        let (index, width) = parse_index_and_width_up_to(rest, 1 << height).ok_or_else(bad)?;
        Ok(Self { height, level, index, width })
    }

    pub fn path(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for SumdbTile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tile/{}/", self.height)?;
        match self.level {
            Some(l) => write!(f, "{l}/")?,
            None => f.write_str("data/")?,
        }
        f.write_str(&format_tile_index(self.index))?;
        if self.width < 1 << self.height {
            write!(f, ".p/{}", self.width)?;
        }
        Ok(())
    }
}

/// The hash tiles of height `height` whose contents differ between tree sizes `old` and `new`
/// (Go's `tlog.NewTiles`).
pub fn new_sumdb_tiles(height: u8, old: u64, new: u64) -> Vec<SumdbTile> {
    let height = height.clamp(1, MAX_SUMDB_HEIGHT);
    changed_tiles(height, old, new)
        .into_iter()
        .map(|(level, index, width)| SumdbTile { height, level: Some(level), index, width })
        .collect()
}
