/**
 * Preload of the kiosk window: deliberately empty. The UI talks to the core over its loopback HTTP
 * and WebSocket API with the per-boot token, exactly as it does in Chromium for tests and
 * development, so it needs nothing from Electron and the bridge exposes nothing (no contextBridge,
 * no ipcRenderer). The file exists because the window names a preload: an empty, sandboxed one
 * keeps that slot from being filled by something broader later without a review.
 */
export {};
