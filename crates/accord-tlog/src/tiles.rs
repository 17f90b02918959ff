//! C2SP tlog-tiles: the static read API of a log. Hash tiles `tile/<L>/<N>[.p/<W>]` hold 256
//! consecutive stored hashes of Merkle level `8·L` (a partial tile the first `W` of them), as
//! concatenated 32-byte hashes; entry bundles `tile/entries/<N>[.p/<W>]` hold the entries whose
//! leaf hashes are level-0 tile `N` (see [`crate::bundle`]). `N` is written in 3-digit groups,
//! all but the last prefixed with `x` (1234067 → `x001/x234/067`).
//!
//! Also: which tiles a tree of a given size has, which tiles change when it grows, making a
//! hash tile from stored hashes, and reading stored hashes back from tiles ([`TileHashReader`]).

use std::collections::BTreeMap;
use std::fmt;

use crate::merkle::{Hash, HashReader, NodeIndex, ReadError, tree_hash};

/// Tile height: a tile spans 8 Merkle levels.
pub const TILE_HEIGHT: u8 = 8;
/// Hashes (or entries) in a full tile.
pub const TILE_WIDTH: u16 = 1 << TILE_HEIGHT;
/// Bytes of a full hash tile.
pub const FULL_HASH_TILE_LEN: usize = TILE_WIDTH as usize * Hash::LEN;
/// The largest tile level a path may carry.
pub const MAX_TILE_LEVEL: u8 = 63;

/// What a tile holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TileKind {
    /// Stored hashes of Merkle level `8 · level`.
    Hashes { level: u8 },
    /// An entry bundle.
    Entries,
}

/// A tile: its kind, its index `N` and its width `W` (1..=256; 256 is a full tile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tile {
    kind: TileKind,
    index: u64,
    width: u16,
}

/// Why a tile or tile path is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TileError {
    #[error("tile level {0} is above {MAX_TILE_LEVEL}")]
    Level(u8),
    #[error("tile width {0} is not in 1..=256")]
    Width(u16),
    #[error("not a tile path: {0:?}")]
    Path(String),
    #[error("a {tile} tile holds {expected} bytes, not {found}")]
    Length { tile: String, expected: usize, found: usize },
}

impl Tile {
    /// A hash tile.
    pub fn hashes(level: u8, index: u64, width: u16) -> Result<Self, TileError> {
        if level > MAX_TILE_LEVEL {
            return Err(TileError::Level(level));
        }
        Self::checked(TileKind::Hashes { level }, index, width)
    }

    /// An entry bundle.
    pub fn entries(index: u64, width: u16) -> Result<Self, TileError> {
        Self::checked(TileKind::Entries, index, width)
    }

    fn checked(kind: TileKind, index: u64, width: u16) -> Result<Self, TileError> {
        if width == 0 || width > TILE_WIDTH {
            return Err(TileError::Width(width));
        }
        Ok(Self { kind, index, width })
    }

    pub fn kind(&self) -> TileKind {
        self.kind
    }

    /// The tile level of a hash tile; `None` for an entry bundle.
    pub fn level(&self) -> Option<u8> {
        match self.kind {
            TileKind::Hashes { level } => Some(level),
            TileKind::Entries => None,
        }
    }

    pub fn index(&self) -> u64 {
        self.index
    }

    pub fn width(&self) -> u16 {
        self.width
    }

    pub fn is_partial(&self) -> bool {
        self.width < TILE_WIDTH
    }

    /// The path of the tile below the log's prefix, e.g. `tile/0/x001/x234/067.p/5`.
    pub fn path(&self) -> String {
        self.to_string()
    }

