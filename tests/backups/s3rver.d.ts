// @20minutes/s3rver ships no type declarations; tests/backups/support.ts types the part it uses.
declare module "@20minutes/s3rver" {
  const S3rver: unknown;
  export default S3rver;
}
