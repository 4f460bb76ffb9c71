/**
 * What `requestUpload` reads of the configuration, for tests that call it directly: the product's
 * defaults, with rate limits high enough that no test is refused for its own speed.
 */
export const TEST_UPLOAD_SETTINGS = {
  limits: {
    maxUploadBytes: 25 * 1024 * 1024,
    maxInputPixels: 50_000_000,
    uploadsPerMinute: 1000,
    uploadsPerMinutePerApiKey: 1000,
    defaultStorageLimitBytes: 1024 ** 3,
    defaultImageLimit: 100,
    pendingUploadGraceHours: 1,
  },
  sas: { uploadTtlMinutes: 10 },
};
