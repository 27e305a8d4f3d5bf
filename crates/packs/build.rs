//! Rebuild when any file of the embedded packs changes or is added (`include_dir!` alone notices
//! only changes to files it already embeds).
fn main() {
    println!("cargo:rerun-if-changed=../../packs");
}
