//! `tlog-tiles.json`: the C2SP index encoding and tree inventories, Go sumdb tile paths and
//! `NewTiles` counts; and hash tiles read back as stored hashes.

use accord_tlog::tiles::{format_tile_index, parse_tile_index};
use accord_tlog::{
    MemoryHashes, SumdbTile, Tile, TileHashReader, TileReader, new_sumdb_tiles, tiles_for_size,
};

use crate::vector_file;

/// Checks the tiles of a tree against a `levels` description: per level, the number of full
/// tiles and the partial tile's path (or null).
pub fn check_levels(size: u64, tiles: &[Tile], levels: &[serde_json::Value]) {
    let top = tiles.iter().filter_map(|t| t.level()).max();
    assert_eq!(top.map(usize::from), Some(levels.len() - 1), "size {size}: number of levels");
    for l in levels {
        let level = l["level"].as_u64().unwrap() as u8;
        let full = tiles.iter().filter(|t| t.level() == Some(level) && !t.is_partial()).count();
        assert_eq!(full as u64, l["full_tiles"].as_u64().unwrap(), "size {size}, level {level}");
        let partial: Vec<String> =
            tiles.iter().filter(|t| t.level() == Some(level) && t.is_partial()).map(|t| t.path()).collect();
        match l["partial"].as_str() {
            Some(p) => assert_eq!(partial, vec![p.to_owned()], "size {size}, level {level}"),
            None => assert!(partial.is_empty(), "size {size}, level {level}: {partial:?}"),
        }
    }
}

#[test]
fn c2sp_index_encoding() {
    let Some(file) = vector_file("tlog-tiles.json") else { return };
    for case in file["c2sp_index_encoding"].as_array().unwrap() {
        let n = case["n"].as_u64().unwrap();
        let elem = case["path_elem"].as_str().unwrap();
        assert_eq!(format_tile_index(n), elem);
        assert_eq!(parse_tile_index(elem), Some(n));
        let tile = Tile::parse_path(&format!("tile/0/{elem}.p/5")).unwrap();
        assert_eq!((tile.level(), tile.index(), tile.width()), (Some(0), n, 5));
    }
}

#[test]
fn c2sp_tree_examples() {
    let Some(file) = vector_file("tlog-tiles.json") else { return };
    let cases = file["c2sp_tree_examples"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    for case in cases {
        let size = case["tree_size"].as_u64().unwrap();
        let tiles = tiles_for_size(size);
        let t = &case["tiles"];
        for level in 0..=2u8 {
            let full = tiles.iter().filter(|x| x.level() == Some(level) && !x.is_partial()).count() as u64;
            let partial: Vec<u16> = tiles
                .iter()
                .filter(|x| x.level() == Some(level) && x.is_partial())
                .map(|x| x.width())
                .collect();
            if let Some(want) = t[format!("level{level}_full")].as_u64() {
                assert_eq!(full, want, "size {size} level {level}");
            }
            match t[format!("level{level}_partial_width")].as_u64() {
                Some(0) | None => assert!(partial.is_empty(), "size {size} level {level}: {partial:?}"),
                Some(w) => assert_eq!(partial, vec![w as u16], "size {size} level {level}"),
            }
        }
        assert!(tiles.iter().all(|x| x.level() <= Some(2)), "size {size}");
    }
}

#[test]
fn sumdb_tile_paths() {
    let Some(file) = vector_file("tlog-tiles.json") else { return };
    let cases = file["sumdb_tile_paths"].as_array().unwrap();
    assert_eq!(cases.len(), 8);
    for case in cases {
        let path = case["path"].as_str().unwrap();
        if case["invalid"].as_bool() == Some(true) {
            assert!(SumdbTile::parse_path(path).is_err(), "{path} was accepted");
            continue;
        }
        let tile = SumdbTile::parse_path(path).unwrap_or_else(|e| panic!("{e}"));
        let t = &case["tile"];
        assert_eq!(u64::from(tile.height), t["H"].as_u64().unwrap(), "{path}");
        assert_eq!(tile.level.map_or(-1, i64::from), t["L"].as_i64().unwrap(), "{path}");
        assert_eq!(tile.index, t["N"].as_u64().unwrap(), "{path}");
        assert_eq!(u64::from(tile.width), t["W"].as_u64().unwrap(), "{path}");
        assert_eq!(tile.path(), path);
    }
}

#[test]
fn sumdb_new_tiles_counts() {
    let Some(file) = vector_file("tlog-tiles.json") else { return };
    let cases = file["sumdb_new_tiles_count_height10"].as_array().unwrap();
    assert_eq!(cases.len(), 7);
    for case in cases {
        let (old, new) = (case["old"].as_u64().unwrap(), case["new"].as_u64().unwrap());
        assert_eq!(
            new_sumdb_tiles(10, old, new).len() as u64,
            case["want"].as_u64().unwrap(),
            "{old} -> {new}"
        );
    }
}

/// Tiles served from a tree held in memory.
struct MemoryTiles(MemoryHashes);

impl TileReader for MemoryTiles {
    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, accord_tlog::ReadError> {
        tiles.iter().map(|t| accord_tlog::read_hash_tile(&self.0, t)).collect()
    }
}

#[test]
fn proofs_and_roots_from_tiles_equal_those_from_stored_hashes() {
    let mut tree = MemoryHashes::new();
    for i in 0u32..70_000 {
        tree.append(&i.to_be_bytes());
    }
    for size in [1, 255, 256, 257, 65_536, 65_537, 70_000] {
        let from_tiles = TileHashReader::new(size, MemoryTiles(tree.clone()));
        assert_eq!(
            accord_tlog::root_hash(&from_tiles, size).unwrap(),
            accord_tlog::root_hash(&tree, size).unwrap()
        );
        for index in [0, size / 3, size - 1] {
            assert_eq!(
                accord_tlog::inclusion_proof(&from_tiles, index, size).unwrap(),
                accord_tlog::inclusion_proof(&tree, index, size).unwrap(),
                "{index} in {size}"
            );
        }
        if size > 1 {
            assert_eq!(
                accord_tlog::consistency_proof(&from_tiles, size / 2, size).unwrap(),
                accord_tlog::consistency_proof(&tree, size / 2, size).unwrap()
            );
        }
    }
}
