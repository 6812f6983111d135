/** One copied object in a storage manifest (scripts/backup/copy-storage.ts writes, restore-storage.ts reads). */
export interface StorageEntry {
  bucket: string;
  key: string;
  bytes: number;
  contentType?: string;
  sha256: string;
  /** Key of its bytes in the backup bucket: `storage/blobs/YYYY-MM/<sha256>`. */
  blob: string;
}