    /// Parses a tile path below the log's prefix. Only the canonical form is accepted: no
    /// leading zeros in `L` or `W`, no superfluous `x000` groups, `W` only for partial tiles.
    pub fn parse_path(path: &str) -> Result<Self, TileError> {
        let bad = || TileError::Path(path.to_owned());
        let rest = path.strip_prefix("tile/").ok_or_else(bad)?;
        let (kind_part, rest) = rest.split_once('/').ok_or_else(bad)?;
        let kind = if kind_part == "entries" {
            TileKind::Entries
        } else {
            let level = parse_decimal(kind_part).ok_or_else(bad)?;
            let level = u8::try_from(level).ok().filter(|l| *l <= MAX_TILE_LEVEL).ok_or_else(bad)?;
            TileKind::Hashes { level }
        };
        let (index, width) = parse_index_and_width(rest).ok_or_else(bad)?;
        Self::checked(kind, index, width).map_err(|_| bad())
    }

    /// The stored hashes a hash tile holds (none for an entry bundle, or for a tile beyond
    /// any possible tree).
    pub fn stored_hashes(&self) -> Vec<NodeIndex> {
        let Some(level) = self.level() else { return Vec::new() };
        let Some(merkle_level) = level.checked_mul(TILE_HEIGHT) else { return Vec::new() };
        // A tile index so large that its hashes cannot exist in a tree of at most 2^64 leaves
        // holds nothing.
        let Some(first) = self.index.checked_mul(u64::from(TILE_WIDTH)) else { return Vec::new() };
        if first.checked_add(u64::from(self.width)).is_none() {
            return Vec::new();
        }
        (0..u64::from(self.width)).map(|i| NodeIndex::new(merkle_level, first + i)).collect()
    }

    /// Splits the bytes of a hash tile into its hashes, checking its length.
    pub fn parse_hashes(&self, bytes: &[u8]) -> Result<Vec<Hash>, TileError> {
        let expected = usize::from(self.width) * Hash::LEN;
        if self.level().is_none() || bytes.len() != expected {
            return Err(TileError::Length { tile: self.path(), expected, found: bytes.len() });
        }
        Ok(bytes
            .chunks_exact(Hash::LEN)
            .map(|c| Hash::from_slice(c).expect("chunks of exactly 32 bytes"))
            .collect())
    }

    /// The hash of the subtree a hash tile covers: at tile level `L`, the root of its `W`
    /// hashes, which is a stored hash of Merkle level `8·(L+1)` when the tile is full.
    pub fn subtree_hash(hashes: &[Hash]) -> Hash {
        tree_hash(hashes)
    }
}

impl fmt::Display for Tile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TileKind::Hashes { level } => write!(f, "tile/{level}/{}", format_tile_index(self.index))?,
            TileKind::Entries => write!(f, "tile/entries/{}", format_tile_index(self.index))?,
        }
        if self.is_partial() {
            write!(f, ".p/{}", self.width)?;
        }
        Ok(())
    }
}

/// A decimal without sign or leading zeros.
pub(crate) fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    s.parse().ok()
}

/// `N` in 3-digit groups, all but the last prefixed with `x`: 1234067 → `x001/x234/067`.
pub fn format_tile_index(n: u64) -> String {
    let mut groups = Vec::new();
    let mut rest = n;
    loop {
        groups.push(rest % 1000);
        rest /= 1000;
        if rest == 0 {
            break;
        }
    }
    let mut out = String::with_capacity(groups.len() * 5);
    for (i, g) in groups.iter().rev().enumerate() {
        if i + 1 < groups.len() {
            out.push_str(&format!("x{g:03}/"));
        } else {
            out.push_str(&format!("{g:03}"));
        }
    }
    out
}

/// Parses the canonical 3-digit-group form of a tile index.
pub fn parse_tile_index(s: &str) -> Option<u64> {
    let groups: Vec<&str> = s.split('/').collect();
    let (last, leading) = groups.split_last()?;
    let mut n: u64 = 0;
    for (i, g) in leading.iter().enumerate() {
        let digits = g.strip_prefix('x')?;
        let v = three_digits(digits)?;
        if i == 0 && v == 0 {
            return None; // `x000/…` is not canonical
        }
        n = n.checked_mul(1000)?.checked_add(v)?;
    }
    n.checked_mul(1000)?.checked_add(three_digits(last)?)
}

