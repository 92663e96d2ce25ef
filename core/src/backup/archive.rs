//! The backup file: a zip holding `manifest.json` (first) and the payload. Blocking
//! file work, run by the caller off the async threads.
use std::{
    fs::File,
    io::{self, BufReader, Read, Write},
    path::Path,
};

use sha2::{Digest, Sha256};
use zip::{CompressionMethod, ZipArchive, ZipWriter, write::SimpleFileOptions};

use super::{BackupError, manifest::Manifest};

/// The name of the manifest in the file.
pub const MANIFEST: &str = "manifest.json";

/// A manifest larger than this is not one.
const MANIFEST_MAX: u64 = 4 * 1024 * 1024;

fn io_err(what: &str, path: &Path, e: &io::Error) -> BackupError {
    BackupError::Failed(format!("{what} « {} » : {e}", path.display()))
}

/// The SHA-256 (lowercase hex) and size of a file.
///
/// # Errors
/// The file cannot be read.
pub fn sha256_file(path: &Path) -> Result<(String, u64), BackupError> {
    let mut f = File::open(path).map_err(|e| io_err("lecture de", path, &e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| io_err("lecture de", path, &e))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(buf.get(..n).unwrap_or_default());
    }
    Ok((hex::encode(h.finalize()), size))
}

/// Writes the file at `to` (which must not exist: a backup never overwrites another).
///
/// # Errors
/// The file exists or cannot be written.
pub fn write(to: &Path, manifest: &Manifest, payload: &Path) -> Result<(), BackupError> {
    let json = serde_json::to_vec_pretty(manifest)
        .map_err(|e| BackupError::Failed(format!("manifeste : {e}")))?;
    let out = File::options()
        .write(true)
        .create_new(true)
        .open(to)
        .map_err(|e| io_err("création de", to, &e))?;
    let zip_err = |e: zip::result::ZipError| {
        BackupError::Failed(format!("écriture de « {} » : {e}", to.display()))
    };
    let mut zip = ZipWriter::new(out);
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file(MANIFEST, opts).map_err(zip_err)?;
    zip.write_all(&json)
        .map_err(|e| io_err("écriture de", to, &e))?;
    zip.start_file(manifest.payload.name.as_str(), opts)
        .map_err(zip_err)?;
    let mut src =
        BufReader::new(File::open(payload).map_err(|e| io_err("lecture de", payload, &e))?);
    io::copy(&mut src, &mut zip).map_err(|e| io_err("écriture de", to, &e))?;
    let mut out = zip.finish().map_err(zip_err)?;
    out.flush().map_err(|e| io_err("écriture de", to, &e))?;
    out.sync_all().map_err(|e| io_err("écriture de", to, &e))?;
    Ok(())
}

fn open(file: &Path) -> Result<ZipArchive<BufReader<File>>, BackupError> {
    let f = File::open(file).map_err(|e| io_err("lecture de", file, &e))?;
    ZipArchive::new(BufReader::new(f)).map_err(|e| {
        BackupError::Refused(format!(
            "« {} » n’est pas un fichier de sauvegarde Mutualis (archive illisible : {e})",
            file.display()
        ))
    })
}

/// The manifest of a backup file.
///
/// # Errors
/// Refused: not a zip, no manifest, a manifest that does not parse (the field named).
pub fn read_manifest(file: &Path) -> Result<Manifest, BackupError> {
    let mut zip = open(file)?;
    let entry = zip.by_name(MANIFEST).map_err(|_| {
        BackupError::Refused(format!(
            "« {} » n’a pas de manifeste ({MANIFEST})",
            file.display()
        ))
    })?;
    let mut json = Vec::new();
    entry
        .take(MANIFEST_MAX)
        .read_to_end(&mut json)
        .map_err(|e| BackupError::Refused(format!("manifeste illisible : {e}")))?;
    serde_json::from_slice(&json)
        .map_err(|e| BackupError::Refused(format!("manifeste incomplet ou invalide : {e}")))
}

/// Copies the payload `name` out of the file to `to`, and gives its SHA-256 and size.
///
/// # Errors
/// Refused: no such payload. Failed: the copy cannot be written.
pub fn extract_payload(file: &Path, name: &str, to: &Path) -> Result<(String, u64), BackupError> {
    let mut zip = open(file)?;
    let mut entry = zip.by_name(name).map_err(|_| {
        BackupError::Refused(format!(
            "« {} » ne contient pas la base annoncée par son manifeste (« {name} »)",
            file.display()
        ))
    })?;
    let mut out = File::options()
        .write(true)
        .create_new(true)
        .open(to)
        .map_err(|e| io_err("création de", to, &e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = entry.read(&mut buf).map_err(|e| {
            BackupError::Refused(format!("contenu de la sauvegarde illisible : {e}"))
        })?;
        if n == 0 {
            break;
        }
        let chunk = buf.get(..n).unwrap_or_default();
        size += n as u64;
        h.update(chunk);
        out.write_all(chunk)
            .map_err(|e| io_err("écriture de", to, &e))?;
    }
    out.sync_all().map_err(|e| io_err("écriture de", to, &e))?;
    Ok((hex::encode(h.finalize()), size))
}
