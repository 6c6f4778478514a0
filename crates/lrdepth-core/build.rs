//! Unpacks `data/digits.csv.gz` into `$OUT_DIR/digits.bin`: one record per
//! image, 64 pixel bytes (0 to 16) then the digit byte (0 to 9).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::{env, fs};

const SOURCE: &str = "data/digits.csv.gz";
const IMAGES: usize = 1797;
const PIXELS: usize = 64;

fn main() {
    println!("cargo::rerun-if-changed={SOURCE}");
    let file = fs::File::open(SOURCE).unwrap_or_else(|e| panic!("failed to open {SOURCE}: {e}"));
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));

    let mut packed = Vec::with_capacity(IMAGES * (PIXELS + 1));
    let mut images = 0;
    for (number, line) in reader.lines().enumerate() {
        let line = line.unwrap_or_else(|e| panic!("failed to read {SOURCE}: {e}"));
        let values: Vec<u8> = line
            .split(',')
            .map(|v| {
                v.trim().parse().unwrap_or_else(|e| {
                    panic!("{SOURCE} line {}: {v:?} is not a byte: {e}", number + 1)
                })
            })
            .collect();
        assert_eq!(
            values.len(),
            PIXELS + 1,
            "{SOURCE} line {}: expected {} values, found {}",
            number + 1,
            PIXELS + 1,
            values.len()
        );
        let (pixels, label) = values.split_at(PIXELS);
        assert!(
            pixels.iter().all(|&p| p <= 16),
            "{SOURCE} line {}: pixel above 16",
            number + 1
        );
        assert!(
            label[0] <= 9,
            "{SOURCE} line {}: digit {} above 9",
            number + 1,
            label[0]
        );
        packed.extend_from_slice(&values);
        images += 1;
    }
    assert_eq!(
        images, IMAGES,
        "{SOURCE}: expected {IMAGES} images, found {images}"
    );

    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("digits.bin");
    fs::write(&out, packed).unwrap_or_else(|e| panic!("failed to write {}: {e}", out.display()));
}