fn three_digits(s: &str) -> Option<u64> {
    if s.len() != 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `<N>` or `<N>.p/<W>` with `W` in 1..=255.
pub(crate) fn parse_index_and_width(s: &str) -> Option<(u64, u16)> {
    let (n, w) = parse_index_and_width_up_to(s, u32::from(TILE_WIDTH))?;
    Some((n, u16::try_from(w).ok()?))
}

/// `<N>` or `<N>.p/<W>` with `W` below `full`; a full tile has width `full`.
pub(crate) fn parse_index_and_width_up_to(s: &str, full: u32) -> Option<(u64, u32)> {
    match s.split_once(".p/") {
        None => Some((parse_tile_index(s)?, full)),
        Some((n, w)) => {
            let w = u32::try_from(parse_decimal(w)?).ok()?;
            if w == 0 || w >= full {
                return None;
            }
            Some((parse_tile_index(n)?, w))
        }
    }
}

/// The hash tiles whose contents differ between a tree of `old` leaves and one of `new`
/// leaves (`old <= new`): the new full tiles and the new partial tile of each level, in level
/// order. With `old = 0`, every tile of a tree of size `new`.
pub fn new_tiles(old: u64, new: u64) -> Vec<Tile> {
    changed_tiles(TILE_HEIGHT, old, new)
        .into_iter()
        .map(|(level, index, width)| Tile {
            kind: TileKind::Hashes { level },
            index,
            width: u16::try_from(width).expect("width <= 256"),
        })
        .collect()
}

/// Every hash tile of a tree of `size` leaves: full tiles and the partial tile of each level.
/// Empty tiles do not exist.
pub fn tiles_for_size(size: u64) -> Vec<Tile> {
    new_tiles(0, size)
}

/// The entry bundles of a tree of `size` leaves.
pub fn entry_bundles_for_size(size: u64) -> Vec<Tile> {
    let full = size >> TILE_HEIGHT;
    let mut tiles: Vec<Tile> =
        (0..full).map(|index| Tile { kind: TileKind::Entries, index, width: TILE_WIDTH }).collect();
    let rest = (size % u64::from(TILE_WIDTH)) as u16;
    if rest > 0 {
        tiles.push(Tile { kind: TileKind::Entries, index: full, width: rest });
    }
    tiles
}

/// The tiles of height `height` that change between tree sizes `old` and `new`, as (tile
/// level, index, width).
pub(crate) fn changed_tiles(height: u8, old: u64, new: u64) -> Vec<(u8, u64, u32)> {
    let h = u32::from(height);
    let full = 1u64 << h;
    let mut tiles = Vec::new();
    let mut level = 0u8;
    while let Some(shift) = h.checked_mul(u32::from(level)).filter(|s| *s < 64) {
        let new_hashes = new >> shift;
        if new_hashes == 0 {
            break;
        }
        let old_hashes = old.min(new) >> shift;
        if old_hashes != new_hashes {
            for index in old_hashes >> h..new_hashes >> h {
                tiles.push((level, index, full as u32));
            }
            let index = new_hashes >> h;
            let width = new_hashes - (index << h);
            if width > 0 {
                tiles.push((level, index, width as u32));
            }
        }
        level += 1;
    }
    tiles
}

/// Makes the bytes of a hash tile from stored hashes.
pub fn read_hash_tile(reader: &impl HashReader, tile: &Tile) -> Result<Vec<u8>, ReadError> {
    let nodes = tile.stored_hashes();
    let hashes = reader.read_hashes(&nodes)?;
    Ok(encode_hash_tile(&hashes))
}

/// The bytes of a hash tile: its hashes, concatenated.
pub fn encode_hash_tile(hashes: &[Hash]) -> Vec<u8> {
    hashes.iter().flat_map(|h| h.0).collect()
}

/// A source of tile contents, such as a tile server or a directory, for [`TileHashReader`].
pub trait TileReader {
    /// The bytes of each tile, in the same order.
    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, ReadError>;
}

/// Reads stored hashes out of the hash tiles of a tree of `size` leaves: a stored hash of
/// Merkle level `8·L + j` is the root of `2^j` hashes of a tile of level `L`. Tiles are not
/// authenticated: check what is built from them (a root, a proof) against a verified
/// checkpoint.
#[derive(Debug, Clone)]
pub struct TileHashReader<R> {
    size: u64,
    tiles: R,
}

impl<R: TileReader> TileHashReader<R> {
    pub fn new(size: u64, tiles: R) -> Self {
        Self { size, tiles }
    }
}

impl<R: TileReader> HashReader for TileHashReader<R> {
    fn read_hashes(&self, indexes: &[NodeIndex]) -> Result<Vec<Hash>, ReadError> {
        // For each wanted hash: the tile it comes from and the range of that tile's hashes.
        let mut plan = Vec::with_capacity(indexes.len());
        let mut wanted: BTreeMap<Tile, usize> = BTreeMap::new();
        for n in indexes {
            let missing = ReadError::Missing { level: n.level, index: n.index };
            let tile_level = n.level / TILE_HEIGHT;
            let j = u32::from(n.level % TILE_HEIGHT);
            let base_level = u32::from(tile_level) * u32::from(TILE_HEIGHT);
            let first = n.index.checked_shl(j).filter(|f| f >> j == n.index).ok_or_else(|| missing_of(n))?;
            let count = 1u64 << j;
            let tile_index = first >> TILE_HEIGHT;
            let available = if base_level < 64 { self.size >> base_level } else { 0 };
            let in_tile = available.saturating_sub(tile_index << TILE_HEIGHT).min(u64::from(TILE_WIDTH));
            let offset = first - (tile_index << TILE_HEIGHT);
            if offset + count > in_tile {
                return Err(missing);
            }
            let tile = Tile::hashes(tile_level, tile_index, in_tile as u16).map_err(|_| missing_of(n))?;
            let next = wanted.len();
            wanted.entry(tile).or_insert(next);
            plan.push((tile, offset as usize, count as usize));
        }
        let mut order: Vec<(Tile, usize)> = wanted.into_iter().collect();
        order.sort_by_key(|(_, i)| *i);
        let tiles: Vec<Tile> = order.iter().map(|(t, _)| *t).collect();
        let contents = self.tiles.read_tiles(&tiles)?;
        if contents.len() != tiles.len() {
            return Err(ReadError::Storage("the tile reader returned the wrong number of tiles".into()));
        }
        let mut parsed: BTreeMap<Tile, Vec<Hash>> = BTreeMap::new();
        for (tile, bytes) in tiles.iter().zip(&contents) {
            let hashes = tile.parse_hashes(bytes).map_err(|e| ReadError::Storage(Box::new(e)))?;
            parsed.insert(*tile, hashes);
        }
        Ok(plan
            .into_iter()
            .map(|(tile, offset, count)| tree_hash(&parsed[&tile][offset..offset + count]))
            .collect())
    }
}

fn missing_of(n: &NodeIndex) -> ReadError {
    ReadError::Missing { level: n.level, index: n.index }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_groups() {
        assert_eq!(format_tile_index(0), "000");
        assert_eq!(format_tile_index(999), "999");
        assert_eq!(format_tile_index(1000), "x001/000");
        assert_eq!(parse_tile_index("x001/000"), Some(1000));
        assert_eq!(parse_tile_index("x000/001"), None);
        assert_eq!(parse_tile_index("01"), None);
        assert_eq!(parse_tile_index("x01/000"), None);
        assert_eq!(parse_tile_index("001/000"), None);
        assert_eq!(format_tile_index(u64::MAX), "x018/x446/x744/x073/x709/x551/615");
        assert_eq!(parse_tile_index("x018/x446/x744/x073/x709/x551/616"), None);
    }
}
